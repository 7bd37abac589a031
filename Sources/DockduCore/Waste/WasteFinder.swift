/// What one image ships but hides, in both size modes.
public struct ImageWaste: Sendable, Equatable {
    public struct Path: Sendable, Equatable {
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
}

/// Finds each image's wasted bytes: a second pass over its layers' `diff/` directories, from the
/// top layer down. A lower layer's file is hidden when an upper layer has the same path (written
/// again, or a whiteout), or has a whiteout, an opaque directory or a non-directory at one of its
/// ancestors. Memory is the set of the image's upper paths, one image at a time; images of the same
/// chain are measured once.
public struct WasteFinder {
    public var files: DataRootFiles
    /// Paths that could not be read, with why.
    public private(set) var problems: [(path: String, errno: Errno)] = []

    public init(files: DataRootFiles) { self.files = files }

    /// Each overlay2 image of `images` whose layers are all known, by image ID.
    public mutating func find(images: [StoredImage], layers: [String: StoredLayer]) -> [String: ImageWaste] {
        var byChain: [[String]: ImageWaste] = [:]
        var result: [String: ImageWaste] = [:]
        for image in images where image.store == .overlay2 {
            let chain = image.chainIDs.compactMap { layers[$0] }
            guard chain.count == image.chainIDs.count, chain.allSatisfy({ $0.store == .overlay2 }) else { continue }
            if let known = byChain[image.chainIDs] {
                result[image.id] = known
                continue
            }
            let waste = measure(cacheIDs: chain.map(\.cacheID))
            byChain[image.chainIDs] = waste
            result[image.id] = waste
        }
        return result
    }

    /// The hider of a path: the nearest upper layer's index, and whether it deleted the path.
    private struct Hider {
        var layer: Int
        var deleted: Bool
    }

    /// What the layers above say of one path: the nearest that holds it, and the nearest that
    /// hides everything below it (a whiteout, an opaque directory, a non-directory).
    private struct Mark {
        var nearest: Hider
        var subtree: Hider?
    }

    /// A path with its hash computed once over its bytes: `[UInt8]`'s own hashing feeds the
    /// hasher a byte at a time, which dominated the pass.
    private struct PathKey: Hashable {
        let bytes: [UInt8]
        let hashValue64: UInt64

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            hashValue64 = hash
        }

        func hash(into hasher: inout Hasher) { hasher.combine(hashValue64) }
        static func == (a: PathKey, b: PathKey) -> Bool { a.hashValue64 == b.hashValue64 && a.bytes == b.bytes }
    }

    private struct InodeKey: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// One image: `cacheIDs` base first.
    mutating func measure(cacheIDs: [String]) -> ImageWaste {
        var waste = ImageWaste()
        // One layer hides nothing: not walked (its efficiency is 1).
        guard cacheIDs.count > 1 else { return waste }
        // Paths in the layers above the one being read.
        var marks: [PathKey: Mark] = [:]
        var candidates: [ImageWaste.Path] = []
        for index in cacheIDs.indices.reversed() {
            var added: [(PathKey, Hider, Bool)] = []
            var visible = Set<InodeKey>()
            var hidden: [InodeKey: ImageWaste.Path] = [:]
            var counted = Set<InodeKey>()
            var unlinked: [ImageWaste.Path] = []
            var walk = LayerPathWalk()
            let hasUpper = index < cacheIDs.count - 1
            // Nothing is below the base layer, so its paths need not be kept.
            let hasLower = index > 0
            // The hider of each open directory's whole subtree, by depth (index 0: the root).
            var hiddenAt: [Hider?] = [nil]
            do throws(Errno) {
                try files.withDirectory(["overlay2", cacheIDs[index], "diff"]) { diff in
                    walk.walk(diff, path: []) { entry in
                        if hiddenAt.count > entry.depth { hiddenAt.removeSubrange(entry.depth...) }
                        let key = PathKey(entry.path)
                        let mark = hasUpper ? marks[key] : nil
                        let inherited = hiddenAt[entry.depth - 1]
                        switch entry.kind {
                        case .directory(let opaque):
                            hiddenAt.append(inherited ?? mark?.subtree)
                            if hasLower { added.append((key, Hider(layer: index, deleted: opaque), opaque)) }
                        case .whiteout:
                            if hasLower { added.append((key, Hider(layer: index, deleted: true), true)) }
                        case .file(let status):
                            if hasLower { added.append((key, Hider(layer: index, deleted: false), true)) }
                            let hider = mark?.nearest ?? inherited
                            let path = hider.map { hider in
                                ImageWaste.Path(
                                    path: entry.path, apparentBytes: status.apparentBytes, allocatedBytes: status.allocatedBytes,
                                    hiding: hider.deleted ? .deleted : .replaced, addedBy: index, hiddenBy: hider.layer)
                            }
                            // Only a hard-linked inode needs remembering: one name is counted.
                            guard status.linkCount > 1 else {
                                waste.totalApparentBytes +|= status.apparentBytes
                                if let path { unlinked.append(path) }
                                return
                            }
                            let inode = InodeKey(device: status.device, inode: status.inode)
                            if counted.insert(inode).inserted { waste.totalApparentBytes +|= status.apparentBytes }
                            if let path {
                                if hidden[inode] == nil { hidden[inode] = path }
                            } else {
                                visible.insert(inode)
                            }
                        }
                    }
                }
            } catch {
                problems.append(("overlay2/\(cacheIDs[index])/diff", error))
            }
            for problem in walk.problems {
                problems.append(("overlay2/\(cacheIDs[index])/diff" + String(decoding: problem.path, as: UTF8.self), problem.errno))
            }
            // A hard-linked inode with one name still visible is not wasted.
            for path in unlinked + hidden.filter({ !visible.contains($0.key) }).map(\.value) {
                waste.wastedApparentBytes +|= path.apparentBytes
                waste.wastedAllocatedBytes +|= path.allocatedBytes
                candidates.append(path)
            }
            if candidates.count > 4 * WastedPath.limit {
                candidates = Self.biggest(candidates)
            }
            marks.reserveCapacity(marks.count + added.count)
            for (key, hider, hidesSubtree) in added {
                // The nearest layer holding a path is the lowest seen so far; a hiding path stays
                // hiding whatever lower layers hold there.
                if var mark = marks[key] {
                    mark.nearest = hider
                    if hidesSubtree { mark.subtree = hider }
                    marks[key] = mark
                } else {
                    marks[key] = Mark(nearest: hider, subtree: hidesSubtree ? hider : nil)
                }
            }
        }
        waste.paths = Self.biggest(candidates)
        return waste
    }

    private static func biggest(_ paths: [ImageWaste.Path]) -> [ImageWaste.Path] {
        Array(paths.sorted {
            $0.apparentBytes != $1.apparentBytes ? $0.apparentBytes > $1.apparentBytes : $0.path.lexicographicallyPrecedes($1.path)
        }.prefix(WastedPath.limit))
    }
}
