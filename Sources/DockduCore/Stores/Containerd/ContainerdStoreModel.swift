/// What the containerd store's two databases and its folders say, resolved into who owns each
/// snapshot directory and each blob file (read by ``ContainerdStoreLoader``, classified by
/// ``ContainerdRules``). Images, layers and blobs also go into the store-neutral parts of the model.
public struct ContainerdStoreModel: Sendable {
    /// Absolute path of the containerd root.
    public var root: String
    public var namespace: String
    public var snapshotter: String
    /// Directory number (`snapshots/<n>`) → who owns it.
    public var snapshotDirectories: [String: SnapshotRole] = [:]
    /// Blob file name (64 hex) → who owns it.
    public var blobFiles: [String: BlobRole] = [:]
    /// Entries of `io.containerd.content.v1.content/ingest/`.
    public var ingestDirectories: [[UInt8]] = []
    /// Both databases were read whole and consistently: what they do not name may be an orphan.
    public var metadataComplete = true
    /// The snapshot keys of Docker's containers, by container ID: writable and init.
    public var containerSnapshots: [String: (writable: String?, initLayer: String?)] = [:]
    /// Snapshot key → its directory number, for the plan and messages.
    public var directoryOfKey: [String: String] = [:]

    public init(root: String, namespace: String, snapshotter: String) {
        self.root = root
        self.namespace = namespace
        self.snapshotter = snapshotter
    }

    public static let snapshotsPath = [OverlayfsMetadata.folder, "snapshots"]
    public static let contentFolder = "io.containerd.content.v1.content"
    public static let blobsPath = [contentFolder, "blobs", "sha256"]
    public static let metadataPath = ["io.containerd.metadata.v1.bolt", "meta.db"]
}

/// Who owns one snapshot directory.
public enum SnapshotRole: Sendable, Equatable {
    /// A committed image layer, keyed by its chain ID.
    case imageLayer(chainID: String)
    /// A Docker container's writable (active) snapshot, `<id>`.
    case containerLayer(id: String)
    /// A Docker container's `<id>-init` snapshot.
    case containerInit(id: String)
    /// An unpack in progress (`extract-*`), or a directory being made.
    case inProgress
    /// Held by a containerd container or lease Docker does not know, or another namespace's.
    case held(String)
    /// Known to the snapshotter, used by nothing (key given when meta.db names it).
    case unreferenced(key: String?)
    /// No metadata names it.
    case unknownDirectory
}

/// Who owns one blob file.
public enum BlobRole: Sendable, Equatable {
    case image(digest: String)
    case held
    case unreferenced(digest: String)
    case unlisted
}
