/// Totals of a subtree counted in an earlier walk, which the walk may use instead of walking it
/// again: for image layers, which never change once committed.
public struct CachedSubtree: Sendable, Codable, Equatable {
    public var allocatedBytes: Int64
    public var apparentBytes: Int64
    public var inodes: Int
    public var directories: Int
    /// Its inodes with more than one link, so they are still counted once across the whole walk.
    public var hardLinks: [CachedHardLink]

    public init(allocatedBytes: Int64, apparentBytes: Int64, inodes: Int, directories: Int, hardLinks: [CachedHardLink]) {
        self.allocatedBytes = allocatedBytes
        self.apparentBytes = apparentBytes
        self.inodes = inodes
        self.directories = directories
        self.hardLinks = hardLinks
    }
}

public struct CachedHardLink: Sendable, Codable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var allocatedBytes: Int64
    public var apparentBytes: Int64
}

/// Supplies cached subtrees to a walk. Asked with the subtree's key (from
/// ``WalkNode/cacheable(slot:key:)``) and the directory's fresh status; answers nil unless the
/// cached entry is for exactly that directory, unchanged.
public protocol WalkCache: Sendable {
    func subtree(forKey key: Int32, directory: FileStatus) -> CachedSubtree?
}
