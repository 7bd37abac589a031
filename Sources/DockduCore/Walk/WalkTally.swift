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

    public init(slotCount: Int) {
        allocatedBytes = Array(repeating: 0, count: slotCount)
        apparentBytes = Array(repeating: 0, count: slotCount)
    }

    public func bytes(_ slot: Int, mode: SizeMode) -> Int64 {
        mode == .disk ? allocatedBytes[slot] : apparentBytes[slot]
    }

    mutating func add(_ status: FileStatus, to slot: Int) {
        allocatedBytes[slot] &+= status.allocatedBytes
        if !status.isDirectory { apparentBytes[slot] &+= status.apparentBytes }
        inodes += 1
        if status.isDirectory { directories += 1 }
    }

    mutating func merge(_ other: WalkTally) {
        for slot in allocatedBytes.indices {
            allocatedBytes[slot] &+= other.allocatedBytes[slot]
            apparentBytes[slot] &+= other.apparentBytes[slot]
        }
        inodes += other.inodes
        directories += other.directories
        mountPointsSkipped += other.mountPointsSkipped
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
