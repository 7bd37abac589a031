extension BoltDB {
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
        /// Buckets nest deeper than ``Limits/maxBucketNesting``.
        case nestedTooDeep(limit: Int)
        /// More keys than ``Limits/maxEntries`` or than a file of this size can hold.
        case tooManyEntries(limit: Int)
        /// Keys and values add up to more than ``Limits/maxEntryBytes`` or than the file holds.
        case tooManyEntryBytes(limit: Int)

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
            case .nestedTooDeep(let limit):
                "bolt buckets are nested deeper than \(limit) levels; the file is corrupt or hostile"
            case .tooManyEntries(let limit):
                "bolt file has more than \(limit) keys, more than its size allows or dockdu reads: "
                    + "entries share their bytes, so the file is corrupt or hostile"
            case .tooManyEntryBytes(let limit):
                "bolt keys and values add up to more than \(limit) bytes, more than the file holds or dockdu "
                    + "reads: entries share their bytes, so the file is corrupt or hostile"
            }
        }
    }
}
