import Dispatch

/// What one image ships but hides, in both size modes.
public struct ImageWaste: Sendable, Equatable, Codable {
    public struct Path: Sendable, Equatable, Codable {
        public var path: [UInt8]
        public var apparentBytes: Int64
        public var allocatedBytes: Int64
        public var hiding: WastedPath.Hiding
        public var addedBy: Int
        public var hiddenBy: Int
    }

    /// Apparent bytes of every non-directory in its layers (a hard-linked inode once per layer):
    /// Docker's image `Size`.
    public var totalApparentBytes: Int64 = 0
    public var wastedApparentBytes: Int64 = 0
    public var wastedAllocatedBytes: Int64 = 0
    /// The biggest hidden files, by apparent bytes, at most ``WastedPath/limit``.
    public var paths: [Path] = []

    /// Visible apparent bytes over all apparent bytes; 1 for an image of no bytes.
    public var efficiency: Double {
        totalApparentBytes > 0 ? Double(totalApparentBytes -| wastedApparentBytes) / Double(totalApparentBytes) : 1
    }

    /// Figures a measurement could have produced, for a cached copy: nothing negative, no more
    /// hidden than shipped (in apparent bytes), at most ``WastedPath/limit`` paths.
    var isPlausible: Bool {
        totalApparentBytes >= 0 && wastedApparentBytes >= 0 && wastedAllocatedBytes >= 0
            && wastedApparentBytes <= totalApparentBytes && paths.count <= WastedPath.limit
            && paths.allSatisfy { $0.apparentBytes >= 0 && $0.allocatedBytes >= 0 && $0.addedBy >= 0 && $0.hiddenBy > $0.addedBy }
    }
}

/// Finds each image's wasted bytes: a second pass over its layers' `diff/` directories, read the
/// way overlayfs merges them. The layers are walked together, one directory at a time: a
/// directory that more than one layer holds is listed in each, its names merged, and for every
/// name the upper-most layer wins; a lower layer's file is hidden when an upper layer holds the
/// same name (written again, a whiteout, a directory) or an upper layer's whiteout, opaque
/// directory or non-directory hides one of its folders. A directory only one layer holds is
/// summed without sorting or merging. Memory is the open directories' listings along one path
/// (and the hard-linked inodes of the image), never the image's whole path set; time is one
/// `fstatat` per entry. Images of the same chain are measured once, chains in parallel.
public struct WasteFinder {
    public var files: DataRootFiles
    /// Chains measured at once; 1 for one after the other.
    public var workerCount: Int
    /// Paths that could not be read, with why.
    public private(set) var problems: [(path: String, errno: Errno)] = []
    /// Chains measured with a path that could not be read: their figures leave it out.
    public private(set) var chainsWithProblems: Set<Chain> = []

    public init(files: DataRootFiles, workerCount: Int = 1) {
        self.files = files
        self.workerCount = max(1, workerCount)
    }

    /// One image's chain to measure: its layers' cache IDs, base first.
    public struct Chain: Hashable, Sendable {
        public var cacheIDs: [String]
    }

    /// The chain of every overlay2 image of `images` whose layers are all known, by image ID.
    public static func chains(images: [StoredImage], layers: [String: StoredLayer]) -> [String: Chain] {
        var result: [String: Chain] = [:]
        for image in images where image.store == .overlay2 {
            let chain = image.chainIDs.compactMap { layers[$0] }
            guard chain.count == image.chainIDs.count, chain.allSatisfy({ $0.store == .overlay2 }) else { continue }
            result[image.id] = Chain(cacheIDs: chain.map(\.cacheID))
        }
        return result
    }

    /// Each of `chains`, `workerCount` at a time.
    public mutating func measure(chains: [Chain]) -> [Chain: ImageWaste] {
        let ordered = chains.sorted { $0.cacheIDs.lexicographicallyPrecedes($1.cacheIDs) }
        let results = ResultSlots(count: ordered.count)
        let files = files
        let workers = min(workerCount, max(ordered.count, 1))
        DispatchQueue.concurrentPerform(iterations: workers) { worker in
            var index = worker
            while index < ordered.count {
                var measurement = ChainMeasurement(files: files, cacheIDs: ordered[index].cacheIDs)
                results.set(index, (measurement.run(), measurement.problems))
                index += workers
            }
        }
        var waste: [Chain: ImageWaste] = [:]
        for (index, chain) in ordered.enumerated() {
            guard let (found, problems) = results.get(index) else { continue }
            waste[chain] = found
            self.problems += problems
            if !problems.isEmpty { chainsWithProblems.insert(chain) }
        }
        return waste
    }

    /// One image: `cacheIDs` base first.
    mutating func measure(cacheIDs: [String]) -> ImageWaste {
        var measurement = ChainMeasurement(files: files, cacheIDs: cacheIDs)
        let waste = measurement.run()
        problems += measurement.problems
        return waste
    }
}

/// The workers' results, one slot each, written under a lock.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [(ImageWaste, [(path: String, errno: Errno)])?]
    private let lock = DispatchSemaphore(value: 1)

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: (ImageWaste, [(path: String, errno: Errno)])) {
        lock.wait()
        slots[index] = value
        lock.signal()
    }

    func get(_ index: Int) -> (ImageWaste, [(path: String, errno: Errno)])? {
        lock.wait()
        defer { lock.signal() }
        return slots[index]
    }
}
