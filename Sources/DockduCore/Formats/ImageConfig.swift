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

    /// One `history` entry: the build step, and whether it made a layer.
    public struct HistoryEntry: Decodable, Sendable {
        public var createdBy: String?
        public var emptyLayer: Bool?
        enum CodingKeys: String, CodingKey { case createdBy = "created_by", emptyLayer = "empty_layer" }
    }

    public var rootfs: RootFS?
    public var history: [HistoryEntry]?
    public var created: String?
    /// `config`: the image's run settings, of which dockdu reads the labels.
    public var config: Settings?

    public var diffIDs: [String] { rootfs?.diffIDs ?? [] }

    /// The `created_by` of the step that made each layer, base first: history entries without
    /// `empty_layer` map to `rootfs.diff_ids` in order. Nil for a layer the history does not cover.
    public var layerCommands: [String?] {
        let steps = (history ?? []).filter { $0.emptyLayer != true }.map(\.createdBy)
        return diffIDs.indices.map { $0 < steps.count ? steps[$0] : nil }
    }

    public static func parse(_ bytes: [UInt8]) throws -> ImageConfig {
        try JSONDecoder().decode(ImageConfig.self, from: Data(bytes))
    }
}
