/// What the overlayfs snapshotter's own database,
/// `<root>/io.containerd.snapshotter.v1.overlayfs/metadata.db`, says: which numbered directory
/// `snapshots/<id>/` holds which snapshot, its kind, parent and (once committed) its usage.
///
/// The layout, checked in containerd's source (v1.6.20 `snapshots/storage/bolt.go` and
/// `snapshots/overlay/overlay.go`; main's `core/snapshots/storage/bolt.go` and
/// `plugins/snapshots/overlay/overlay.go` are the same):
/// ```
/// v1/snapshots/<name>/{id (Uvarint), kind (1 byte), parent (a name), size (Varint),
///                      inodes (Varint), createdat, updatedat}, labels/…
/// v1/parents/<Uvarint parent id> 0x00 <Uvarint child id> = <child name>
/// ```
/// - `<name>` is the metadata layer's `<namespace>/<seq>/<key>` (``BackendSnapshotName``); its
///   `<seq>` is meta.db's own sequence and has nothing to do with `id` below.
/// - `id` is the `snapshots` bucket's `NextSequence()` when the snapshot was prepared, so it is
///   at least 1; commit keeps it (the active bucket is replaced by one under the new name with the
///   same `id`). The directory is `snapshots/<id>` in decimal (`strconv.FormatUint`), holding
///   `fs/` (the upper directory; for a committed snapshot its layer) and, for an active one,
///   `work/`. Directories being made are `snapshots/new-<random>` until renamed.
/// - `kind` is `snapshots.Kind`: 0 unknown, 1 view, 2 active, 3 committed.
/// - `size` and `inodes` are written by `CommitActive` only: an active snapshot has none, and
///   `Usage` walks its `fs/` on each call instead.
public struct OverlayfsMetadata: Sendable, Equatable {
    /// Where metadata.db lives under a containerd root, and the snapshotter's folder.
    public static let folder = "io.containerd.snapshotter.v1.overlayfs"
    public static let path = [folder, "metadata.db"]

    /// Sorted by name.
    public var snapshots: [OverlayfsSnapshot]
    public var warnings: [Warning]
    /// False when any snapshot was left out for a bad value: a numbered directory nothing names
    /// may then be its.
    public var isComplete: Bool
    public var transactionID: UInt64

    public init(
        snapshots: [OverlayfsSnapshot] = [], warnings: [Warning] = [], isComplete: Bool = true, transactionID: UInt64 = 0
    ) {
        self.snapshots = snapshots
        self.warnings = warnings
        self.isComplete = isComplete
        self.transactionID = transactionID
    }

    /// The snapshot filed under `name`.
    public func snapshot(named name: BackendSnapshotName) -> OverlayfsSnapshot? {
        snapshots.first { $0.name == name }
    }

    /// The snapshot whose directory is `snapshots/<id>`.
    public func snapshot(id: UInt64) -> OverlayfsSnapshot? {
        snapshots.first { $0.id == id }
    }
}

/// A snapshot's kind (containerd `snapshots.Kind`).
public enum SnapshotKind: UInt8, Sendable, Equatable, Codable {
    case unknown = 0
    case view = 1
    case active = 2
    case committed = 3
}

/// Figures that containerd stored when the snapshot was committed.
public struct SnapshotUsage: Sendable, Equatable {
    /// `fs.DiskUsage` at commit: allocated bytes (st_blocks × 512), each hard-linked inode once,
    /// directories included.
    public var sizeBytes: Int64
    public var inodes: Int64

    public init(sizeBytes: Int64, inodes: Int64) {
        self.sizeBytes = sizeBytes
        self.inodes = inodes
    }
}

/// One entry of the overlayfs snapshotter's database.
public struct OverlayfsSnapshot: Sendable, Equatable {
    public var name: BackendSnapshotName
    /// At least 1; the directory `snapshots/<id>`.
    public var id: UInt64
    public var kind: SnapshotKind
    /// The parent's name in this database.
    public var parentName: BackendSnapshotName?
    /// Present on committed snapshots only.
    public var usage: SnapshotUsage?
    public var labels: [String: String]

    public init(
        name: BackendSnapshotName, id: UInt64, kind: SnapshotKind, parentName: BackendSnapshotName? = nil,
        usage: SnapshotUsage? = nil, labels: [String: String] = [:]
    ) {
        self.name = name
        self.id = id
        self.kind = kind
        self.parentName = parentName
        self.usage = usage
        self.labels = labels
    }

    /// Its directory's name under `snapshots/`: the id in decimal, one safe path component.
    public var directoryName: String { String(id) }

    /// Its directory, relative to the containerd root.
    public var directoryPath: [String] { [OverlayfsMetadata.folder, "snapshots", directoryName] }
}

extension OverlayfsMetadata {
    /// Decodes the snapshotter's metadata.db. A snapshot whose name, id or parent is bad is left
    /// out with a warning; one whose kind or usage is bad is kept, with the kind unknown or no
    /// usage, since its directory is still its.
    public init(database: BoltDB) {
        var checks = BoltValueChecks(file: Self.path.joined(separator: "/"))
        var snapshots: [OverlayfsSnapshot] = []
        let bucketPath = [Array("v1".utf8), Array("snapshots".utf8)]
        var owners: [UInt64: BackendSnapshotName] = [:]
        if let bucket = database.bucket(bucketPath) {
            for (nameText, key, snapshot) in checks.childBuckets(of: bucket, at: bucketPath) {
                let place = bucketPath + [key]
                guard let name = BackendSnapshotName(nameText) else {
                    checks.corrupt(place, "not a <namespace>/<n>/<key> name; the snapshot is left out")
                    continue
                }
                guard let rawID = snapshot.get(Array("id".utf8)), let id = GoVarint.unsigned(rawID), id > 0 else {
                    checks.corrupt(place + [Array("id".utf8)], "not a positive varint; the snapshot is left out")
                    continue
                }
                if let owner = owners[id] {
                    checks.corrupt(place + [Array("id".utf8)], "\(owner) has the same id \(id); the snapshot is left out")
                    continue
                }
                var parentName: BackendSnapshotName?
                if let parent = checks.string(snapshot, "parent", at: place) {
                    guard let parsed = BackendSnapshotName(parent) else {
                        checks.corrupt(place + [Array("parent".utf8)], "not a snapshot name; the snapshot is left out")
                        continue
                    }
                    parentName = parsed
                }
                owners[id] = name
                let kind = Self.kind(snapshot, at: place, checks: &checks)
                var usage: SnapshotUsage?
                if kind == .committed {
                    let what = "its usage is unknown"
                    if let size = checks.size(snapshot, "size", at: place, what: what),
                        let inodes = checks.size(snapshot, "inodes", at: place, what: what)
                    {
                        usage = SnapshotUsage(sizeBytes: size, inodes: inodes)
                    }
                }
                snapshots.append(
                    OverlayfsSnapshot(
                        name: name, id: id, kind: kind, parentName: parentName, usage: usage,
                        labels: checks.labels(snapshot, at: place)))
            }
        }
        self.init(
            snapshots: snapshots, warnings: checks.warnings, isComplete: checks.isComplete,
            transactionID: database.transactionID)
    }

    private static func kind(_ snapshot: BoltDB.Bucket, at place: [[UInt8]], checks: inout BoltValueChecks) -> SnapshotKind {
        if let raw = snapshot.get(Array("kind".utf8)), raw.count == 1, let kind = SnapshotKind(rawValue: raw[0]),
            kind != .unknown
        {
            return kind
        }
        checks.corrupt(place + [Array("kind".utf8)], "not a view, active or committed kind; taken as unknown")
        return .unknown
    }
}
