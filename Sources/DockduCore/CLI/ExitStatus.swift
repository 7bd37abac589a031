/// dockdu's exit statuses: `du`'s 0 and 1, and sysexits(3) for the rest. The only place they are
/// decided.
public enum ExitStatus: Int32, Sendable {
    /// Everything was read.
    case success = 0
    /// The report is complete but for parts that could not be read or parsed (warnings say which).
    case partial = 1
    /// A bad command line (`EX_USAGE`).
    case usage = 64
    /// The file given to `--compare` is not a dockdu report (`EX_DATAERR`).
    case dataError = 65
    /// The data root, or the file given to `--compare`, does not exist or cannot be opened
    /// (`EX_NOINPUT`).
    case noInput = 66
    /// The `--output` file cannot be written (`EX_CANTCREAT`).
    case cannotCreate = 73
    /// Writing the output failed (`EX_IOERR`).
    case ioError = 74
    /// The data root cannot be read by this user (`EX_NOPERM`).
    case noPermission = 77
    /// Anything else that stopped the scan (`EX_SOFTWARE`).
    case software = 70

    init(_ error: ScanError) {
        switch error.kind {
        case .missing, .notDirectory, .notDataRoot: self = .noInput
        case .permissionDenied: self = .noPermission
        case .unreadable: self = .software
        }
    }
}
