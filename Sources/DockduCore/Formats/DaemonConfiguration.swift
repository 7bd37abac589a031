import FoundationEssentials

/// The parts of `/etc/docker/daemon.json` dockdu needs.
public struct DaemonConfiguration: Decodable, Sendable {
    /// `data-root`, when set.
    public var dataRoot: String?
    /// `storage-driver`, when set.
    public var storageDriver: String?

    enum CodingKeys: String, CodingKey {
        case dataRoot = "data-root"
        case storageDriver = "storage-driver"
    }

    public static let defaultPath = "/etc/docker/daemon.json"
    public static let defaultDataRoot = "/var/lib/docker"
    /// dockerd reads a daemon.json of any size; one past this is not a configuration.
    public static let sizeLimit = 1 << 20

    /// Parses a daemon.json document.
    public static func parse(_ bytes: [UInt8]) throws -> DaemonConfiguration {
        try JSONDecoder().decode(DaemonConfiguration.self, from: Data(bytes))
    }

    /// The data root dockerd uses by the configuration at `path`: its `data-root`, or
    /// ``defaultDataRoot`` when there is no such file or it sets none.
    ///
    /// - Throws: ``DaemonConfigurationError`` when the file is there but cannot be read, is not
    ///   JSON of daemon.json's shape, or sets a `data-root` that is not an absolute path: dockerd
    ///   would not start with it, and guessing the default could scan the wrong tree.
    public static func dataRoot(configurationAt path: String = defaultPath) throws(DaemonConfigurationError) -> String {
        let bytes: [UInt8]
        do throws(InputFileError) {
            bytes = try FileDescriptor.readRegularFile(atPath: path, limit: sizeLimit)
        } catch {
            if case .cannotOpen(let errno) = error, errno.isMissing { return defaultDataRoot }
            throw DaemonConfigurationError(path: path, problem: .unreadable(error))
        }
        let configuration: DaemonConfiguration
        do {
            configuration = try parse(bytes)
        } catch {
            throw DaemonConfigurationError(path: path, problem: .invalid(DecodingProblem.describe(error, in: bytes)))
        }
        guard let root = configuration.dataRoot else { return defaultDataRoot }
        guard root.hasPrefix("/") else { throw DaemonConfigurationError(path: path, problem: .dataRootNotAbsolute(root)) }
        return root
    }
}

/// Why daemon.json does not tell the data root.
public struct DaemonConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case unreadable(InputFileError)
        /// Plain words from ``DecodingProblem``.
        case invalid(String)
        case dataRootNotAbsolute(String)
    }

    public var path: String
    public var problem: Problem

    public var description: String {
        let file = TerminalEscaping.escape(path)
        let what: String
        switch problem {
        case .unreadable(.cannotOpen(let errno)), .unreadable(.cannotRead(let errno)):
            what = "cannot read \(file): \(errno)"
        case .unreadable(.notRegularFile(let kind)):
            what = "\(file) is \(kind), not a file"
        case .unreadable(.tooLarge(_, let limit)):
            what = "\(file) is larger than \(limit) bytes, too large for a daemon.json"
        case .invalid(let reason):
            what = "\(file) is not a valid daemon.json: \(reason)"
        case .dataRootNotAbsolute(let root):
            what = "\(file) sets data-root to '\(TerminalEscaping.escape(root))', which is not an absolute path"
        }
        return what + "; so the data root is not known: fix the file, or give the data root with --root DIR"
    }
}
