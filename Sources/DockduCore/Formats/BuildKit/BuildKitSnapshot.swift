/// One top-level bucket of `buildkit/snapshots.db`: a snapshot of moby's BuildKit snapshotter,
/// which keeps its data in the overlay2 graph driver (Docker's graph-driver mode, not the
/// containerd image store).
///
/// Verified in moby/moby `builder/builder-next/adapters/snapshot/snapshot.go` and `layer.go`
/// (v20.10.24; the same keys on master under `daemon/internal/builder-next`): bucket names are
/// snapshot keys; the keys inside are `parent`, `committed`, `iscommitted`, `chainid` and `size`.
/// - `Prepare(key, parent)` runs `GraphDriver.Create(key, …)`, so an active snapshot's data is
///   `overlay2/<key>/`, and stores the parent key (`parent`, empty for none).
/// - `Commit(name, key)` stores `committed = key` in the bucket `name` and an empty
///   `iscommitted` in the bucket `key`: a committed snapshot's data stays in its active key's
///   directory (`getGraphDriverID`).
/// - `EnsureLayer` registers that directory as a layer (`RegisterByGraphID`, so the layer's
///   `cache-id` is the directory) and stores its chain ID as `chainid`.
/// - `Usage` caches the diff size as a decimal `size`.
/// - `getLayer` creates an empty bucket for an image layer's chain ID (`sha256:…`); its data is the
///   layer store's, found through `layerdb`.
public struct BuildKitSnapshot: Sendable, Equatable {
    /// The bucket name: a BuildKit random ID or a chain ID (``BuildKitNames/isSnapshotKey(_:)``).
    public var key: String
    /// `parent`: the snapshot key below it; nil for none or empty.
    public var parentKey: String?
    /// `committed`: the graph-driver ID (an active snapshot's key) whose directory holds this
    /// committed snapshot.
    public var committedDirectory: String?
    /// `iscommitted` is present: this active snapshot was committed under another name; its
    /// directory now belongs to that name.
    public var wasCommitted: Bool
    /// `chainid`: the layer this snapshot became when exported into an image.
    public var chainID: String?
    /// `size`: the diff size in bytes the snapshotter last measured.
    public var recordedSizeBytes: Int64?
    /// `committed` is there but not a BuildKit ID: where the data is is unknown.
    public var committedIsDamaged: Bool

    public init(
        key: String, parentKey: String? = nil, committedDirectory: String? = nil, wasCommitted: Bool = false,
        chainID: String? = nil, recordedSizeBytes: Int64? = nil, committedIsDamaged: Bool = false
    ) {
        self.key = key
        self.parentKey = parentKey
        self.committedDirectory = committedDirectory
        self.wasCommitted = wasCommitted
        self.chainID = chainID
        self.recordedSizeBytes = recordedSizeBytes
        self.committedIsDamaged = committedIsDamaged
    }

    /// The `overlay2/` directory holding the snapshot's data: `committed` when set, else the key
    /// itself when it is a BuildKit ID; nil for a chain-ID key (the layer store's directory) and
    /// when `committed` is damaged.
    public var overlayDirectory: String? {
        if let committedDirectory { return committedDirectory }
        if committedIsDamaged { return nil }
        return BuildKitNames.isRandomID(key.utf8) ? key : nil
    }
}

/// Decodes `buildkit/snapshots.db`, read with ``BoltDB`` (no lock is taken).
public enum BuildKitSnapshots {
    /// The database's path under the data root.
    public static let path = ["buildkit", "snapshots.db"]

    /// Every snapshot bucket, in key order, and a warning for each value that could not be used.
    /// A bucket whose name is not a snapshot key is left out; a bad field is left unset.
    public static func snapshots(in database: BoltDB) -> (snapshots: [BuildKitSnapshot], warnings: [BuildKitWarning]) {
        var snapshots: [BuildKitSnapshot] = []
        var warnings: [BuildKitWarning] = []
        let root = database.rootBucket
        root.forEach { key, value in
            guard value == nil, let bucket = root.bucket(key) else {
                warnings.append(.snapshots(key, "a plain value where a snapshot's bucket belongs; ignored"))
                return
            }
            guard BuildKitNames.isSnapshotKey(key) else {
                warnings.append(.snapshots(key, "not a snapshot key (a BuildKit ID or a chain ID); the snapshot is ignored"))
                return
            }
            func field(_ name: String, _ shape: ([UInt8]) -> Bool, _ expected: String) -> String? {
                guard let bytes = bucket.get(Array(name.utf8)), !bytes.isEmpty else { return nil }
                guard shape(bytes) else {
                    warnings.append(.snapshots(key, "\(name) \"\(BuildKitNames.quoted(bytes))\" is not \(expected); the field is ignored"))
                    return nil
                }
                return String(decoding: bytes, as: UTF8.self)
            }
            let size = field("size", isDecimal, "a byte count").flatMap { Int64($0) }
            let committed = field("committed", BuildKitNames.isRandomID, "a BuildKit ID")
            let committedBytes = bucket.get(Array("committed".utf8)) ?? []
            snapshots.append(
                BuildKitSnapshot(
                    key: String(decoding: key, as: UTF8.self),
                    parentKey: field("parent", BuildKitNames.isSnapshotKey, "a snapshot key"),
                    // The graph driver was handed an active snapshot's key: a BuildKit ID.
                    committedDirectory: committed,
                    wasCommitted: bucket.get(Array("iscommitted".utf8)) != nil,
                    chainID: field("chainid", DockerNames.isDigest, "a chain ID"),
                    recordedSizeBytes: size, committedIsDamaged: committed == nil && !committedBytes.isEmpty))
        }
        return (snapshots, warnings)
    }

    /// 1 to 18 decimal digits: a non-negative size that fits an `Int64` (`strconv.Itoa` output).
    private static func isDecimal(_ bytes: [UInt8]) -> Bool {
        (1...18).contains(bytes.count) && bytes.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
    }
}
