/// dockdu's exit statuses: `du`'s 0 and 1, and sysexits(3) for the rest. The only place they are
/// decided.
public enum ExitStatus: Int32, Sendable {
    /// Everything was read.
    case success = 0
    /// The report is complete but for parts that could not be read or parsed (warnings say which).
    case partial = 1
    /// `report --fail-wasted PERCENT`: the report was written, and some image wastes more than
    /// PERCENT of its bytes on files upper layers hide (a status of its own, for CI).
    case wasteful = 3
    /// A bad command line, or an option's value that does not parse or is too large (`EX_USAGE`).
    case usage = 64
    /// The file given to `--compare` is not a dockdu report, is too large to be one, or is of
    /// another data root or size mode (`EX_DATAERR`).
    case dataError = 65
    /// The data root, or the file given to `--compare`, does not exist, cannot be opened, or is
    /// not a regular file (a FIFO, a device, a directory) (`EX_NOINPUT`).
    case noInput = 66
    /// The `--output` file cannot be created, or is a directory or a block device (`EX_CANTCREAT`).
    case cannotCreate = 73
    /// Writing the output failed: standard output or `--output` on a full disk (`EX_IOERR`).
    case ioError = 74
    /// The data root cannot be read by this user (`EX_NOPERM`).
    case noPermission = 77
    /// daemon.json, read for the data root when `--root` is not given, is unreadable, not
    /// valid, or sets a data-root that is not absolute (`EX_CONFIG`).
    case configuration = 78
    /// Anything else that stopped the scan (`EX_SOFTWARE`).
    case software = 70

    init(_ error: ScanError) {
        switch error.kind {
        case .missing, .notDirectory, .notDataRoot: self = .noInput
        case .permissionDenied: self = .noPermission
        case .unreadable: self = .software
        }
    }

    init(_ error: OutputFileError) {
        switch error {
        case .cannotWrite: self = .ioError
        case .isDirectory, .refused, .danglingLink, .cannotCreate: self = .cannotCreate
        }
    }

    /// For the `--compare` file: not there or not a file is no input; too large is bad data.
    init(_ error: InputFileError) {
        switch error {
        case .cannotOpen, .notRegularFile, .cannotRead: self = .noInput
        case .tooLarge: self = .dataError
        }
    }
}
