import Glibc

/// Writing a whole file so that a reader sees the old one or the new one, never half: a temporary
/// file in the same directory (`O_EXCL|O_NOFOLLOW`), `fsync(2)`, then `rename(2)` over the target.
/// dockdu writes only its own outputs (`--output`, its cache), never under a data root.
public enum AtomicFile {
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644) throws(Errno) {
        let temporary = path + ".tmp-\(getpid())"
        let fd = try withCString(Array(temporary.utf8)) { cPath throws(Errno) in
            try retryingOnInterrupt { Glibc.open(cPath, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode) }
        }
        var failure: Errno?
        var offset = 0
        while offset < bytes.count && failure == nil {
            let written = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress.map { $0 + offset }, bytes.count - offset) }
            if written < 0 {
                if errno != EINTR { failure = Errno.current }
            } else {
                offset += written
            }
        }
        if failure == nil && fsync(fd) != 0 { failure = Errno.current }
        if Glibc.close(fd) != 0 && failure == nil { failure = Errno.current }
        if failure == nil && rename(temporary, path) != 0 { failure = Errno.current }
        if let failure {
            unlink(temporary)
            throw failure
        }
    }

    /// `mkdir(2)` of `path` and its missing parents, each with `mode`.
    public static func makeDirectories(_ path: String, mode: mode_t = 0o700) throws(Errno) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, mode) != 0 && errno != EEXIST { throw Errno.current }
        }
    }
}
