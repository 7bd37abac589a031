import FoundationEssentials

/// An image configuration from `image/overlay2/imagedb/content/sha256/<id>`: only what dockdu reads.
public struct ImageConfig: Decodable, Sendable {
    public struct RootFS: Decodable, Sendable {
        public var diffIDs: [String]?
        enum CodingKeys: String, CodingKey { case diffIDs = "diff_ids" }
    }

    public struct Settings: Decodable, Sendable {
        public var labels: [String: String]?
        enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }

    public var rootfs: RootFS?
    public var created: String?
    /// `config`: the image's run settings, of which dockdu reads the labels.
    public var config: Settings?

    public var diffIDs: [String] { rootfs?.diffIDs ?? [] }

    public static func parse(_ bytes: [UInt8]) throws -> ImageConfig {
        try JSONDecoder().decode(ImageConfig.self, from: Data(bytes))
    }
}
