/// One cache record of BuildKit's `buildkit/metadata_v2.db`: a bucket of `_main` named by the
/// record's ID, as `docker system df -v` lists them (once the duplicates below are set aside).
///
/// Every field is what the database says, validated once when decoded (see
/// ``BuildCacheMetadata``); nothing here is measured. Whether a record is in use is not on disk at
/// all: BuildKit counts references in memory (`cache/manager.go` `DiskUsage`: `InUse: cr.refs > 0`),
/// so a stopped engine's records are all not in use, and a running one's may be.
///
/// A finished `RUN` leaves two records: the mutable one that holds the snapshot and an immutable
/// one whose ``equalMutableID`` names it. Until the immutable one is exported into an image
/// (`cache/refs.go` `finalize`), `docker system df` lists only the mutable record and hides the
/// immutable one (`DiskUsage`: "ignore duplicates that share data"); the immutable one carries the
/// size BuildKit last measured for both.
public struct BuildCacheRecord: Sendable, Equatable {
    /// `cache.recordType`; a record without one is ``regular`` (`DiskUsage`, `prune`).
    public struct Kind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A layer made by a build step (`RUN`, `COPY`, `ADD`), or an image's layer used by one.
        public static let regular = Kind(rawValue: "regular")
        /// A copy of a build context or Dockerfile sent by the client.
        public static let localSource = Kind(rawValue: "source.local")
        /// A Git checkout for a build from a Git URL.
        public static let gitCheckout = Kind(rawValue: "source.git.checkout")
        /// The contents of a `RUN --mount=type=cache` mount.
        public static let cacheMount = Kind(rawValue: "exec.cachemount")
        /// A frontend image (`# syntax=`); kept by `docker builder prune` without `-a`.
        public static let frontend = Kind(rawValue: "frontend")
        /// BuildKit's own; kept by `docker builder prune` without `-a`.
        public static let `internal` = Kind(rawValue: "internal")

        /// The types moby/buildkit `client/diskusage.go` defines.
        public static let known: [Kind] = [.regular, .localSource, .gitCheckout, .cacheMount, .frontend, .internal]
    }

    /// The bucket name in `_main`: a BuildKit random ID (``BuildKitNames/isRandomID(_:)``).
    public var id: String
    /// `cache.recordType`, ``Kind/regular`` when absent.
    public var kind: Kind
    /// `cache.description`: the step that made it (`mount / from exec /bin/sh -c …`,
    /// `local source for context`, `fileop target`…); empty when absent. Free text from the
    /// Dockerfile: escape it before it reaches a terminal.
    public var description: String
    /// `cache.createdAt`, nanoseconds since the epoch.
    public var createdAtNanoseconds: Int64?
    /// `cache.lastUsedAt`, nanoseconds since the epoch; nil when absent, 0 or when there is no
    /// `cache.usageCount` (BuildKit's `getLastUsed` reads it only then).
    public var lastUsedAtNanoseconds: Int64?
    /// `cache.usageCount`; 0 when absent.
    public var usageCount: Int
    /// `cache.parent`: the record whose snapshot is below this one's.
    public var parentID: String?
    /// The snapshot key: `cache.snapshot`, or the record's own ID when absent (`getSnapshotID`).
    /// A chain ID (`sha256:…`) for a record of an image's layer: its data is the layer store's.
    public var snapshotKey: String
    /// `snapshot.committed` is not true: the record can still change (a cache mount, a local
    /// source, a `RUN` that was not committed yet).
    public var isMutable: Bool
    /// `cache.equalMutable`: the mutable record holding this immutable record's data.
    public var equalMutableID: String?
    /// `snapshot.size`: bytes BuildKit last measured (the graph driver's diff size); nil when absent
    /// or -1 (unknown, to be measured on the next `docker system df`).
    public var recordedSizeBytes: Int64?
    /// `cache.chainID`: the layer chain ID of a record made from an image's layer.
    public var chainID: String?
    /// `cache.deleted`: a prune marked it and the engine stopped before removing it; the engine
    /// removes it when it next starts (`getRecord`).
    public var isDeleted: Bool

    public init(
        id: String, kind: Kind = .regular, description: String = "", createdAtNanoseconds: Int64? = nil,
        lastUsedAtNanoseconds: Int64? = nil, usageCount: Int = 0, parentID: String? = nil,
        snapshotKey: String? = nil, isMutable: Bool = true, equalMutableID: String? = nil,
        recordedSizeBytes: Int64? = nil, chainID: String? = nil, isDeleted: Bool = false
    ) {
        self.id = id
        self.kind = kind
        self.description = description
        self.createdAtNanoseconds = createdAtNanoseconds
        self.lastUsedAtNanoseconds = lastUsedAtNanoseconds
        self.usageCount = usageCount
        self.parentID = parentID
        self.snapshotKey = snapshotKey ?? id
        self.isMutable = isMutable
        self.equalMutableID = equalMutableID
        self.recordedSizeBytes = recordedSizeBytes
        self.chainID = chainID
        self.isDeleted = isDeleted
    }
}
