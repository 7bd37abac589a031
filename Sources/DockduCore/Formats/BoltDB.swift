/// A read-only reader of BoltDB/bbolt database files, such as Docker's `volumes/metadata.db` and
/// `buildkit/snapshots.db`.
///
/// The whole file is decoded and checked once, in ``init(bytes:)``: after that no lookup can meet
/// a broken page, so lookups need not throw. Keys and values stay slices of the file's bytes until
/// asked for, so a corrupt file cannot make the reader copy more than it holds.
///
/// What one file can cost is bounded by ``Limits``: inline buckets live inside their parent's value,
/// so a hostile file can point many entries at one value and make a few KiB describe an
/// exponentially large tree. The reader counts what it decodes and stops at the first limit.
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
    /// - Throws: ``FormatError`` when the bytes are not a bolt file, any page reachable from the
    ///   meta page is damaged, or the file exceeds `limits`; the reader never traps or loops on a
    ///   corrupt file.
    public init(bytes: [UInt8], limits: Limits = .default) throws(FormatError) {
        let meta = try Meta.current(in: bytes)
        var reader = TreeReader(bytes: bytes, pageSize: meta.pageSize, pageCount: meta.pageCount, limits: limits)
        rootBucket = try reader.bucket(rootPage: meta.rootPage, depth: 0, nesting: 0)
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

    /// How much one file may make the reader decode. The defaults are far above anything Docker
    /// writes (a few buckets deep, thousands of keys) and keep a hostile file to milliseconds and
    /// a few MiB.
    public struct Limits: Sendable, Equatable {
        /// Buckets inside buckets below the top level. Docker nests two or three.
        public var maxBucketNesting: Int
        /// Keys and nested buckets in the whole file. Each takes a 16-byte element in a sound file,
        /// so the reader also never accepts more than the file's size / 16.
        public var maxEntries: Int
        /// Bytes of all keys and values together, what a caller reading every entry copies. A sound
        /// file stores each once, so the reader also never accepts more than the file's size.
        public var maxEntryBytes: Int

        public init(maxBucketNesting: Int = 64, maxEntries: Int = 4_000_000, maxEntryBytes: Int = 1 << 30) {
            self.maxBucketNesting = maxBucketNesting
            self.maxEntries = maxEntries
            self.maxEntryBytes = maxEntryBytes
        }

        public static let `default` = Limits()
    }

    /// A bucket's entries, in key order (bytes compared unsigned, as bbolt orders them).
    public struct Bucket: Sendable {
        enum Value: Sendable {
            case bytes(Range<Int>)
            case bucket(Bucket)
        }

        struct Entry: Sendable {
            var key: Range<Int>
            var value: Value
        }

        /// The whole file; keys and values are ranges of it.
        let file: [UInt8]
        let entries: [Entry]

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
                switch BoltBytes.compare(file[entries[middle].key], key[...]) {
                case .less: low = middle + 1
                case .greater: high = middle
                case .equal: return middle
                }
            }
            return nil
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

