import Glibc

/// What `fstatat(2)` says of one inode: only the fields dockdu uses.
public struct FileStatus: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var mode: UInt32
    public var linkCount: UInt64
    /// `st_size`.
    public var apparentBytes: Int64
    /// `st_blocks * 512`.
    public var allocatedBytes: Int64
    public var userID: UInt32
    /// `st_rdev`: the device a device file stands for (0 for a whiteout).
    public var specialDevice: UInt64
    /// Seconds since the epoch, and the nanoseconds past them.
    public var modificationTime: Int64
    public var modificationNanoseconds: Int64
    public var changeTime: Int64
    public var changeNanoseconds: Int64

    init(_ raw: stat) {
        device = UInt64(raw.st_dev)
        inode = UInt64(raw.st_ino)
        mode = UInt32(raw.st_mode)
        linkCount = UInt64(raw.st_nlink)
        // st_size and st_blocks are off_t and blkcnt_t (Int64 here); a file system may still
        // report absurd block counts, which clamp rather than trap.
        apparentBytes = max(0, Int64(raw.st_size))
        allocatedBytes = max(0, Int64(raw.st_blocks)).multipliedSaturated(by: 512)
        userID = UInt32(raw.st_uid)
        specialDevice = UInt64(raw.st_rdev)
        modificationTime = Int64(raw.st_mtim.tv_sec)
        modificationNanoseconds = Int64(raw.st_mtim.tv_nsec)
        changeTime = Int64(raw.st_ctim.tv_sec)
        changeNanoseconds = Int64(raw.st_ctim.tv_nsec)
    }

    public var isDirectory: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFDIR) }
    public var isRegularFile: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFREG) }
    public var isSymbolicLink: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFLNK) }
    /// overlayfs writes a whiteout (a file deleted in an upper layer) as a character device.
    public var isCharacterDevice: Bool { mode & UInt32(S_IFMT) == UInt32(S_IFCHR) }
    /// overlay2's whiteout: a character device numbered 0:0.
    public var isWhiteout: Bool { isCharacterDevice && specialDevice == 0 }
}

extension FileStatus {
    /// Whether something (a link, even a dangling one, counts) is at `path`.
    public static func exists(atPath path: String) -> Bool {
        var buffer = stat()
        return lstat(path, &buffer) == 0
    }
}
