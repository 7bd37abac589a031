/// The result of one scan of a Docker data root: every byte under the root attributed to one owner.
///
/// This is the public, versioned document that `dockdu report --json` prints. Consumers key on
/// ``schemaVersion``; a change that breaks a consumer bumps it.
public struct Report: Sendable, Codable, Equatable {
    /// Version of this document's layout.
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    /// The data root as given (or found in `/etc/docker/daemon.json`).
    public var dataRoot: String
    public var sizeMode: SizeMode
    /// UTC, ISO 8601, seconds precision (`2026-11-29T19:24:24Z`).
    public var generatedAt: String
    /// Every inode under the root, counted once. Equals the sum of ``categories``.
    public var totalBytes: Int64
    public var categories: CategoryBytes
    public var images: [ImageUsage]
    public var containers: [ContainerUsage]
    public var volumes: [VolumeUsage]
    public var layers: [LayerUsage]
    public var orphans: [OrphanUsage]
    public var warnings: [Warning]
    /// Which metadata the scan could read whole. Where a part is missing, the figures that depend
    /// on it are unknown rather than reclaimable. Absent in reports written before dockdu 0.2,
    /// which read as complete.
    public var metadataComplete: MetadataCompleteness?
    /// Top folders that are links to directories elsewhere: followed, walked and counted in
    /// ``totalBytes``, which `du -sx ROOT` does not see. Absent in reports before dockdu 0.2.
    public var linkedFolders: [LinkedFolder]?
    /// The image stores found, each with its root and the rule that decided it. Absent before
    /// dockdu 0.3.
    public var stores: [StoreFinding]?
    /// Each root walked and its own total: the data root first (what `du -sx` of it says, linked
    /// folders aside), then another store's root (containerd's). Absent before dockdu 0.3.
    public var roots: [RootUsage]?
    /// A content store's blobs (containerd's compressed layers, manifests, indexes, configs)
    /// that images reference. Absent when no such store was read.
    public var blobs: [BlobUsage]?
    /// Figures of the containerd store that no table shows. Absent when it was not read.
    public var containerdStore: ContainerdStoreSummary?
    /// BuildKit's cache records, by ID, as `docker system df -v` lists them. Absent when the data
    /// root has no BuildKit databases (and before dockdu 0.3).
    public var buildCache: [BuildCacheUsage]?

    public init(
        schemaVersion: Int = Report.currentSchemaVersion, dataRoot: String, sizeMode: SizeMode,
        generatedAt: String, totalBytes: Int64, categories: CategoryBytes, images: [ImageUsage],
        containers: [ContainerUsage], volumes: [VolumeUsage], layers: [LayerUsage],
        orphans: [OrphanUsage], warnings: [Warning], metadataComplete: MetadataCompleteness? = MetadataCompleteness(),
        linkedFolders: [LinkedFolder]? = [], stores: [StoreFinding]? = nil, roots: [RootUsage]? = nil,
        blobs: [BlobUsage]? = nil, containerdStore: ContainerdStoreSummary? = nil, buildCache: [BuildCacheUsage]? = nil
    ) {
        self.buildCache = buildCache
        self.linkedFolders = linkedFolders
        self.stores = stores
        self.roots = roots
        self.blobs = blobs
        self.containerdStore = containerdStore
        self.schemaVersion = schemaVersion
        self.dataRoot = dataRoot
        self.sizeMode = sizeMode
        self.generatedAt = generatedAt
        self.totalBytes = totalBytes
        self.categories = categories
        self.images = images
        self.containers = containers
        self.volumes = volumes
        self.layers = layers
        self.orphans = orphans
        self.warnings = warnings
        self.metadataComplete = metadataComplete
    }
}

