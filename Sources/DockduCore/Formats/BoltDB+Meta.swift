extension BoltDB {
    /// The fields of a meta page (bbolt `meta`): 64 bytes after the page header.
    struct Meta {
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
            magic = BoltBytes.uint32(bytes, start)
            version = BoltBytes.uint32(bytes, start + 4)
            let rawPageSize = BoltBytes.uint32(bytes, start + 8)
            pageSize = Int(rawPageSize)
            // start + 12: flags; + 16: root bucket (root u64, sequence u64); + 32: freelist page.
            rootPage = BoltBytes.uint64(bytes, start + 16)
            pageCount = BoltBytes.uint64(bytes, start + 40)
            transactionID = BoltBytes.uint64(bytes, start + 48)
            let checksum = BoltBytes.uint64(bytes, start + Self.checksummedSize)
            if magic != Self.magic {
                validity = .badMagic
            } else if version != Self.version {
                validity = .badVersion
            } else if checksum != 0 && checksum != BoltBytes.fnv1a64(bytes[start..<(start + Self.checksummedSize)]) {
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
