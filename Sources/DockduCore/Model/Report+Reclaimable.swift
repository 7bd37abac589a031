/// Why an item is or is not reclaimable: the rule that decided. The JSON document writes it as
/// each image's, container's, volume's and orphan's `reclaimReason`.
public enum ReclaimReason: String, Sendable, Codable, Equatable, CaseIterable {
    /// An image with no tag or digest and no container created from it (`docker image prune`).
    case dangling
    /// A tagged image no container was created from (`docker image prune -a`), or a volume no
    /// container mounts (`docker volume prune -a`).
    case unused
    /// A container that is exited, created (never started) or dead (`docker container prune`).
    case stopped
    /// An orphan: nothing under the root owns it, and no Docker command frees it.
    case unowned
    /// Something needs it: a container was created from the image or mounts the volume, or the
    /// container is running, paused or restarting.
    case inUse
    /// A container whose `config.v2.json` could not be read, so its state is unknown.
    case stateUnknown
    /// `repositories.json` could not be read: whether any image is tagged is unknown.
    case tagsUnknown
    /// Some container's config or mount entry could not be read: whether an image or volume is
    /// used is unknown.
    case containersUnknown
    /// Some layerdb entry could not be read: the orphan may be that layer's.
    case layersUnknown
    /// A build-cache record an image's layers include (BuildKit's `Shared`): `docker builder
    /// prune` keeps it without `--all`.
    case shared
    /// A build-cache record of type `internal` or `frontend`: kept without `--all`.
    case keptType
    /// A build-cache record that would go but for a record above it that stays (BuildKit frees a
    /// parent only once no child holds it).
    case childKept
    /// A build-cache record the prune's filters leave out (`until=`, `type=`).
    case filtered

    /// Whether the rule lets the item go. Every "unknown" reason holds it back.
    public var isReclaimable: Bool {
        switch self {
        case .dangling, .unused, .stopped, .unowned: true
        case .inUse, .stateUnknown, .tagsUnknown, .containersUnknown, .layersUnknown, .shared, .keptType, .childKept, .filtered: false
        }
    }
}

/// One item's verdict: the rule that decided, and the bytes removing it would free by the
/// report's rule (0 when it is not reclaimable).
public struct ReclaimVerdict: Sendable, Equatable {
    public var reason: ReclaimReason
    public var bytes: Int64

    public init(_ reason: ReclaimReason, bytes: Int64) {
        self.reason = reason
        self.bytes = reason.isReclaimable ? bytes : 0
    }

    public var isReclaimable: Bool { reason.isReclaimable }
}

/// How much of each category the usual clean-up commands could free, how many items each
/// category holds, and the verdict on every item. Computed from a ``Report`` by
/// ``Report/reclaimable``, the one place these rules live: the human SUMMARY, the JSON document
/// and the Prometheus metrics all read it.
public struct ReclaimableSpace: Sendable, Equatable {
    /// One category's figures.
    public struct Entry: Sendable, Equatable {
        /// Bytes that removing the reclaimable items would free.
        public var bytes: Int64 = 0
        /// How many items the category holds, or `nil` when the report does not list items for
        /// it (build cache, other).
        public var itemCount: Int?
        /// How many of those items are reclaimable, or `nil` as for ``itemCount`` and when the
        /// metadata that decides it is unknown.
        public var reclaimableItemCount: Int?

        public init(bytes: Int64 = 0, itemCount: Int? = nil, reclaimableItemCount: Int? = nil) {
            self.bytes = bytes
            self.itemCount = itemCount
            self.reclaimableItemCount = reclaimableItemCount
        }
    }

    private var entries: [Category: Entry]
    /// Verdicts in the order of ``Report/images``, ``Report/containers``, ``Report/volumes`` and
    /// ``Report/orphans``. A container's bytes are its ``ContainerUsage/totalBytes``, logs
    /// included: the summary counts them under containers and logs.
    public var images: [ReclaimVerdict] = []
    public var containers: [ReclaimVerdict] = []
    public var volumes: [ReclaimVerdict] = []
    public var orphans: [ReclaimVerdict] = []
    /// In the order of ``Report/buildCache``: what a plain `docker builder prune` frees.
    public var buildCache: [ReclaimVerdict] = []

    public init(_ entries: [Category: Entry] = [:]) {
        self.entries = entries
    }

    public subscript(category: Category) -> Entry {
        get { entries[category] ?? Entry() }
        set { entries[category] = newValue }
    }

    /// Sum of every category's reclaimable bytes.
    public var totalBytes: Int64 {
        Category.allCases.sumOfBytes { self[$0].bytes }
    }
}