/// Which of Docker's metadata a scan read whole. A removal that a missing piece could protect is
/// never proposed, and the report counts what depends on it as unknown, not reclaimable.
public struct MetadataCompleteness: Sendable, Codable, Equatable {
    /// Every image config in `imagedb` was read: a layer no image names is truly unreferenced.
    public var images: Bool
    /// `repositories.json` was read: an image without a tag is truly dangling.
    public var tags: Bool
    /// Every container's config, host config and mount entry was read: a volume or image no
    /// container names is truly unused.
    public var containers: Bool
    /// Every layerdb entry was read and well formed: an overlay2 directory nothing names is truly
    /// an orphan.
    public var layers: Bool
    /// BuildKit's databases were read whole: an overlay2 directory of BuildKit's shape that no
    /// record uses is truly not a record's. Absent before dockdu 0.3 (read as true).
    public var buildCache: Bool?

    public init(images: Bool = true, tags: Bool = true, containers: Bool = true, layers: Bool = true, buildCache: Bool? = nil) {
        self.images = images
        self.tags = tags
        self.containers = containers
        self.layers = layers
        self.buildCache = buildCache
    }

    /// Nothing is unknown.
    public var isComplete: Bool { images && tags && containers && layers && buildCache != false }
}

/// How a byte is counted.
public enum SizeMode: String, Sendable, Codable, Equatable {
    /// Allocated blocks (`st_blocks * 512`) of every inode, directories included: what `du -sx` counts.
    case disk
    /// `st_size` of every non-directory inode: Docker's own rule (`docker system df`).
    case apparent
}

/// The categories every inode falls into exactly once. They sum to ``Report/totalBytes``.
public struct CategoryBytes: Sendable, Codable, Equatable {
    /// Image layers: `overlay2/<cache-id>`, their `l/` links and `layerdb/sha256/<chain>` metadata,
    /// and image configs in `imagedb/`.
    public var images: Int64 = 0
    /// Containers' writable and init layers, their `containers/<id>` directories (logs excluded)
    /// and `layerdb/mounts/<id>` metadata.
    public var containers: Int64 = 0
    /// Container log files (json-file, local and cached logs, rotated ones included).
    public var logs: Int64 = 0
    /// `volumes/<name>` directories.
    public var volumes: Int64 = 0
    /// BuildKit's snapshots: the `overlay2/` directories `buildkit/snapshots.db` records (its
    /// databases themselves are ``other``).
    public var buildCache: Int64 = 0
    /// Whatever no image, container, volume or build cache owns (see ``Report/orphans``).
    public var orphans: Int64 = 0
    /// Docker's own metadata and everything else under the root.
    public var other: Int64 = 0

    public init() {}

    public var sum: Int64 { images +| containers +| logs +| volumes +| buildCache +| orphans +| other }

    public subscript(category: Category) -> Int64 {
        get {
            switch category {
            case .images: images
            case .containers: containers
            case .logs: logs
            case .volumes: volumes
            case .buildCache: buildCache
            case .orphans: orphans
            case .other: other
            }
        }
        set {
            switch category {
            case .images: images = newValue
            case .containers: containers = newValue
            case .logs: logs = newValue
            case .volumes: volumes = newValue
            case .buildCache: buildCache = newValue
            case .orphans: orphans = newValue
            case .other: other = newValue
            }
        }
    }
}

/// One of the report's categories, in the order the report lists them.
public enum Category: String, Sendable, Codable, CaseIterable {
    case images, containers, logs, volumes, buildCache, orphans, other
}

