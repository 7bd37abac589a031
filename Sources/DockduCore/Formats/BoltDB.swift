/// A read-only reader of BoltDB/bbolt database files, such as Docker's `volumes/metadata.db` and
/// `buildkit/snapshots.db`.
///
/// The whole file is decoded and checked once, in ``init(bytes:)``: after that no lookup can meet
/// a broken page, so lookups need not throw. Keys and values stay slices of the file's bytes until
/// asked for, so a corrupt file cannot make the reader copy more than it holds.
///
/// The layout is bbolt's on little-endian machines (x86-64, arm64), from `page.go`, `db.go` and
/// `bucket.go` of go.etcd.io/bbolt:
/// - every page starts with a 16-byte header: `id u64, flags u16, count u16, overflow u32`; a page
///   with `overflow` n runs over n more pages after it;
/// - pages 0 and 1 hold the two meta copies after the header; writers alternate between them
///   (txid % 2), and a reader takes the valid one with the higher txid;
/// - a branch page holds `count` elements `pos u32, ksize u32, pgid u64`, a leaf page `count`
///   elements `flags u32, pos u32, ksize u32, vsize u32`; `pos` counts from the element itself;
/// - a leaf element with flag 0x01 is a nested bucket: its value is `root u64, sequence u64`,
///   and when `root` is 0 the bucket's only (leaf) page follows inline in the value.
public struct BoltDB: Sendable {
    /// The top-level bucket, whose entries are the file's buckets.
    public let rootBucket: Bucket
    /// Page size written in the meta page, in bytes (4096 on most Linux machines).
    public let pageSize: Int
    /// ID of the transaction whose meta page was read.
    public let transactionID: UInt64

    /// Decodes a whole bolt file.
    ///
    /// - Throws: ``FormatError`` when the bytes are not a bolt file or any page reachable from the
    ///   meta page is damaged; the reader never traps or loops on a corrupt file.
    public init(bytes: [UInt8]) throws(FormatError) {
        let meta = try Meta.current(in: bytes)
        var reader = TreeReader(bytes: bytes, pageSize: meta.pageSize, pageCount: meta.pageCount)
        rootBucket = try reader.bucket(rootPage: meta.rootPage, depth: 0)
        pageSize = meta.pageSize
        transactionID = meta.transactionID
    }

    /// The bucket at `path` of nested bucket names from the top level; the root for `[]`.
    public func bucket(_ path: [[UInt8]]) -> Bucket? {
        var bucket = rootBucket
        for name in path {
            guard let child = bucket.bucket(name) else { return nil }
            bucket = child
        }
        return bucket
    }

    /// A bucket's entries, in key order (bytes compared unsigned, as bbolt orders them).
    public struct Bucket: Sendable {
        fileprivate enum Value: Sendable {
            case bytes(Range<Int>)
            case bucket(Bucket)
        }

        fileprivate struct Entry: Sendable {
            var key: Range<Int>
            var value: Value
        }

        /// The whole file; keys and values are ranges of it.
        fileprivate let file: [UInt8]
        fileprivate let entries: [Entry]

        /// Number of entries, nested buckets included.
        public var count: Int { entries.count }

        /// Calls `body` with every key in order; `value` is nil for a nested bucket.
        public func forEach(_ body: (_ key: [UInt8], _ value: [UInt8]?) throws -> Void) rethrows {
            for entry in entries {
                switch entry.value {
                case .bytes(let value): try body(Array(file[entry.key]), Array(file[value]))
                case .bucket: try body(Array(file[entry.key]), nil)
                }
            }
        }

        /// The value stored at `key`; nil when there is none or `key` names a nested bucket.
        public func get(_ key: [UInt8]) -> [UInt8]? {
            guard let index = index(of: key), case .bytes(let value) = entries[index].value else { return nil }
            return Array(file[value])
        }

        /// The nested bucket named `name`, if there is one.
        public func bucket(_ name: [UInt8]) -> Bucket? {
            guard let index = index(of: name), case .bucket(let child) = entries[index].value else { return nil }
            return child
        }

