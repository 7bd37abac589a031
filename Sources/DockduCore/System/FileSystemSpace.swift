#if canImport(Glibc)
import Glibc
#endif

/// How full the file system holding a path is, as `df` reports it (`statvfs(3)`).
public struct FileSystemSpace: Sendable, Codable, Equatable {
    /// `f_blocks × f_frsize`.
    public var sizeBytes: Int64
    /// What an unprivileged process may still write: `f_bavail × f_frsize`.
    public var availableBytes: Int64
    /// `(f_blocks − f_bfree) × f_frsize`.
    public var usedBytes: Int64

    public init(sizeBytes: Int64, availableBytes: Int64, usedBytes: Int64) {
        self.sizeBytes = sizeBytes
        self.availableBytes = availableBytes
        self.usedBytes = usedBytes
    }

    /// `df`'s Use%: used of used plus available (the blocks reserved for root left out), 0…100.
    public var usedPercent: Double {
        let denominator = Double(usedBytes) + Double(availableBytes)
        return denominator > 0 ? Double(usedBytes) / denominator * 100 : 0
    }

    /// Bytes to free so that at least `percent` of the file system is available, 0 when it already is.
    public func bytesToFree(untilAvailable percent: Double) -> Int64 {
        let wanted = Double(sizeBytes) * percent / 100
        let missing = wanted - Double(availableBytes)
        return missing > 0 ? Int64(missing.rounded(.up)) : 0
    }

    /// The file system holding `path`.
    public static func of(path: String) throws(Errno) -> FileSystemSpace {
        var raw = statvfs()
        guard statvfs(path, &raw) == 0 else { throw Errno.current }
        let unit = Int64(raw.f_frsize)
        func bytes(_ blocks: UInt) -> Int64 {
            let (product, overflow) = Int64(clamping: blocks).multipliedReportingOverflow(by: unit)
            return overflow ? .max : product
        }
        return FileSystemSpace(
            sizeBytes: bytes(raw.f_blocks), availableBytes: bytes(raw.f_bavail),
            usedBytes: bytes(raw.f_blocks - min(raw.f_bfree, raw.f_blocks)))
    }
}
