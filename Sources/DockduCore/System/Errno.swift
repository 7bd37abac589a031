import Glibc

/// An error number from a failed system call, with a readable description from `strerror`.
public struct Errno: RawRepresentable, Error, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's `errno`.
    static var current: Errno { Errno(rawValue: errno) }

    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    public static let permissionDenied = Errno(rawValue: EACCES)
    public static let operationNotPermitted = Errno(rawValue: EPERM)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let isDirectory = Errno(rawValue: EISDIR)
    public static let interrupted = Errno(rawValue: EINTR)
    public static let tooManySymbolicLinks = Errno(rawValue: ELOOP)
    public static let nameTooLong = Errno(rawValue: ENAMETOOLONG)
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    public static let fileTooLarge = Errno(rawValue: EFBIG)
    public static let invalidArgument = Errno(rawValue: EINVAL)

    /// True for the errors that mean "not allowed": the remedy is to run as root.
    public var isPermissionProblem: Bool { self == .permissionDenied || self == .operationNotPermitted }

    /// True when the file is simply not there (any more).
    public var isMissing: Bool { self == .noSuchFileOrDirectory || self == .notDirectory }

    public var description: String {
        guard let text = strerror(rawValue) else { return "error \(rawValue)" }
        return String(cString: text)
    }
}

/// Calls `body` until it does not fail with `EINTR`. `body` returns -1 and sets `errno` on failure.
@inline(__always)
func retryingOnInterrupt<T: BinaryInteger>(_ body: () -> T) throws(Errno) -> T {
    while true {
        let result = body()
        if result != -1 { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}
