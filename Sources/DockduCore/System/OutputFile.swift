import Glibc

/// Why `--output FILE` was not written.
public enum OutputFileError: Error, Sendable, Equatable {
    /// `FILE` is a directory (or a link to one).
    case isDirectory
    /// `FILE` is a block device or socket, which a report must not be written over.
    case refused(kind: String)
    /// `FILE` is a symbolic link to nothing.
    case danglingLink
    /// It could not be opened or created: the directory is missing or not writable.
    case cannotCreate(Errno)
    /// It was opened but writing failed: a full disk, a quota, an I/O error.
    case cannotWrite(Errno)
}

/// Where `--output FILE` goes, decided by what `FILE` is, as a Unix tool's `-o` does:
///
/// - a regular file, or none yet: written atomically (``AtomicFile``: a temporary file beside it,
///   `fsync(2)`, `rename(2)`), so a reader sees the old report or the new one, never half;
/// - a symbolic link: followed, and the rule applied to what it points to (a link to a file
///   stays a link and the file it names is replaced); a link to nothing is refused;
/// - a FIFO or a character device (`/dev/null`, `/dev/stdout`, a terminal): opened `O_WRONLY`
///   without `O_CREAT` or `O_TRUNC` and written in place, as a shell's `>` would, so the device
///   is never replaced by a regular file;
/// - a directory, a block device or a socket: refused.
public enum OutputFile {
    public static func write(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        var raw = stat()
        var target = path
        if lstat(path, &raw) == 0 && raw.st_mode & S_IFMT == S_IFLNK {
            guard let resolved = PathFunctions.canonical(path) else { throw .danglingLink }
            target = resolved
        }
        guard stat(target, &raw) == 0 else {
            let error = Errno.current
            guard error == .noSuchFileOrDirectory else { throw .cannotCreate(error) }
            return try atomically(bytes, to: target, mode: 0o644)
        }
        switch raw.st_mode & S_IFMT {
        case S_IFREG: try atomically(bytes, to: target, mode: raw.st_mode & 0o7777)
        case S_IFDIR: throw .isDirectory
        case S_IFIFO, S_IFCHR: try inPlace(bytes, to: target)
        default: throw .refused(kind: FileDescriptor.fileKind(mode: UInt32(raw.st_mode)))
        }
    }

    /// Keeps the replaced file's permission bits (less the umask), so a report kept private
    /// stays private.
    private static func atomically(_ bytes: [UInt8], to path: String, mode: mode_t) throws(OutputFileError) {
        do throws(Errno) {
            try AtomicFile.write(bytes, to: path, mode: mode)
        } catch {
            let writeErrors: Set<Errno> = [Errno(rawValue: ENOSPC), Errno(rawValue: EDQUOT), Errno(rawValue: EIO), .fileTooLarge]
            throw writeErrors.contains(error) ? .cannotWrite(error) : .cannotCreate(error)
        }
    }

    /// A FIFO waits for its reader here, as `dockdu … > fifo` would.
    private static func inPlace(_ bytes: [UInt8], to path: String) throws(OutputFileError) {
        let fd: Int32
        do throws(Errno) {
            fd = try withCString(Array(path.utf8)) { cPath throws(Errno) in
                try retryingOnInterrupt { Glibc.open(cPath, O_WRONLY | O_NOCTTY | O_CLOEXEC) }
            }
        } catch {
            throw .cannotCreate(error)
        }
        defer { _ = Glibc.close(fd) }
        // Swapped for a regular file between stat and open: writing it untruncated would leave
        // old bytes after the new ones.
        var opened = stat()
        guard fstat(fd, &opened) == 0 else { throw .cannotWrite(Errno.current) }
        let kind = opened.st_mode & S_IFMT
        guard kind == S_IFIFO || kind == S_IFCHR else { throw .refused(kind: "changed while being opened, now " + FileDescriptor.fileKind(mode: UInt32(opened.st_mode))) }
        if let error = ProcessEnvironment.write(bytes, to: fd) { throw .cannotWrite(error) }
    }
}
