import Synchronization

/// How far a walk has got, for a progress line: updated by the workers in batches, read by
/// whoever shows it. Never affects the result.
public final class WalkProgress: Sendable {
    private let inodeCount = Atomic<Int>(0)
    private let allocatedByteCount = Atomic<Int64>(0)
    private let currentPath = Mutex<[UInt8]>([])

    public init() {}

    public var inodes: Int { inodeCount.load(ordering: .relaxed) }
    public var allocatedBytes: Int64 { allocatedByteCount.load(ordering: .relaxed) }
    /// The directory a worker most recently started, relative to the root.
    public var path: [UInt8] { currentPath.withLock { $0 } }

    func add(inodes: Int, allocatedBytes: Int64) {
        inodeCount.add(inodes, ordering: .relaxed)
        allocatedByteCount.add(allocatedBytes, ordering: .relaxed)
    }

    func started(_ path: [UInt8]) {
        currentPath.withLock { $0 = path }
    }
}