        /// Binary search; entries were checked to be in strictly ascending order when decoded.
        private func index(of key: [UInt8]) -> Int? {
            var low = 0
            var high = entries.count
            while low < high {
                let middle = (low + high) / 2
                switch compareBytes(file[entries[middle].key], key[...]) {
                case .less: low = middle + 1
                case .greater: high = middle
                case .equal: return middle
                }
            }
            return nil
        }
    }

    /// Why a file could not be read as a bolt database.
    public enum FormatError: Error, Equatable, Sendable, CustomStringConvertible {
        /// Neither meta page carries bolt's magic number.
        case notBolt
        /// The meta pages name a format version this reader does not know (bbolt writes 2).
        case unsupportedVersion(UInt32)
        /// The meta pages carry the magic number but fail their checksum.
        case badChecksum
        /// The file ends before a page that the database needs.
        case truncated(fileBytes: Int, neededBytes: Int)
        /// A page number at or beyond the page count in the meta page.
        case pageOutOfRange(page: UInt64, pageCount: UInt64)
        /// A page reached a second time: the tree has a cycle or shares pages.
        case cycle(page: UInt64)
        /// A page whose contents make no sense (wrong type, elements past its end, keys out of order…).
        case malformedPage(page: UInt64, reason: String)

        public var description: String {
            switch self {
            case .notBolt:
                "not a bolt database: neither meta page has the magic number 0xED0CDAED; check the path"
            case .unsupportedVersion(let version):
                "bolt format version \(version) is not supported (only version 2 is)"
            case .badChecksum:
                "both bolt meta pages fail their checksum: the file is damaged or was caught mid-write; "
                    + "read it again, or copy it while the daemon is stopped"
            case .truncated(let fileBytes, let neededBytes):
                "bolt file is truncated: it has \(fileBytes) bytes but needs at least \(neededBytes); "
                    + "the copy is incomplete or the disk filled up"
            case .pageOutOfRange(let page, let pageCount):
                "bolt page \(page) is out of range: the database has \(pageCount) pages; the file is corrupt"
            case .cycle(let page):
                "bolt page \(page) is reached twice: the page tree has a cycle or shared pages; the file is corrupt"
            case .malformedPage(let page, let reason):
                "bolt page \(page) is malformed: \(reason); the file is corrupt"
            }
        }
    }
}

// Short descriptions: the default one would print the whole file once for every bucket.
extension BoltDB: CustomStringConvertible {
    public var description: String {
        "BoltDB(pageSize: \(pageSize), transactionID: \(transactionID), \(rootBucket.count) top-level entries)"
    }
}

extension BoltDB.Bucket: CustomStringConvertible {
    public var description: String { "BoltDB.Bucket(\(count) entries)" }
}

// MARK: - Meta page

