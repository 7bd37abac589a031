/// What one walk counted, per slot, in both size modes at once.
public struct WalkTally: Sendable, Equatable {
    /// `st_blocks * 512` of every inode, directories included, hard links once.
    public var allocatedBytes: [Int64]
    /// `st_size` of every inode that is not a directory, hard links once.
    public var apparentBytes: [Int64]
    /// Inodes counted (hard links once), and directories among them.
    public var inodes: Int = 0
    public var directories: Int = 0
    /// Entries on another filesystem (mount points inside the tree), not counted or entered.
    public var mountPointsSkipped: Int = 0
    /// What could not be read; the rest of the walk went on.
    public var problems: [WalkProblem] = []
    /// Inodes and directories per slot, hard links once.
    public var inodeCounts: [Int]
    public var directoryCounts: [Int]
    /// Every sighting of an inode with more than one link, sorted by device, inode and slot; the
    /// per-slot figures count each inode once, in the first slot here.
    public var hardLinks: [HardLink] = []
    /// Subtrees taken from a ``WalkCache`` instead of walked.
    public var cachedSubtrees = 0
    /// Times a worker handed half of a long directory's remaining entries to an idle one.
    public var directoriesSplit = 0

    public init(slotCount: Int) {
        allocatedBytes = Array(repeating: 0, count: slotCount)
        apparentBytes = Array(repeating: 0, count: slotCount)
        inodeCounts = Array(repeating: 0, count: slotCount)
        directoryCounts = Array(repeating: 0, count: slotCount)
    }

    public func bytes(_ slot: Int, mode: SizeMode) -> Int64 {
        mode == .disk ? allocatedBytes[slot] : apparentBytes[slot]
    }

    mutating func add(_ status: FileStatus, to slot: Int) {
        allocatedBytes[slot] +|= status.allocatedBytes
        if !status.isDirectory { apparentBytes[slot] +|= status.apparentBytes }
        inodes += 1
        inodeCounts[slot] += 1
        if status.isDirectory {
            directories += 1
            directoryCounts[slot] += 1
        }
    }

    mutating func add(_ subtree: CachedSubtree, to slot: Int) {
        allocatedBytes[slot] +|= subtree.allocatedBytes
        apparentBytes[slot] +|= subtree.apparentBytes
        inodes = inodes.addingSaturated(subtree.inodes)
        inodeCounts[slot] = inodeCounts[slot].addingSaturated(subtree.inodes)
        directories = directories.addingSaturated(subtree.directories)
        directoryCounts[slot] = directoryCounts[slot].addingSaturated(subtree.directories)
        cachedSubtrees += 1
    }

    /// What slot `slot` holds as a subtree to cache: its figures without the hard-linked inodes
    /// credited to it, plus every hard-linked inode it reached.
    public func cachedSubtree(slot: Int) -> CachedSubtree {
        var subtree = CachedSubtree(
            allocatedBytes: allocatedBytes[slot], apparentBytes: apparentBytes[slot], inodes: inodeCounts[slot],
            directories: directoryCounts[slot], hardLinks: [])
        var previous: (UInt64, UInt64)?
        var previousInSlot: (UInt64, UInt64)?
        for link in hardLinks {
            let first = previous.map { $0 != (link.device, link.inode) } ?? true
            previous = (link.device, link.inode)
            guard Int(link.slot) == slot else { continue }
            if first {
                subtree.allocatedBytes = subtree.allocatedBytes -| link.status.allocatedBytes
                subtree.apparentBytes = subtree.apparentBytes -| link.status.apparentBytes
                subtree.inodes -= 1
            }
            // Sorted by inode, then slot: a second link to the same inode in this slot is adjacent.
            if let previousInSlot, previousInSlot == (link.device, link.inode) { continue }
            previousInSlot = (link.device, link.inode)
            subtree.hardLinks.append(CachedHardLink(device: link.device, inode: link.inode, allocatedBytes: link.status.allocatedBytes, apparentBytes: link.status.apparentBytes))
        }
        return subtree
    }

    /// Adds a second walk's figures (a linked folder's), counting an inode with several links
    /// once across both: one this tally already counted is taken out of `other`'s slot first.
    public mutating func absorb(_ other: WalkTally) {
        var counted = Set<DeviceInode>()
        for link in hardLinks { counted.insert(DeviceInode(device: link.device, inode: link.inode)) }
        var extra = other
        var previous: DeviceInode?
        for link in other.hardLinks {
            let key = DeviceInode(device: link.device, inode: link.inode)
            defer { previous = key }
            // `other` counted each inode once, in its first (lowest-slot) sighting.
            guard previous != key, counted.contains(key) else { continue }
            let slot = Int(link.slot)
            extra.allocatedBytes[slot] = extra.allocatedBytes[slot] -| link.status.allocatedBytes
            if !link.status.isDirectory { extra.apparentBytes[slot] = extra.apparentBytes[slot] -| link.status.apparentBytes }
            extra.inodes -= 1
            extra.inodeCounts[slot] -= 1
        }
        merge(extra)
        hardLinks = (hardLinks + other.hardLinks).sorted { ($0.device, $0.inode, $0.slot) < ($1.device, $1.inode, $1.slot) }
        problems.sort { $0.path.lexicographicallyPrecedes($1.path) }
    }

    /// The sum over every slot, in `mode`.
    public func totalBytes(mode: SizeMode) -> Int64 {
        (mode == .disk ? allocatedBytes : apparentBytes).sumOfBytes { $0 }
    }

    mutating func merge(_ other: WalkTally) {
        for slot in allocatedBytes.indices {
            allocatedBytes[slot] +|= other.allocatedBytes[slot]
            apparentBytes[slot] +|= other.apparentBytes[slot]
        }
        for slot in inodeCounts.indices {
            inodeCounts[slot] = inodeCounts[slot].addingSaturated(other.inodeCounts[slot])
            directoryCounts[slot] = directoryCounts[slot].addingSaturated(other.directoryCounts[slot])
        }
        inodes = inodes.addingSaturated(other.inodes)
        directories = directories.addingSaturated(other.directories)
        mountPointsSkipped += other.mountPointsSkipped
        cachedSubtrees += other.cachedSubtrees
        directoriesSplit += other.directoriesSplit
        problems += other.problems
    }
}

/// One thing the walk could not read.
public struct WalkProblem: Sendable, Equatable {
    /// Relative to the walk's root, exact bytes.
    public var path: [UInt8]
    public var error: Errno
    /// The call that failed, as a person would say it (`open directory`, `stat`).
    public var operation: String
}

/// An inode's identity on the machine.
struct DeviceInode: Hashable {
    var device: UInt64
    var inode: UInt64
}
