/// How much of each category the usual clean-up commands could free, and how many items each
/// category holds. Computed from a ``Report``; see ``Report/reclaimable``.
public struct ReclaimableSpace: Sendable, Equatable {
    /// One category's figures.
    public struct Entry: Sendable, Equatable {
        /// Bytes that removing the reclaimable items would free.
        public var bytes: Int64 = 0
        /// How many items the category holds, or `nil` when the report does not list items for
        /// it (build cache, other).
        public var itemCount: Int?
        /// How many of those items are reclaimable, or `nil` as for ``itemCount``.
        public var reclaimableItemCount: Int?

        public init(bytes: Int64 = 0, itemCount: Int? = nil, reclaimableItemCount: Int? = nil) {
            self.bytes = bytes
            self.itemCount = itemCount
            self.reclaimableItemCount = reclaimableItemCount
        }
    }

    private var entries: [Category: Entry]

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
    /// Reclaimable bytes per category, the way an operator reads `docker system df`:
    ///
    /// - images: ``ImageUsage/uniqueBytes`` of listed images no container was created from
    ///   (`docker image prune -a`). Layers shared only among unused images are not counted, so
    ///   this may understate but never overstates. (`docker system df` instead subtracts the
    ///   unique bytes of used images from the total, which can overstate.)
    /// - containers: ``ContainerUsage/totalBytes`` minus ``ContainerUsage/logBytes`` of
    ///   containers that are not running, paused or restarting (`docker container prune`).
    /// - logs: ``ContainerUsage/logBytes`` of those same stopped containers, which go with them.
    /// - volumes: bytes of volumes no container mounts (`docker volume prune -a`).
    /// - build cache: all of it (`docker builder prune -a`).
    /// - orphans: all of it; no Docker command frees it, but nothing uses it.
    /// - other: nothing; it is Docker's own state.
    ///
    /// Where ``metadataComplete`` says a piece of metadata was unreadable, what depends on it is
    /// unknown, not reclaimable: no image while tags or containers are unknown, no volume while
    /// containers are, no overlay2 directory nothing names while layers are.
    public var reclaimable: ReclaimableSpace {
        var space = ReclaimableSpace()
        let known = metadataComplete ?? MetadataCompleteness()

        let unusedImages = known.tags && known.containers ? images.filter { $0.containers.isEmpty } : []
        space[.images] = .init(
            bytes: unusedImages.sumOfBytes(\.uniqueBytes),
            itemCount: images.count, reclaimableItemCount: known.tags && known.containers ? unusedImages.count : nil)

        let stopped = containers.filter { $0.state.isStopped }
        space[.containers] = .init(
            bytes: stopped.sumOfBytes { $0.totalBytes -| $0.logBytes },
            itemCount: containers.count, reclaimableItemCount: stopped.count)

        // A log "item" is a container that has logs.
        space[.logs] = .init(
            bytes: stopped.sumOfBytes(\.logBytes),
            itemCount: containers.count(where: { $0.logBytes > 0 }),
            reclaimableItemCount: stopped.count(where: { $0.logBytes > 0 }))

        let unusedVolumes = known.containers ? volumes.filter { $0.containers.isEmpty } : []
        space[.volumes] = .init(
            bytes: unusedVolumes.sumOfBytes(\.bytes),
            itemCount: volumes.count, reclaimableItemCount: known.containers ? unusedVolumes.count : nil)

        space[.buildCache] = .init(bytes: categories.buildCache)
        let removableOrphans = known.layers ? orphans : orphans.filter { !$0.kind.dependsOnLayerMetadata }
        space[.orphans] = .init(
            bytes: known.layers ? categories.orphans : removableOrphans.sumOfBytes(\.bytes), itemCount: orphans.count,
            reclaimableItemCount: removableOrphans.count)
        space[.other] = .init()
        return space
    }
}

extension ContainerState {
    /// Whether `docker container prune` removes a container in this state. Listed positively so
    /// a state the report cannot vouch for (such as an unreadable config) counts as in use.
    fileprivate var isStopped: Bool {
        [.exited, .created, .dead].contains(self)
    }
}