/// An image as `docker images` lists it: tagged or digested, or untagged with no child image.
public struct ImageUsage: Sendable, Codable, Equatable {
    /// `sha256:<hex>`.
    public var id: String
    /// `name:tag` and `name@sha256:…` references, sorted.
    public var tags: [String]
    /// Untagged and undigested.
    public var dangling: Bool
    /// `created` from the image config, as written there.
    public var created: String?
    /// Chain IDs from the base layer up.
    public var layers: [String]
    /// Sum of its layers' bytes: Docker's image `Size`.
    public var bytes: Int64
    /// Bytes of its layers that another listed image also uses: Docker's `SharedSize`.
    public var sharedBytes: Int64
    /// `bytes - sharedBytes`: what removing this image alone would free.
    public var uniqueBytes: Int64
    /// IDs of containers created from it.
    public var containers: [String]
    /// The store holding it; absent for overlay2 (and in reports before dockdu 0.3).
    public var store: StoreName?
    /// Bytes of the blobs it references (containerd store): Docker 29's CONTENT SIZE.
    public var contentBytes: Int64?
    /// Of ``contentBytes``, blobs another listed image also references.
    public var sharedContentBytes: Int64?
    /// The platforms its index holds, when it holds several.
    public var platforms: [String]?
    /// The best evidence of its last use the data root holds (RFC 3339 UTC), and what it rests
    /// on. Absent before dockdu 0.3.
    public var lastUsedAt: String?
    public var lastUsedSource: LastUseSource?
    /// Bytes of files its layers ship that an upper layer deletes or replaces, so that no
    /// container can see them (dive's wasted space), in the report's size mode. Absent for
    /// images of the containerd store and in reports before dockdu 0.4.
    public var wastedBytes: Int64?
    /// Apparent bytes visible in its final filesystem over the apparent bytes of its layers,
    /// 0 to 1 (1 when nothing is hidden).
    public var efficiency: Double?
    /// The largest hidden files, biggest first (at most ``WastedPath/limit``).
    public var wasted: [WastedPath]?

    public init(
        id: String, tags: [String], dangling: Bool, created: String?, layers: [String], bytes: Int64,
        sharedBytes: Int64, uniqueBytes: Int64, containers: [String]
    ) {
        self.id = id
        self.tags = tags
        self.dangling = dangling
        self.created = created
        self.layers = layers
        self.bytes = bytes
        self.sharedBytes = sharedBytes
        self.uniqueBytes = uniqueBytes
        self.containers = containers
    }
}

/// The state of a container, from `config.v2.json`.
public enum ContainerState: String, Sendable, Codable, Equatable, CaseIterable {
    case running, paused, restarting, exited, created, dead
    /// Its `config.v2.json` is missing or cannot be parsed (a warning says which).
    case unknown
}

public struct ContainerUsage: Sendable, Codable, Equatable {
    /// 64 hex digits, no prefix.
    public var id: String
    /// Without Docker's leading `/`.
    public var name: String
    /// `sha256:<hex>`.
    public var imageId: String
    public var state: ContainerState
    public var created: String?
    /// When it last stopped; absent while it never ran or is running.
    public var finishedAt: String?
    /// Log driver from `hostconfig.json` (`json-file`, `local`, …).
    public var logDriver: String?
    /// Its writable layer's `diff` directory: Docker's `SizeRw`.
    public var rwBytes: Int64
    /// All its log files.
    public var logBytes: Int64
    /// Everything that exists because of it: both layer directories, `containers/<id>`, its logs,
    /// its `layerdb/mounts` entry.
    public var totalBytes: Int64
    /// Names of the volumes it mounts, sorted.
    public var volumes: [String]
    /// When it last started; absent while it never did.
    public var startedAt: String?
    /// The best evidence of its last use (RFC 3339 UTC) and what it rests on. Absent before 0.3.
    public var lastUsedAt: String?
    public var lastUsedSource: LastUseSource?

    public init(
        id: String, name: String, imageId: String, state: ContainerState, created: String?,
        finishedAt: String?, logDriver: String?, rwBytes: Int64, logBytes: Int64, totalBytes: Int64,
        volumes: [String]
    ) {
        self.id = id
        self.name = name
        self.imageId = imageId
        self.state = state
        self.created = created
        self.finishedAt = finishedAt
        self.logDriver = logDriver
        self.rwBytes = rwBytes
        self.logBytes = logBytes
        self.totalBytes = totalBytes
        self.volumes = volumes
    }
}

