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

    /// Parses a daemon.json document.
    public static func parse(_ bytes: [UInt8]) throws -> DaemonConfiguration {
        try JSONDecoder().decode(DaemonConfiguration.self, from: Data(bytes))
    }
}
