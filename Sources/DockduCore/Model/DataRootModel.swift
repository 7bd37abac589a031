/// Everything Docker's metadata says about a data root, read before the walk: which directory
/// belongs to which layer, container, volume or BuildKit snapshot.
public struct DataRootModel: Sendable {
    /// Layers from `layerdb/sha256`, by chain ID.
    public var layers: [String: StoredLayer] = [:]
    /// Images from `imagedb`, by ID (`sha256:…`).
    public var images: [String: StoredImage] = [:]
    /// Containers from `containers/` and `layerdb/mounts/`, by ID.
    public var containers: [String: StoredContainer] = [:]
    /// Volumes from `volumes/`, by name.
    public var volumes: [String: StoredVolume] = [:]
    /// Every entry of `overlay2/` but `l`, as listed before the walk.
    public var overlayDirectories: [[UInt8]] = []
    /// `overlay2/l/` link name → the overlay2 directory it points into, when it does.
    public var links: [[UInt8]: [UInt8]] = [:]
    /// Top-level bucket names of `buildkit/snapshots.db`: overlay2 directories BuildKit owns.
    public var buildKitSnapshots: Set<[UInt8]> = []
    /// Entries of `layerdb/sha256/` that are not whole layers (half-removed `…-removing`).
    public var strayLayerMetadata: [[UInt8]] = []
    /// Top folders that are links to directories elsewhere, followed and walked; their bytes are
    /// filled in after the walk, in both size modes.
    public var linkedFolders: [LinkedFolder] = []
    public var linkedFolderApparentBytes: [String: Int64] = [:]
    public var linkedFolderAllocatedBytes: [String: Int64] = [:]
    /// Problems found while reading metadata.
    public var warnings: [Warning] = []
    /// Whether any part could not be read or parsed (the exit status is then 1).
    public var hadReadFailure = false
    /// False when some image metadata could not be read: layers then cannot be called unused.
    public var imageMetadataComplete = true
    /// False when `repositories.json` could not be read or parsed: every image may be tagged, so
    /// none may be called dangling.
    public var tagsKnown = true
    /// False when some container's config, host config or layerdb mount entry could not be read
    /// or parsed: its mounts and image are unknown, so no volume or image may be called unused.
    public var containerMetadataComplete = true
    /// False when some layerdb entry could not be read or holds a value of the wrong shape: an
    /// overlay2 directory nothing names may belong to it, so none may be called an orphan.
    public var layerMetadataComplete = true

    /// What the report and the plan must treat as unknown.
    public var completeness: MetadataCompleteness {
        MetadataCompleteness(images: imageMetadataComplete, tags: tagsKnown, containers: containerMetadataComplete, layers: layerMetadataComplete)
    }

    public init() {}

    mutating func warn(_ code: WarningCode, _ path: String, _ message: String) {
        warnings.append(Warning(code: code, path: path, message: message))
        if code == .unreadable || code == .corrupt { hadReadFailure = true }
    }
}

/// A layer as `layerdb/sha256/<chainID>/` records it.
public struct StoredLayer: Sendable, Equatable {
    public var chainID: String
    public var diffID: String
    /// Its `overlay2/` directory.
    public var cacheID: String
    public var parent: String?
    /// The `size` file: Docker's own apparent size of the diff, taken when the layer was made.
    public var recordedSize: Int64?
}

/// An image from `imagedb`.
public struct StoredImage: Sendable, Equatable {
    public var id: String
    public var created: String?
    public var diffIDs: [String]
    /// Computed from ``diffIDs``; each names a `layerdb/sha256` entry.
    public var chainIDs: [String]
    /// `imagedb/metadata/sha256/<id>/parent`: set on classic-builder images.
    public var parent: String?
    /// Tags and digests from `repositories.json`, sorted.
    public var references: [String]
    public var labels: [String: String] = [:]
}

/// A container, from its directory and its `layerdb/mounts` entry.
public struct StoredContainer: Sendable {
    public var id: String
    /// Parsed `config.v2.json`; nil when missing or unreadable.
    public var config: ContainerConfig?
    public var hostConfig: ContainerHostConfig?
    /// `containers/<id>/` exists.
    public var hasDirectory: Bool
    /// `layerdb/mounts/<id>/` exists.
    public var hasMountEntry: Bool
    public var mountID: String?
    public var initID: String?
    /// Chain ID of the image layer below the container's layers.
    public var parentChainID: String?
    /// `containers/<id>/config.v2.json` does not exist (as opposed to failing to parse).
    public var configMissing = false

    /// A `containers/<id>` directory Docker cannot know as a container: no `config.v2.json` at all
    /// and no layerdb entry. One whose config is corrupt is still listed, state unknown.
    public var isStrayDirectory: Bool { hasDirectory && configMissing && !hasMountEntry }

    /// Listed among the report's containers.
    public var isListed: Bool { hasDirectory && !isStrayDirectory }
}

/// A volume under `volumes/`.
public struct StoredVolume: Sendable, Equatable {
    public var name: String
    public var anonymous: Bool
    /// From `volumes/metadata.db`.
    public var labels: [String: String] = [:]
}