public struct VolumeUsage: Sendable, Codable, Equatable {
    public var name: String
    /// Its `_data` directory: Docker's `UsageData.Size`.
    public var bytes: Int64
    /// IDs of the containers whose mount points name it, sorted.
    public var containers: [String]
    /// Created by Docker for an unnamed mount (labelled `com.docker.volume.anonymous`, or a
    /// 64-hex name on engines that do not label).
    public var anonymous: Bool
    /// The best evidence of its last use (RFC 3339 UTC) and what it rests on. Absent before 0.3.
    public var lastUsedAt: String?
    public var lastUsedSource: LastUseSource?

    public init(name: String, bytes: Int64, containers: [String], anonymous: Bool) {
        self.name = name
        self.bytes = bytes
        self.containers = containers
        self.anonymous = anonymous
    }
}

public struct LayerUsage: Sendable, Codable, Equatable {
    /// `sha256:<hex>`, the layerdb directory name.
    public var chainId: String
    public var diffId: String
    /// The `overlay2/` directory name.
    public var cacheId: String
    /// Its `diff` directory.
    public var bytes: Int64
    /// Listed images whose chain includes it, sorted.
    public var images: [String]
    /// The store holding it; absent for overlay2. For containerd, ``cacheId`` is the snapshot's
    /// directory number (`snapshots/<n>`).
    public var store: StoreName?

    public init(chainId: String, diffId: String, cacheId: String, bytes: Int64, images: [String]) {
        self.chainId = chainId
        self.diffId = diffId
        self.cacheId = cacheId
        self.bytes = bytes
        self.images = images
    }
}

/// What a last-use figure rests on. Docker keeps no access time; these are the times it does keep.
public enum LastUseSource: String, Sendable, Codable, Equatable, CaseIterable {
    /// A container running, paused or restarting when the scan ran: in use at that moment.
    case running
    /// A container's `State.FinishedAt`.
    case finished
    /// A container's `State.StartedAt`.
    case started
    /// When it was made: a container's `Created` (never started), an image's config `created`,
    /// a volume directory's modification time (the local driver's `CreatedAt`).
    case created
    /// An image's or volume's: the latest last use of the containers that use it.
    case container
    /// An image's `imagedb/metadata/.../lastUpdated`: when it was last tagged, pulled or built.
    case tagged
}

/// What an orphan is.
public enum OrphanKind: String, Sendable, Codable, Equatable {
    /// An `overlay2/` directory that no layer, container or BuildKit snapshot owns.
    case overlayDirectory
    /// A layer directory of a container whose `containers/<id>` directory is gone.
    case containerLayer
    /// A `layerdb/mounts/<id>` entry for such a container.
    case mountMetadata
    /// A `containers/<id>` directory with no readable `config.v2.json`.
    case containerDirectory
    /// A half-removed `layerdb/sha256/<chain>-<random>-removing` entry, or another stray one.
    case layerMetadata
    /// A layer that layerdb records but no image and no container uses: its overlay2 directory,
    /// `l/` link and layerdb entry.
    case unreferencedLayer
    /// An `overlay2/` directory `buildkit/snapshots.db` names but no BuildKit cache record uses
    /// (a build that crashed, records the engine dropped): `docker builder prune` cannot free it.
    case buildKitSnapshot
    /// A directory under containerd's `snapshots/` that its snapshotter's metadata does not name.
    case snapshotDirectory
    /// A committed containerd snapshot that no image, container, lease or other snapshot uses.
    case unreferencedSnapshot
    /// A file under containerd's `blobs/sha256/` that meta.db does not list.
    case unlistedBlob
    /// A blob meta.db lists that no image and no lease references.
    case unreferencedBlob