extension BoltDB {
    /// The fields of a meta page (bbolt `meta`): 64 bytes after the page header.
    fileprivate struct Meta {
        static let magic: UInt32 = 0xED0C_DAED
        static let version: UInt32 = 2
        static let pageHeaderSize = 16
        /// `magic … txid` is 56 bytes, followed by the 8-byte checksum of those 56.
        static let checksummedSize = 56
        static let size = 64
        /// Page sizes tried for the second meta page when the first one is unreadable, commonest
        /// first: bbolt then guesses the OS page size, which was used to create the file.
        static let likelyPageSizes = [4096, 16384, 65536, 8192, 32768, 2048, 1024, 512]
        static let pageSizes = 512...(1 << 24)

        enum Validity { case valid, badMagic, badVersion, badChecksum, badPageSize }

        var magic: UInt32
        var version: UInt32
        var pageSize: Int
        var rootPage: UInt64
        var pageCount: UInt64
        var transactionID: UInt64
        var validity: Validity

        /// The meta stored in the page starting at `pageOffset`, or nil if the file ends first.
        init?(in bytes: [UInt8], pageOffset: Int) {
            let start = pageOffset + Self.pageHeaderSize
            guard start + Self.size <= bytes.count else { return nil }
            magic = readUInt32(bytes, start)
            version = readUInt32(bytes, start + 4)
            let rawPageSize = readUInt32(bytes, start + 8)
            pageSize = Int(rawPageSize)
            // start + 12: flags; + 16: root bucket (root u64, sequence u64); + 32: freelist page.
            rootPage = readUInt64(bytes, start + 16)
            pageCount = readUInt64(bytes, start + 40)
            transactionID = readUInt64(bytes, start + 48)
            let checksum = readUInt64(bytes, start + Self.checksummedSize)
            if magic != Self.magic {
                validity = .badMagic
            } else if version != Self.version {
                validity = .badVersion
            } else if checksum != 0 && checksum != fnv1a64(bytes[start..<(start + Self.checksummedSize)]) {
                // bbolt accepts a zero checksum: files from bolt versions before checksums existed.
                validity = .badChecksum
            } else if !Self.pageSizes.contains(pageSize) {
                validity = .badPageSize
            } else {
                validity = .valid
            }
        }

        /// The meta page to read the database from: of the valid ones, the one with the higher txid.
        static func current(in bytes: [UInt8]) throws(FormatError) -> Meta {
            guard let first = Meta(in: bytes, pageOffset: 0) else {
                throw .truncated(fileBytes: bytes.count, neededBytes: pageHeaderSize + size)
            }
            var seen = [first]
            var valid: [Meta] = []
            if first.validity == .valid {
                valid.append(first)
                if let second = Meta(in: bytes, pageOffset: first.pageSize) {
                    seen.append(second)
                    if second.validity == .valid && second.pageSize == first.pageSize { valid.append(second) }
                }
            } else {
                for guess in likelyPageSizes {
                    guard let second = Meta(in: bytes, pageOffset: guess) else { continue }
                    seen.append(second)
                    if second.validity == .valid && second.pageSize == guess {
                        valid.append(second)
                        break
                    }
                }
            }
            if let best = valid.max(by: { $0.transactionID < $1.transactionID }) { return best }

            // Neither is usable: report the most telling reason.
            let bolt = seen.filter { $0.validity != .badMagic }
            if let meta = bolt.first(where: { $0.validity == .badVersion }) { throw .unsupportedVersion(meta.version) }
            if let meta = bolt.first(where: { $0.validity == .badPageSize }) {
                throw .malformedPage(page: 0, reason: "the meta page gives a page size of \(meta.pageSize) bytes")
            }
            if !bolt.isEmpty { throw .badChecksum }
            throw .notBolt
        }
    }
}

// MARK: - Page tree

extension BoltDB {
    /// A page's place in the file: a real page, or the inline page inside a bucket value.
    fileprivate struct PageSpan {
        /// The page's number, or for an inline page the number of the page holding it (for messages).
        var id: UInt64
        var isInline: Bool
        var isBranch: Bool
        var start: Int
        var end: Int
        var count: Int
    }

