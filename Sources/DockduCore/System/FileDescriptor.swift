import CSystemShims
import Glibc

/// An open file descriptor. Not closed automatically: use ``closeAfter(_:)`` or ``close()``.
public struct FileDescriptor: Sendable, Hashable {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The current working directory, for calls relative to it (`AT_FDCWD`).
    public static let currentWorkingDirectory = FileDescriptor(rawValue: AT_FDCWD)

    /// `openat(2)` of a directory: `O_RDONLY|O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC`. A symbolic link
    /// at `name` fails with `ELOOP` or `ENOTDIR` instead of being followed.
    public static func openDirectory(_ name: [UInt8], relativeTo parent: FileDescriptor) throws(Errno) -> FileDescriptor {
        try open(name, relativeTo: parent, flags: O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
    }

    /// `openat(2)` of a directory that may be a symbolic link to one: `O_RDONLY|O_DIRECTORY|O_CLOEXEC`.
    /// Only for the top folders of a data root an operator moved to another disk (see
    /// ``LinkedFolder``); everywhere else links are never followed.
    public static func openDirectoryFollowingLink(_ name: [UInt8], relativeTo parent: FileDescriptor) throws(Errno) -> FileDescriptor {
        try open(name, relativeTo: parent, flags: O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    }

    /// `openat(2)` of a file for reading: `O_RDONLY|O_NOFOLLOW|O_CLOEXEC|O_NOCTTY|O_NONBLOCK`, so a
    /// symbolic link is not followed and a FIFO does not block.
    public static func openForReading(_ name: [UInt8], relativeTo parent: FileDescriptor) throws(Errno) -> FileDescriptor {
        try open(name, relativeTo: parent, flags: O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
    }

    private static func open(_ name: [UInt8], relativeTo parent: FileDescriptor, flags: Int32) throws(Errno) -> FileDescriptor {
        let fd = try withCString(name) { path throws(Errno) in
            try retryingOnInterrupt { Glibc.openat(parent.rawValue, path, flags) }
        }
        return FileDescriptor(rawValue: fd)
    }

    /// `close(2)`. Errors are ignored: every descriptor dockdu opens is read-only.
    public func close() {
        _ = Glibc.close(rawValue)
    }

    /// Runs `body`, then closes the descriptor even when `body` throws.
    public func closeAfter<R, E: Error>(_ body: (FileDescriptor) throws(E) -> R) throws(E) -> R {
        defer { close() }
        return try body(self)
    }

    /// `fstat(2)`.
    public func status() throws(Errno) -> FileStatus {
        var raw = stat()
        _ = try retryingOnInterrupt { Glibc.fstat(rawValue, &raw) }
        return FileStatus(raw)
    }

    /// `fstatat(2)` with `AT_SYMLINK_NOFOLLOW`: the entry itself, never what a link points to.
    public func status(of name: [UInt8]) throws(Errno) -> FileStatus {
        var raw = stat()
        _ = try withCString(name) { path throws(Errno) in
            try retryingOnInterrupt { Glibc.fstatat(rawValue, path, &raw, AT_SYMLINK_NOFOLLOW) }
        }
        return FileStatus(raw)
    }

    /// `fstatat(2)` with `AT_SYMLINK_NOFOLLOW` of a NUL-terminated name; the walk's hot path.
    func status(ofCString name: UnsafePointer<CChar>) throws(Errno) -> FileStatus {
        var raw = stat()
        _ = try retryingOnInterrupt { Glibc.fstatat(rawValue, name, &raw, AT_SYMLINK_NOFOLLOW) }
        return FileStatus(raw)
    }

    /// `openat(2)` of a directory by NUL-terminated name; the walk's hot path.
    func openDirectory(cString name: UnsafePointer<CChar>) throws(Errno) -> FileDescriptor {
        let fd = try retryingOnInterrupt {
            Glibc.openat(rawValue, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        }
        return FileDescriptor(rawValue: fd)
    }

    /// `read(2)` until end of file, at most `limit` bytes (a larger file fails with `EFBIG`).
    public func readAll(limit: Int = 64 << 20) throws(Errno) -> [UInt8] {
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let count = try retryingOnInterrupt {
                chunk.withUnsafeMutableBytes { Glibc.read(rawValue, $0.baseAddress, $0.count) }
            }
            if count == 0 { return result }
            if result.count + count > limit { throw Errno.fileTooLarge }
            result.append(contentsOf: chunk[0..<count])
        }
    }

    /// `readlinkat(2)` of the entry `name`.
    public func readLink(_ name: [UInt8]) throws(Errno) -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = try withCString(name) { path throws(Errno) in
            try retryingOnInterrupt {
                buffer.withUnsafeMutableBytes { raw in
                    raw.baseAddress.map { Glibc.readlinkat(rawValue, path, $0.assumingMemoryBound(to: CChar.self), raw.count) } ?? -1
                }
            }
        }
        return Array(buffer[0..<count])
    }

    /// The names in this directory, `.` and `..` left out, in the order the kernel returns them
    /// (`fdopendir(3)`/`readdir(3)` on a duplicate, so this descriptor stays open and usable).
    public func directoryEntries() throws(Errno) -> [[UInt8]] {
        var names: [[UInt8]] = []
        try forEachDirectoryEntry { name, _ in names.append(Array(name)) }
        return names
    }

    /// Calls `body` with each entry's name (without NUL) and whether `d_type` says directory
    /// (`nil` when the filesystem does not say). Reads a `dup(2)` of this descriptor, rewound.
    func forEachDirectoryEntry(_ body: (UnsafeBufferPointer<UInt8>, Bool?) -> Void) throws(Errno) {
        let copy = try retryingOnInterrupt { Glibc.dup(rawValue) }
        guard let stream = fdopendir(copy) else {
            let error = Errno.current
            _ = Glibc.close(copy)
            throw error
        }
        defer { closedir(stream) }
        rewinddir(stream)
        while true {
            errno = 0
            guard let entry = readdir(stream) else {
                if errno != 0 { throw Errno.current }
                return
            }
            let type = entry.pointee.d_type
            let isDirectory: Bool? = type == UInt8(DT_UNKNOWN) ? nil : type == UInt8(DT_DIR)
            withUnsafePointer(to: &entry.pointee.d_name) { tuple in
                tuple.withMemoryRebound(to: UInt8.self, capacity: 256) { start in
                    let length = strlen(UnsafeRawPointer(start).assumingMemoryBound(to: CChar.self))
                    let name = UnsafeBufferPointer(start: start, count: length)
                    if length == 1 && start[0] == 0x2E { return }
                    if length == 2 && start[0] == 0x2E && start[1] == 0x2E { return }
                    body(name, isDirectory)
                }
            }
        }
    }
}

/// Calls `body` with `bytes` as a NUL-terminated C string. A name holding NUL cannot exist on
/// disk, so it fails with `EINVAL` rather than being cut short.
func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws(Errno) -> R) throws(Errno) -> R {
    if bytes.contains(0) { throw Errno.invalidArgument }
    var terminated = bytes
    terminated.append(0)
    let result: Result<R, Errno> = terminated.withUnsafeBufferPointer { buffer in
        buffer.withMemoryRebound(to: CChar.self) { chars in
            guard let base = chars.baseAddress else { return .failure(Errno.invalidArgument) }
            do throws(Errno) {
                return .success(try body(base))
            } catch {
                return .failure(error)
            }
        }
    }
    return try result.get()
}

extension FileDescriptor {
    /// `open(2)` of the directory at `path`, following symbolic links (a data root is often a
    /// link to a bigger disk): `O_RDONLY|O_DIRECTORY|O_CLOEXEC`.
    public static func openDirectory(atPath path: String) throws(Errno) -> FileDescriptor {
        let fd = try withCString(Array(path.utf8)) { cPath throws(Errno) in
            try retryingOnInterrupt { Glibc.open(cPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
        return FileDescriptor(rawValue: fd)
    }

    /// `open(2)` of the file at `path` for reading, following links.
    public static func openForReading(atPath path: String) throws(Errno) -> FileDescriptor {
        let fd = try withCString(Array(path.utf8)) { cPath throws(Errno) in
            try retryingOnInterrupt { Glibc.open(cPath, O_RDONLY | O_CLOEXEC | O_NOCTTY) }
        }
        return FileDescriptor(rawValue: fd)
    }
}

/// Why a file given as input (`--compare`, daemon.json) was not read.
public enum InputFileError: Error, Sendable, Equatable {
    /// `open(2)` failed.
    case cannotOpen(Errno)
    /// It is a FIFO, a device, a directory or a socket, whose reading could block or never end.
    case notRegularFile(kind: String)
    /// A regular file larger than the limit the caller set.
    case tooLarge(bytes: Int64, limit: Int)
    /// `read(2)` failed, or the file grew past the limit while being read.
    case cannotRead(Errno)
}

extension FileDescriptor {
    /// The whole of the regular file at `path` (links followed), at most `limit` bytes.
    ///
    /// `open(2)` with `O_NONBLOCK`, so a FIFO does not wait for a writer, then `fstat(2)`: what
    /// is not a regular file is refused before any read, and one larger than `limit` before its
    /// bytes are taken; `O_NONBLOCK` is cleared (`fcntl(F_SETFL)`) before reading.
    public static func readRegularFile(atPath path: String, limit: Int) throws(InputFileError) -> [UInt8] {
        let fd: Int32
        do throws(Errno) {
            fd = try withCString(Array(path.utf8)) { cPath throws(Errno) in
                try retryingOnInterrupt { Glibc.open(cPath, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK) }
            }
        } catch {
            throw .cannotOpen(error)
        }
        return try FileDescriptor(rawValue: fd).closeAfter { file throws(InputFileError) in
            let status: FileStatus
            do throws(Errno) { status = try file.status() } catch { throw .cannotRead(error) }
            guard status.isRegularFile else { throw .notRegularFile(kind: fileKind(mode: status.mode)) }
            guard status.apparentBytes <= Int64(limit) else { throw .tooLarge(bytes: status.apparentBytes, limit: limit) }
            let flags = Glibc.fcntl(fd, F_GETFL)
            if flags < 0 || Glibc.fcntl(fd, F_SETFL, flags & ~O_NONBLOCK) < 0 { throw .cannotRead(Errno.current) }
            do throws(Errno) {
                return try file.readAll(limit: limit)
            } catch {
                throw error == .fileTooLarge ? .tooLarge(bytes: Int64(limit) + 1, limit: limit) : .cannotRead(error)
            }
        }
    }
}

extension FileDescriptor {
    /// `a FIFO`, `a directory`: what a file of `st_mode` is, for a message.
    public static func fileKind(mode: UInt32) -> String {
        switch mode & UInt32(S_IFMT) {
        case UInt32(S_IFREG): "a regular file"
        case UInt32(S_IFDIR): "a directory"
        case UInt32(S_IFIFO): "a FIFO"
        case UInt32(S_IFCHR): "a character device"
        case UInt32(S_IFBLK): "a block device"
        case UInt32(S_IFSOCK): "a socket"
        case UInt32(S_IFLNK): "a symbolic link"
        default: "a special file"
        }
    }
}

extension FileDescriptor {
    /// The columns of the terminal this descriptor is (`ioctl(TIOCGWINSZ)`); nil when it is not
    /// a terminal or does not say.
    public var terminalColumns: Int? {
        var size = winsize()
        guard Glibc.ioctl(rawValue, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}

extension FileDescriptor {
    /// Whether this directory is an overlayfs opaque directory: `fgetxattr(2)` of
    /// `trusted.overlay.opaque` (or `user.overlay.opaque`, under user namespaces) reads `y`.
    /// An attribute that is absent, unreadable or unsupported counts as not opaque.
    public var isOpaqueDirectory: Bool {
        for name in ["trusted.overlay.opaque", "user.overlay.opaque"] {
            var value: [UInt8] = [0, 0, 0, 0]
            let count = value.withUnsafeMutableBytes { buffer in dockdu_fgetxattr(rawValue, name, buffer.baseAddress, buffer.count) }
            if count == 1 && value[0] == UInt8(ascii: "y") { return true }
        }
        return false
    }
}
