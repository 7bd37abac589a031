import FoundationEssentials

/// The keys of `/etc/docker/daemon.json` that choose the image store and where it lives (moby
/// `daemon/config`: `Features` is `features`, `GraphDriver` is `storage-driver`, `RemappedRoot`
/// is `userns-remap`, `ContainerdAddr` is `containerd`, `ContainerdNamespace` is
/// `containerd-namespace`). Kept beside the store detection until `Formats/DaemonConfiguration`
/// takes them.
public struct StoreSettings: Decodable, Sendable, Equatable {
    public var features: [String: Bool]?
    public var storageDriver: String?
    public var usernsRemap: String?
    public var containerdAddress: String?
    public var containerdNamespace: String?

    enum CodingKeys: String, CodingKey {
        case features
        case storageDriver = "storage-driver"
        case usernsRemap = "userns-remap"
        case containerdAddress = "containerd"
        case containerdNamespace = "containerd-namespace"
    }

    /// Parses a daemon.json document.
    public static func parse(_ bytes: [UInt8]) throws -> StoreSettings {
        try JSONDecoder().decode(StoreSettings.self, from: Data(bytes))
    }
}