extension Report {
    /// Reclaimable bytes per category and a verdict per item, the way an operator reads
    /// `docker system df`:
    ///
    /// - images: ``ImageUsage/uniqueBytes`` of listed images no container was created from
    ///   (`docker image prune -a`). Layers shared only among unused images are not counted, so
    ///   this may understate but never overstates. (`docker system df` instead subtracts the
    ///   unique bytes of used images from the total, which can overstate.)
    /// - containers: ``ContainerUsage/totalBytes`` minus ``ContainerUsage/logBytes`` of
    ///   containers that are not running, paused or restarting (`docker container prune`).
    /// - logs: ``ContainerUsage/logBytes`` of those same stopped containers, which go with them.
    /// - volumes: bytes of volumes no container mounts (`docker volume prune -a`).
    /// - build cache: the records a plain `docker builder prune` frees (not in use, not shared,
    ///   not `internal` or `frontend`, no record above them kept), each directory once; all of it
    ///   in reports that list no records.
    /// - orphans: all of it; no Docker command frees it, but nothing uses it.
    /// - other: nothing; it is Docker's own state.
    ///
    /// Where ``metadataComplete`` says a piece of metadata was unreadable, what depends on it is
    /// unknown, not reclaimable: no image while tags or containers are unknown, no volume while
    /// containers are, no overlay2 directory nothing names while layers are.
    public var reclaimable: ReclaimableSpace {
        let known = metadataComplete ?? MetadataCompleteness()
        var space = ReclaimableSpace()
        space.images = images.map { Self.verdict(on: $0, known: known) }
        space.containers = containers.map(Self.verdict(on:))
        space.volumes = volumes.map { Self.verdict(on: $0, known: known) }
        space.orphans = orphans.map { Self.verdict(on: $0, known: known) }

        let imagesKnown = known.tags && known.containers
        space[.images] = .init(
            bytes: space.images.sumOfBytes(\.bytes), itemCount: images.count,
            reclaimableItemCount: imagesKnown ? space.images.count(where: \.isReclaimable) : nil)

        let stopped = zip(containers, space.containers).filter { $0.1.isReclaimable }.map(\.0)
        space[.containers] = .init(
            bytes: stopped.sumOfBytes { $0.totalBytes -| $0.logBytes },
            itemCount: containers.count, reclaimableItemCount: stopped.count)
        // A log "item" is a container that has logs.
        space[.logs] = .init(
            bytes: stopped.sumOfBytes(\.logBytes),
            itemCount: containers.count(where: { $0.logBytes > 0 }),
            reclaimableItemCount: stopped.count(where: { $0.logBytes > 0 }))

        space[.volumes] = .init(
            bytes: space.volumes.sumOfBytes(\.bytes), itemCount: volumes.count,
            reclaimableItemCount: known.containers ? space.volumes.count(where: \.isReclaimable) : nil)

        if let records = buildCache {
            let reasons = BuildCachePrune().verdicts(records, now: Timestamp.parse(generatedAt) ?? 0)
            space.buildCache = zip(records, reasons).map { ReclaimVerdict($1, bytes: $0.bytes) }
            space[.buildCache] = .init(
                bytes: BuildCachePrune.freedBytes(records, reasons), itemCount: records.count,
                reclaimableItemCount: reasons.count(where: \.isReclaimable))
        } else {
            // A report before dockdu 0.3, or BuildKit's records unknown: the old rule, all of it.
            space[.buildCache] = .init(bytes: categories.buildCache)
        }
        space[.orphans] = .init(
            bytes: known.layers ? categories.orphans : space.orphans.sumOfBytes(\.bytes), itemCount: orphans.count,
            reclaimableItemCount: space.orphans.count(where: \.isReclaimable))
        space[.other] = .init()
        return space
    }

    private static func verdict(on image: ImageUsage, known: MetadataCompleteness) -> ReclaimVerdict {
        let reason: ReclaimReason =
            if !image.containers.isEmpty { .inUse }
            else if !known.tags { .tagsUnknown }
            else if !known.containers { .containersUnknown }
            else if image.dangling { .dangling }
            else { .unused }
        // In the containerd store an image also frees the blobs only it references.
        let uniqueContent = (image.contentBytes ?? 0) -| (image.sharedContentBytes ?? 0)
        return ReclaimVerdict(reason, bytes: image.uniqueBytes +| uniqueContent)
    }

    private static func verdict(on container: ContainerUsage) -> ReclaimVerdict {
        let reason: ReclaimReason =
            if container.state.isStopped { .stopped }
            else if container.state == .unknown { .stateUnknown }
            else { .inUse }
        return ReclaimVerdict(reason, bytes: container.totalBytes)
    }

    private static func verdict(on volume: VolumeUsage, known: MetadataCompleteness) -> ReclaimVerdict {
        let reason: ReclaimReason =
            if !volume.containers.isEmpty { .inUse }
            else if !known.containers { .containersUnknown }
            else { .unused }
        return ReclaimVerdict(reason, bytes: volume.bytes)
    }

    private static func verdict(on orphan: OrphanUsage, known: MetadataCompleteness) -> ReclaimVerdict {
        let reason: ReclaimReason = !known.layers && orphan.kind.dependsOnLayerMetadata ? .layersUnknown : .unowned
        return ReclaimVerdict(reason, bytes: orphan.bytes)
    }
}

extension ContainerState {
    /// Whether `docker container prune` removes a container in this state. Listed positively so
    /// a state the report cannot vouch for (such as an unreadable config) counts as in use. The
    /// plan's rule for stopped containers is this one too.
    public var isStopped: Bool {
        [.exited, .created, .dead].contains(self)
    }
}
