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
    /// BuildKit's records and snapshots (`buildkit/metadata_v2.db`, `buildkit/snapshots.db`), when
    /// the data root has them (graph-driver mode).
    public var buildCache: BuildCache?
    /// False when a BuildKit database exists but could not be read or decoded whole: an overlay2
    /// directory of BuildKit's shape may then be a record's, so none is called an orphan.
    public var buildCacheMetadataComplete = true
    /// `overlay2/` directories of BuildKit records with a file system mounted on their `merged/`
    /// now: a build step is running on them (BuildKit's in-use, which lives in its memory only).
    public var mountedBuildKitDirectories: Set<String> = []
    /// Entries of `layerdb/sha256/` that are not whole layers (half-removed `…-removing`).
    public var strayLayerMetadata: [[UInt8]] = []
    /// Top folders that are links to directories elsewhere, followed and walked; their bytes are
    /// filled in after the walk, in both size modes.
    public var linkedFolders: [LinkedFolder] = []
    public var linkedFolderApparentBytes: [String: Int64] = [:]
    public var linkedFolderAllocatedBytes: [String: Int64] = [:]
    /// Blobs of a content store (containerd's), by digest.
    public var contentBlobs: [String: StoredBlob] = [:]
    /// The image stores found, with the rule that decided each.
    public var stores: [StoreFinding] = []
    /// What the containerd store's databases say, when it is in use.
    public var containerd: ContainerdStoreModel?
    /// Store roots that lie inside the data root, by their path under it: walked with it.
    public var nestedRoots: [RootName: [String]] = [:]
    /// Each walked root's own total, in both size modes (what `du -sx` of it says).
    public var walkedRoots: [WalkedRoot] = []
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
        MetadataCompleteness(
            images: imageMetadataComplete, tags: tagsKnown, containers: containerMetadataComplete, layers: layerMetadataComplete,
            buildCache: buildCacheMetadataComplete)
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
    /// The store holding it; ``cacheID`` is its directory there (containerd: the snapshot's number).
    public var store: StoreName = .overlay2
}

/// An image store's name, as the report shows it.
public struct StoreName: RawRepresentable, Hashable, Sendable, Codable, Comparable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let overlay2 = StoreName(rawValue: "overlay2")
    public static let containerd = StoreName(rawValue: "containerd")
    public static func < (a: StoreName, b: StoreName) -> Bool { a.rawValue < b.rawValue }

    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// One root the walk went through, and its total.
public struct WalkedRoot: Sendable, Equatable {
    public var name: RootName
    public var path: String
    public var allocatedBytes: Int64
    public var apparentBytes: Int64
}

/// One image store found on the host, and why.
public struct StoreFinding: Sendable, Equatable, Codable {
    public var name: StoreName
    /// Absolute path of the root its files are under.
    public var root: String
    /// The rule that decided that this store is in use.
    public var rule: String
    /// containerd only.
    public var namespace: String?
    public var snapshotter: String?
    /// Tells that point the other way (data of the other store).
    public var notes: [String]?

    public init(name: StoreName, root: String, rule: String, namespace: String? = nil, snapshotter: String? = nil, notes: [String]? = nil) {
        self.name = name
        self.root = root
        self.rule = rule
        self.namespace = namespace
        self.snapshotter = snapshotter
        self.notes = notes
    }
}

/// A blob of a content store: a compressed layer, a manifest, an index or a config.
public struct StoredBlob: Sendable, Equatable {
    public var digest: String
    /// What the store's metadata records; the walk measures the file itself.
    public var recordedSize: Int64
    public var mediaType: String?
    /// A compressed layer's diff ID (`containerd.io/uncompressed`).
    public var uncompressedDigest: String?
    /// Images (IDs) that reference it.
    public var images: [String] = []
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
    public var store: StoreName = .overlay2
    /// Blobs it references (index, manifests, configs, layers), each once; containerd store only.
    public var contentDigests: [String] = []
    /// `os/architecture[/variant]` of each platform its index holds, when it holds several.
    public var platforms: [String] = []
    /// `imagedb/metadata/sha256/<id>/lastUpdated`: when it was last tagged, pulled or built.
    public var lastTagged: String?
    /// The history's `created_by` of each layer's build step, base first (nil where unknown).
    public var layerCommands: [String?] = []
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
    /// The modification time of `volumes/<name>`, seconds since the epoch: what Docker's local
    /// driver reports as the volume's `CreatedAt`.
    public var createdSeconds: Int64?
}

extension DataRootModel {
    /// The images `docker images` lists, by ID: tagged or digested ones, and untagged ones no
    /// other image has as its parent (classic-builder intermediates are left out).
    public var listedImages: [StoredImage] {
        let parents = Set(images.values.compactMap(\.parent))
        return images.values
            .filter { !$0.references.isEmpty || !parents.contains($0.id) }
            .sorted { $0.id < $1.id }
    }
}
