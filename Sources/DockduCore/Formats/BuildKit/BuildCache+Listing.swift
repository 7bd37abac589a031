/// One row of `docker system df -v`'s build cache, from the databases alone.
public struct BuildCacheEntry: Sendable, Equatable {
    public var record: BuildCacheRecord
    /// The `overlay2/` directory the record's data is in (``BuildCache/overlayDirectory(of:)``).
    public var overlayDirectory: String?
    /// The layer chain ID the data is registered as, when it is an image layer's too.
    public var imageChainID: String?
    /// What BuildKit last measured: the record's `snapshot.size`, or its hidden immutable twin's,
    /// where `docker system df` stores the size it measures for a mutable record. Not a
    /// measurement: dockdu's walk measures the directory.
    public var recordedSizeBytes: Int64?
    /// Some image's layers include this record's data, or a record above it shares (BuildKit's
    /// `Shared`): `docker builder prune` without `-a` keeps it.
    public var isShared: Bool
}

extension BuildCache {
    /// The records `docker system df -v` lists, in ID order, for an engine at rest.
    ///
    /// - Parameter imageChainIDs: the chain ID of every prefix of every image's `rootfs.diff_ids`
    ///   (``ChainID/chain(of:)`` of each image config), every image of the store, tagged or not:
    ///   moby's checker is true for a layer whose diff-ID chain starts some image's.
    ///
    /// Left out, as `DiskUsage` leaves them out: an immutable record with a mutable twin (the twin is
    /// listed in its place; both name the same data) and records the engine would drop when it
    /// starts (``isLoadable(_:)``). In use is not decided here: it is in the engine's memory only.
    public func listedRecords(imageChainIDs: Set<String>) -> [BuildCacheEntry] {
        let listed = records.filter { isLoadable($0) && $0.equalMutableID == nil }
        // markShared: a record whose data is an image layer's, and every record below it. The
        // checker asks the snapshotter for the layer of the record's ID (`GetLayer(id)`), which
        // reads the `chainid` of the snapshots.db bucket of that name.
        var shared: Set<String> = []
        for record in listed where !shared.contains(record.id) {
            guard let chain = snapshots[record.id]?.chainID, imageChainIDs.contains(chain) else { continue }
            var current: BuildCacheRecord? = record
            while let next = current, shared.insert(next.id).inserted {
                current = next.parentID.flatMap { self.record($0) }
            }
        }
        // A mutable record's size lives on its immutable twin.
        var twinSizes: [String: Int64] = [:]
        for record in records {
            if let twin = record.equalMutableID, let size = record.recordedSizeBytes { twinSizes[twin] = size }
        }
        return listed.map { record in
            BuildCacheEntry(
                record: record, overlayDirectory: overlayDirectory(of: record), imageChainID: imageChainID(of: record),
                recordedSizeBytes: record.recordedSizeBytes ?? twinSizes[record.id], isShared: shared.contains(record.id))
        }
    }

    /// Every `overlay2/` directory some loadable record's data is in.
    public var referencedOverlayDirectories: Set<String> {
        Set(records.filter(isLoadable).compactMap(overlayDirectory(of:)))
    }

    /// The names in `overlay2Names` of BuildKit's shape that no loadable record's data is in:
    /// BuildKit orphans (a crash between `Prepare` and the record, or records the engine dropped).
    /// Those `snapshots.db` still names are the engine's to remove; the rest nothing knows of.
    public func orphanDirectories(among overlay2Names: some Sequence<String>) -> (recordedInSnapshots: [String], unknown: [String]) {
        let referenced = referencedOverlayDirectories
        let inSnapshots = Set(snapshots.values.compactMap(\.overlayDirectory))
        var recorded: [String] = []
        var unknown: [String] = []
        for name in overlay2Names.sorted() where BuildKitNames.isRandomID(name.utf8) && !referenced.contains(name) {
            if inSnapshots.contains(name) { recorded.append(name) } else { unknown.append(name) }
        }
        return (recorded, unknown)
    }
}
