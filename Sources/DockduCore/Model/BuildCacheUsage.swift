/// One BuildKit cache record as `docker system df -v` lists it, with its size measured by the walk.
public struct BuildCacheUsage: Sendable, Codable, Equatable {
    /// The record's ID (25 characters of `0-9a-z`), as `docker system df -v` and
    /// `docker builder prune --filter id=` take it.
    public var id: String
    /// `regular`, `source.local`, `exec.cachemount`, `frontend`, `internal`, `source.git.checkout`.
    public var type: String
    /// The step that made it, as the Dockerfile says it; free text (escaped before it is shown).
    public var description: String
    /// Its `overlay2/` directory and `l/` link, measured by the walk; 0 when its data is an
    /// image layer's (see ``countedUnder``).
    public var bytes: Int64
    /// Of ``bytes``, its `diff` directory: what BuildKit itself measures, `docker system df`'s
    /// `Size` in `--apparent-size` mode.
    public var diffBytes: Int64
    /// `overlay2/<dir>`, relative to the data root; absent when its data is an image layer's
    /// directory or unknown.
    public var directory: String?
    /// When its data is an image layer: the listed images that layer belongs to, whose bytes
    /// include it (the record's own ``bytes`` is then 0). Absent otherwise.
    public var countedUnder: [String]?
    /// An image's layers include its data, or the data of a record above it (BuildKit's
    /// `Shared`): `docker builder prune` without `--all` keeps it.
    public var shared: Bool
    /// A build is using it now: a file system is mounted on its directory (a step running), or on
    /// a record above it. BuildKit keeps this in memory only; with no build running it is false.
    public var inUse: Bool
    /// Its snapshot can still change (a cache mount, a local source, a step not committed).
    public var mutable: Bool
    /// RFC 3339 UTC with nanoseconds.
    public var createdAt: String?
    /// RFC 3339 UTC with nanoseconds; absent when it was never used.
    public var lastUsedAt: String?
    public var usageCount: Int
    /// The record below it, as BuildKit names it.
    public var parent: String?
    /// The size BuildKit last recorded for it (`snapshot.size`), not a measurement.
    public var recordedBytes: Int64?

    public init(
        id: String, type: String, description: String, bytes: Int64, diffBytes: Int64, directory: String?, countedUnder: [String]?,
        shared: Bool, inUse: Bool, mutable: Bool, createdAt: String?, lastUsedAt: String?, usageCount: Int,
        parent: String?, recordedBytes: Int64?
    ) {
        self.id = id
        self.type = type
        self.description = description
        self.bytes = bytes
        self.diffBytes = diffBytes
        self.directory = directory
        self.countedUnder = countedUnder
        self.shared = shared
        self.inUse = inUse
        self.mutable = mutable
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.usageCount = usageCount
        self.parent = parent
        self.recordedBytes = recordedBytes
    }
}

/// What `docker builder prune` removes, decided as BuildKit does (`cache/manager.go` `prune`,
/// with moby's filters): the records it would free and the bytes that frees on disk.
public struct BuildCachePrune: Sendable, Equatable {
    /// `--all`: shared records and `internal`/`frontend` ones go too.
    public var all = false
    /// `--filter until=`: records last used less than this many seconds ago stay.
    public var untilSeconds: Int64?
    /// `--filter type=`: only records of this type.
    public var type: String?

    public init(all: Bool = false, untilSeconds: Int64? = nil, type: String? = nil) {
        self.all = all
        self.untilSeconds = untilSeconds
        self.type = type
    }

    /// The types `docker builder prune` keeps without `--all`.
    public static let keptTypes: Set<String> = ["internal", "frontend"]

    /// Why each record stays or goes, in the order of `records`. A record goes when it is a
    /// candidate (not in use; with `--all` or neither shared nor of a kept type; matching the
    /// filters) and every record above it goes too: BuildKit frees a parent only once no child
    /// holds it. `now` is seconds since the epoch.
    public func verdicts(_ records: [BuildCacheUsage], now: Int64) -> [ReclaimReason] {
        let index = Dictionary(records.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { first, _ in first })
        var children: [[Int]] = Array(repeating: [], count: records.count)
        for (position, record) in records.enumerated() {
            if let parent = record.parent.flatMap({ index[$0] }) { children[parent].append(position) }
        }
        var own: [ReclaimReason] = records.map { record in
            if record.inUse { return .inUse }
            if !all && record.shared { return .shared }
            if !all && Self.keptTypes.contains(record.type) { return .keptType }
            if let type, record.type != type { return .filtered }
            if let untilSeconds, let lastUsed = record.lastUsedAt.flatMap(Timestamp.parse), lastUsed > now - untilSeconds {
                return .filtered
            }
            return .unused
        }
        // Children before parents: a record goes only when all of its children go.
        var state: [Int8] = Array(repeating: 0, count: records.count)  // 0 new, 1 visiting, 2 done
        func settle(_ position: Int) {
            guard state[position] == 0 else { return }
            state[position] = 1
            for child in children[position] {
                settle(child)
                if own[position] == .unused && own[child] != .unused { own[position] = .childKept }
            }
            state[position] = 2
        }
        for position in records.indices { settle(position) }
        return own
    }

    /// Bytes the records that go free on disk: each directory once.
    public static func freedBytes(_ records: [BuildCacheUsage], _ verdicts: [ReclaimReason]) -> Int64 {
        var seen = Set<String>()
        var total: Int64 = 0
        for (record, verdict) in zip(records, verdicts) where verdict.isReclaimable {
            guard let directory = record.directory else { continue }
            if seen.insert(directory).inserted { total +|= record.bytes }
        }
        return total
    }
}