    /// Walks the page tree once, checking every page it reaches.
    fileprivate struct TreeReader {
        static let elementSize = 16
        static let bucketHeaderSize = 16
        static let branchFlag: UInt16 = 0x01
        static let leafFlag: UInt16 = 0x02
        static let bucketLeafFlag: UInt32 = 0x01
        /// bbolt's `MaxKeySize`.
        static let maxKeySize = 32768
        /// Tree levels plus bucket nesting. bbolt pages hold at least two keys, so a tree of the
        /// largest possible file is under 64 levels deep; Docker nests buckets a few levels.
        static let maxDepth = 256

        let bytes: [UInt8]
        let pageSize: Int
        let pageCount: UInt64
        /// Every real page reached so far. A sound file reaches each page once.
        var visited: Set<UInt64> = []

        init(bytes: [UInt8], pageSize: Int, pageCount: UInt64) {
            self.bytes = bytes
            self.pageSize = pageSize
            self.pageCount = pageCount
        }

        /// The bucket whose root is the real page `rootPage`.
        mutating func bucket(rootPage: UInt64, depth: Int) throws(FormatError) -> Bucket {
            let root = try page(rootPage, depth: depth)
            var entries: [Bucket.Entry] = []
            try collect(root, into: &entries, depth: depth)
            return try sortedBucket(entries, rootPage: root)
        }

        /// The inline bucket whose page is `span` of the file (a bucket value after its header).
        mutating func inlineBucket(_ span: Range<Int>, heldBy holder: UInt64, depth: Int) throws(FormatError)
            -> Bucket
        {
            guard depth <= Self.maxDepth else {
                throw .malformedPage(page: holder, reason: "buckets nest more than \(Self.maxDepth) levels deep")
            }
            guard span.count >= Meta.pageHeaderSize else {
                throw .malformedPage(page: holder, reason: "an inline bucket value is too short for a page header")
            }
            let flags = readUInt16(bytes, span.lowerBound + 8)
            let page = PageSpan(
                id: holder, isInline: true, isBranch: flags & Self.branchFlag != 0, start: span.lowerBound,
                end: span.upperBound, count: Int(readUInt16(bytes, span.lowerBound + 10)))
            // bbolt only inlines buckets that fit in one leaf.
            guard flags & Self.leafFlag != 0, !page.isBranch else {
                throw .malformedPage(page: holder, reason: "an inline bucket's page is not a leaf (flags \(flags))")
            }
            var entries: [Bucket.Entry] = []
            try collect(page, into: &entries, depth: depth)
            return try sortedBucket(entries, rootPage: page)
        }

        /// Finds real page `id`, checking that it lies inside the database and the file.
        mutating func page(_ id: UInt64, depth: Int) throws(FormatError) -> PageSpan {
            guard depth <= Self.maxDepth else {
                throw .malformedPage(page: id, reason: "buckets and pages nest more than \(Self.maxDepth) levels deep")
            }
            guard id < pageCount else { throw .pageOutOfRange(page: id, pageCount: pageCount) }
            guard visited.insert(id).inserted else { throw .cycle(page: id) }
            let (start, startOverflow) = Int(clamping: id).multipliedReportingOverflow(by: pageSize)
            guard !startOverflow, start <= bytes.count - pageSize else {
                throw .truncated(fileBytes: bytes.count, neededBytes: startOverflow ? Int.max : start + pageSize)
            }
            let headerID = readUInt64(bytes, start)
            guard headerID == id else {
                throw .malformedPage(page: id, reason: "its header names page \(headerID)")
            }
            let flags = readUInt16(bytes, start + 8)
            let isBranch = flags & Self.branchFlag != 0
            guard isBranch || flags & Self.leafFlag != 0 else {
                throw .malformedPage(page: id, reason: "expected a branch or leaf page, found flags \(flags)")
            }
            // id * pageSize fit in an Int, so id + overflow (< 2^32) cannot overflow a UInt64.
            let overflow = UInt64(readUInt32(bytes, start + 12))
            guard id + overflow < pageCount else {
                throw .pageOutOfRange(page: id + overflow, pageCount: pageCount)
            }
            // overflow < 2^32 and pageSize <= 2^24: the product fits in an Int.
            let length = (Int(overflow) + 1) * pageSize
            guard length <= bytes.count - start else {
                throw .truncated(fileBytes: bytes.count, neededBytes: start + length)
            }
            return PageSpan(
                id: id, isInline: false, isBranch: isBranch, start: start, end: start + length,
                count: Int(readUInt16(bytes, start + 10)))
        }

        /// Appends the entries under `page` (all its leaves, in order) to `entries`.
        mutating func collect(_ page: PageSpan, into entries: inout [Bucket.Entry], depth: Int) throws(FormatError) {
            let elementsEnd = page.start + Meta.pageHeaderSize + page.count * Self.elementSize
            guard elementsEnd <= page.end else {
                throw .malformedPage(page: page.id, reason: "\(page.count) elements do not fit in the page")
            }
            if page.isBranch {
                guard page.count > 0 else {
                    throw .malformedPage(page: page.id, reason: "a branch page has no children")
                }
                for index in 0..<page.count {
                    let element = page.start + Meta.pageHeaderSize + index * Self.elementSize
                    let position = Int(readUInt32(bytes, element))
                    let keySize = Int(readUInt32(bytes, element + 4))
                    guard keySize <= Self.maxKeySize, element + position + keySize <= page.end else {
                        throw .malformedPage(page: page.id, reason: "branch element \(index) runs past the page")
                    }
                    let child = try self.page(readUInt64(bytes, element + 8), depth: depth + 1)
                    try collect(child, into: &entries, depth: depth + 1)
                }
                return
            }
            for index in 0..<page.count {
                let element = page.start + Meta.pageHeaderSize + index * Self.elementSize
                let flags = readUInt32(bytes, element)
                let keyStart = element + Int(readUInt32(bytes, element + 4))
                let keySize = Int(readUInt32(bytes, element + 8))
                let valueSize = Int(readUInt32(bytes, element + 12))
                let keyEnd = keyStart + keySize
                guard keySize <= Self.maxKeySize, keyEnd + valueSize <= page.end else {
                    throw .malformedPage(page: page.id, reason: "leaf element \(index) runs past the page")
                }
                let value = keyEnd..<(keyEnd + valueSize)
                if flags & Self.bucketLeafFlag == 0 {
                    entries.append(Bucket.Entry(key: keyStart..<keyEnd, value: .bytes(value)))
                    continue
                }
                guard value.count >= Self.bucketHeaderSize else {
                    throw .malformedPage(page: page.id, reason: "bucket value \(index) is shorter than a bucket header")
                }
                let root = readUInt64(bytes, value.lowerBound)
                let child: Bucket
                if root == 0 {
                    let inlinePage = (value.lowerBound + Self.bucketHeaderSize)..<value.upperBound
                    child = try inlineBucket(inlinePage, heldBy: page.id, depth: depth + 1)
                } else {
                    child = try bucket(rootPage: root, depth: depth + 1)
                }
                entries.append(Bucket.Entry(key: keyStart..<keyEnd, value: .bucket(child)))
            }
        }

        /// Wraps `entries` in a bucket after checking they are in strictly ascending key order,
        /// which lookups rely on.
        func sortedBucket(_ entries: [Bucket.Entry], rootPage: PageSpan) throws(FormatError) -> Bucket {
            for index in entries.indices.dropFirst()
            where compareBytes(bytes[entries[index - 1].key], bytes[entries[index].key]) != .less {
                let place = rootPage.isInline ? "an inline bucket" : "the bucket rooted here"
                throw .malformedPage(page: rootPage.id, reason: "keys of \(place) are not in ascending order")
            }
            return Bucket(file: bytes, entries: entries)
        }
    }
}

// MARK: - Bytes

private enum ByteOrder { case less, equal, greater }

/// Unsigned lexicographic order, bbolt's `bytes.Compare`.
private func compareBytes(_ left: ArraySlice<UInt8>, _ right: ArraySlice<UInt8>) -> ByteOrder {
    var leftIndex = left.startIndex
    var rightIndex = right.startIndex
    while leftIndex < left.endIndex && rightIndex < right.endIndex {
        if left[leftIndex] != right[rightIndex] { return left[leftIndex] < right[rightIndex] ? .less : .greater }
        leftIndex += 1
        rightIndex += 1
    }
    if left.count == right.count { return .equal }
    return left.count < right.count ? .less : .greater
}

// Callers check that the bytes read lie inside the file.
private func readUInt16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
    UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
}

private func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    var value: UInt32 = 0
    for index in (0..<4).reversed() { value = value << 8 | UInt32(bytes[offset + index]) }
    return value
}

private func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    var value: UInt64 = 0
    for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
    return value
}

/// FNV-1a, 64 bits: the checksum of bbolt's meta page (Go's `hash/fnv.New64a`).
private func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in bytes {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    return hash
}
