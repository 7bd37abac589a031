/// BuildKit's build cache as its two databases describe it: the records of `metadata_v2.db`, the
/// snapshots of `snapshots.db`, and which `overlay2/` directory each record's data is in.
///
/// What `docker system df -v` lists is ``listedRecords(imageChainIDs:)``; the rules are moby/buildkit
/// `cache/manager.go` `DiskUsage` and `markShared` (eeb7b65) with moby's
/// `builder/builder-next/imagerefchecker/checker.go` as the shared-with-an-image check.
public struct BuildCache: Sendable {
    /// Every record of `_main` with a sound name, in ID order.
    public let records: [BuildCacheRecord]
    /// Every snapshot with a sound name, by key.
    public let snapshots: [String: BuildKitSnapshot]
    /// Values of either database that could not be used.
    public let warnings: [BuildKitWarning]

    private let recordsByID: [String: BuildCacheRecord]

    public init(metadata: BoltDB, snapshots snapshotDatabase: BoltDB) {
        let (records, recordWarnings) = BuildCacheMetadata.records(in: metadata)
        let (snapshots, snapshotWarnings) = BuildKitSnapshots.snapshots(in: snapshotDatabase)
        self.init(records: records, snapshots: snapshots, warnings: recordWarnings + snapshotWarnings)
    }

    public init(records: [BuildCacheRecord], snapshots: [BuildKitSnapshot], warnings: [BuildKitWarning] = []) {
        self.records = records
        self.snapshots = Dictionary(snapshots.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        self.recordsByID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var warnings = warnings
        for record in records {
            if let parent = record.parentID, recordsByID[parent] == nil {
                warnings.append(
                    .metadata(record.id.utf8, "its parent \(parent) has no record; the engine drops the record when it starts"))
            }
            if let twin = record.equalMutableID, recordsByID[twin] == nil {
                warnings.append(
                    .metadata(record.id.utf8, "its mutable twin \(twin) has no record; the engine drops the record when it starts"))
            }
        }
        self.warnings = warnings
    }

    /// The record named `id`.
    public func record(_ id: String) -> BuildCacheRecord? { recordsByID[id] }

    /// The snapshot key whose data a record uses: its mutable twin's when it has one (`refs.go`
    /// `Size`: `driverID = getSnapshotID(cr.equalMutable.md)`), else its own.
    public func dataSnapshotKey(of record: BuildCacheRecord) -> String {
        if let twin = record.equalMutableID.flatMap({ recordsByID[$0] }) { return twin.snapshotKey }
        return record.snapshotKey
    }

    /// The `overlay2/` directory holding a record's data, as moby's snapshotter finds it; nil for a
    /// record of an image's layer (its directory is the layer's `cache-id`, see ``imageChainID(of:)``)
    /// or when `snapshots.db` has no such snapshot.
    public func overlayDirectory(of record: BuildCacheRecord) -> String? {
        snapshots[dataSnapshotKey(of: record)]?.overlayDirectory
    }

    /// The layer chain ID a record's data is registered as, if any: a chain-ID snapshot key (an
    /// image's layer used by a build), or the `chainid` an export into an image stored under the
    /// record's own ID (`EnsureLayer(ref.ID())`) or its snapshot's key.
    public func imageChainID(of record: BuildCacheRecord) -> String? {
        let key = dataSnapshotKey(of: record)
        if DockerNames.isDigest(key.utf8) { return key }
        return snapshots[record.id]?.chainID ?? snapshots[key]?.chainID
    }

    /// Whether a record can be loaded at all: not marked deleted, and every record up its parent
    /// chain and its twin exist. The engine drops the others when it starts (`cacheManager.init`).
    public func isLoadable(_ record: BuildCacheRecord) -> Bool {
        var seen: Set<String> = []
        var current = record
        while true {
            guard !current.isDeleted, seen.insert(current.id).inserted else { return false }
            if let twin = current.equalMutableID, recordsByID[twin] == nil { return false }
            guard let parent = current.parentID else { return true }
            guard let next = recordsByID[parent] else { return false }
            current = next
        }
    }
}
