/// Totals of a subtree counted in an earlier walk, which the walk may use instead of walking it
/// again: for image layers, which never change once committed.
public struct CachedSubtree: Sendable, Codable, Equatable {
    public var allocatedBytes: Int64
    public var apparentBytes: Int64
    public var inodes: Int
    public var directories: Int
    /// Its inodes with more than one link, so they are still counted once across the whole walk.
    public var hardLinks: [CachedHardLink]

    /// Figures a walk could have produced: nothing negative, the directory itself counted, no
    /// more directories than inodes, and no more than a file system can hold (2^48 inodes).
    public var isPlausible: Bool {
        allocatedBytes >= 0 && apparentBytes >= 0 && directories >= 1 && inodes >= directories && inodes < 1 << 48
            && hardLinks.allSatisfy { $0.allocatedBytes >= 0 && $0.apparentBytes >= 0 }
    }

    public init(allocatedBytes: Int64, apparentBytes: Int64, inodes: Int, directories: Int, hardLinks: [CachedHardLink]) {
        self.allocatedBytes = allocatedBytes
        self.apparentBytes = apparentBytes
        self.inodes = inodes
        self.directories = directories
        self.hardLinks = hardLinks
    }
}

/// An inode with more than one link that a cached subtree reached, once however many of its
/// links the subtree holds.
public struct CachedHardLink: Sendable, Equatable {
    public var device: UInt64
    public var inode: UInt64
    public var allocatedBytes: Int64
    public var apparentBytes: Int64
}

/// Written as four numbers, `[device, inode, allocatedBytes, apparentBytes]`: a layer can hold
/// thousands of hard links, and an object with four keys each made the cache slower to read
/// than the directories it spares the walk.
extension CachedHardLink: Codable {
    public init(from decoder: any Decoder) throws {
        var fields = try decoder.unkeyedContainer()
        device = try fields.decode(UInt64.self)
        inode = try fields.decode(UInt64.self)
        allocatedBytes = try fields.decode(Int64.self)
        apparentBytes = try fields.decode(Int64.self)
        guard fields.isAtEnd else {
            throw DecodingError.dataCorruptedError(in: fields, debugDescription: "a hard link is four numbers")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var fields = encoder.unkeyedContainer()
        try fields.encode(device)
        try fields.encode(inode)
        try fields.encode(allocatedBytes)
        try fields.encode(apparentBytes)
    }
}

/// Supplies cached subtrees to a walk. Asked with the subtree's key (from
/// ``WalkNode/cacheable(slot:key:)``) and the directory's fresh status; answers nil unless the
/// cached entry is for exactly that directory, unchanged.
public protocol WalkCache: Sendable {
    func subtree(forKey key: Int32, directory: FileStatus) -> CachedSubtree?
}