    /// Whether calling it an orphan rests on every layerdb and mount entry having been read: an
    /// overlay2 directory nothing names may be the layer of an entry that could not be.
    public var dependsOnLayerMetadata: Bool {
        self == .overlayDirectory || self == .unreferencedLayer || self == .buildKitSnapshot
    }
}

public struct OrphanUsage: Sendable, Codable, Equatable {
    /// Relative to the data root. A name that is not valid UTF-8 has U+FFFD here and its exact
    /// bytes in ``pathBase64``.
    public var path: String
    /// The path's exact bytes, base64, present only when they are not valid UTF-8.
    public var pathBase64: String?
    public var kind: OrphanKind
    public var bytes: Int64
    /// `containerd` when ``path`` is relative to the containerd root; absent for the data root.
    public var base: RootName?

    public init(path: String, pathBase64: String? = nil, kind: OrphanKind, bytes: Int64) {
        self.path = path
        self.pathBase64 = pathBase64
        self.kind = kind
        self.bytes = bytes
    }
}

/// One walked root and its total in the report's size mode.
public struct RootUsage: Sendable, Codable, Equatable {
    public var name: RootName
    public var path: String
    public var bytes: Int64

    public init(name: RootName, path: String, bytes: Int64) {
        self.name = name
        self.path = path
        self.bytes = bytes
    }
}

/// One blob of a content store.
public struct BlobUsage: Sendable, Codable, Equatable {
    public var digest: String
    public var mediaType: String?
    /// The file, measured by the walk.
    public var bytes: Int64
    /// Listed images that reference it, sorted.
    public var images: [String]

    public init(digest: String, mediaType: String?, bytes: Int64, images: [String]) {
        self.digest = digest
        self.mediaType = mediaType
        self.bytes = bytes
        self.images = images
    }
}

/// The containerd store's figures beyond the tables.
public struct ContainerdStoreSummary: Sendable, Codable, Equatable {
    /// Compressed layer blobs whose layer is also unpacked as a snapshot: the same layer kept
    /// twice (moby#50103).
    public var compressedCopiesBytes: Int64
    /// Unpacks (`extract-*` snapshots, `snapshots/new-*`) and downloads (`ingest/`) in progress.
    public var inProgressBytes: Int64
    /// Snapshots and blobs that containerd keeps for something Docker does not know (its own
    /// containers and leases, other namespaces); counted as other.
    public var heldBytes: Int64

    public init(compressedCopiesBytes: Int64, inProgressBytes: Int64, heldBytes: Int64) {
        self.compressedCopiesBytes = compressedCopiesBytes
        self.inProgressBytes = inProgressBytes
        self.heldBytes = heldBytes
    }
}

/// A problem with one part of the data root. The rest of the report is still complete.
public struct Warning: Sendable, Codable, Equatable, Hashable {
    public var code: WarningCode
    /// Relative to the data root, or empty for the root itself.
    public var path: String
    public var message: String

    public init(code: WarningCode, path: String, message: String) {
        self.code = code
        self.path = path
        self.message = message
    }
}

/// Listed in the README from ``allCases`` with each ``meaning``; a test fails until it is.
public enum WarningCode: String, Sendable, Codable, Equatable, Hashable, CaseIterable {
    /// A file or directory could not be opened, read or stat'ed.
    case unreadable
    /// A metadata file could not be parsed.
    case corrupt
    /// A file vanished while it was being read.
    case vanished
    /// A `lower` names a link that does not exist, or an `l/` link points nowhere.
    case brokenLink
    /// A layer or container's directory is missing.
    case missingDirectory
    /// A computed chain ID does not match layerdb.
    case chainMismatch
    /// Entries of `overlay2/` or `containers/` appeared during the scan; they are counted as
    /// `other`.
    case appeared
    /// The layer cache could not be used or written; the figures are a full walk's.
    case cache
    /// A committed image layer's figures differ from those its cache entry held: something
    /// wrote into it behind the engine.
    case layerChanged
}
