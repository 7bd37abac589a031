/// Who a tallied group of inodes belongs to. The walk counts into numbered slots; each slot has
/// exactly one owner and one category.
public enum SlotOwner: Sendable, Hashable {
    /// Docker's metadata and anything else under the root.
    case other
    /// Entries of `overlay2/` or `containers/` that were not there when the metadata was read:
    /// made during the scan, counted as ``other``, and reported in a warning.
    case appeared
    /// BuildKit's `overlay2/` snapshots whose records are unknown (its databases could not be
    /// read whole); its databases under `buildkit/` are ``other``.
    case buildCache
    /// The `overlay2/` directory (and `l/` link) holding BuildKit records' data, but its `diff`.
    case buildCacheDirectory(name: String)
    /// That directory's `diff`: what BuildKit itself measures (`docker system df`'s `Size`).
    case buildCacheDiff(name: String)
    /// A layer's `diff` directory.
    case layerDiff(chainID: String)
    /// The rest of a layer: its overlay2 directory but `diff`, its `l/` link, its layerdb entry.
    case layerRest(chainID: String)
    /// An image's config and metadata in `imagedb/{content,metadata}/sha256/<id>`.
    case imageMetadata(id: String)
    /// A container's writable layer's `diff` directory.
    case containerDiff(id: String)
    /// The rest of a container: its writable layer but `diff`, its init layer, `containers/<id>`
    /// but its logs, its `layerdb/mounts` entry.
    case containerRest(id: String)
    /// A container's log files.
    case containerLogs(id: String)
    /// A volume's `_data` directory.
    case volumeData(name: String)
    /// The rest of `volumes/<name>`.
    case volumeRest(name: String)
    /// The orphan at this index of ``OwnershipRules/orphans``.
    case orphan(index: Int)
    /// A blob of a content store that an image references (containerd's packed copy).
    case contentBlob(digest: String)
    /// Snapshots being unpacked (`extract-*` keys, `snapshots/new-*`) and partial downloads.
    case inProgress
    /// Snapshots and blobs that containerd keeps for something Docker does not know: a container
    /// or lease of containerd's own, another namespace.
    case heldByContainerd

    public var category: Category {
        switch self {
        case .other, .appeared, .inProgress, .heldByContainerd: .other
        case .contentBlob: .images
        case .buildCache, .buildCacheDirectory, .buildCacheDiff: .buildCache
        case .layerDiff, .layerRest, .imageMetadata: .images
        case .containerDiff, .containerRest: .containers
        case .containerLogs: .logs
        case .volumeData, .volumeRest: .volumes
        case .orphan: .orphans
        }
    }
}

/// Something under the root that nothing owns, found before the walk.
public struct OrphanCandidate: Sendable, Equatable {
    /// Relative to ``base``, exact bytes.
    public var path: [UInt8]
    public var kind: OrphanKind
    /// The root `path` is relative to: the data root, or another store's root.
    public var base: RootName = .dataRoot
    /// Other paths counted with it (its `l/` link, its layerdb entry), which removing it must
    /// remove too.
    public var companions: [[UInt8]] = []
    /// What the store's own tool removes it by (a containerd snapshot key or blob digest), when
    /// its metadata should be fixed instead of files deleted.
    public var storeKey: String?
}
