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

    private struct InodeKey: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// One image: `cacheIDs` base first.
    mutating func measure(cacheIDs: [String]) -> ImageWaste {
        var waste = ImageWaste()
        // Paths in the layers above the one being read, and the nearest layer holding each.
        var exact: [[UInt8]: Hider] = [:]
        // Of those, the ones that hide everything below them: whiteouts, opaque directories,
        // non-directories.
        var subtree: [[UInt8]: Hider] = [:]
        var candidates: [ImageWaste.Path] = []
        for index in cacheIDs.indices.reversed() {
            var added: [([UInt8], Hider, Bool)] = []
            var visible = Set<InodeKey>()
            var hidden: [InodeKey: ImageWaste.Path] = [:]
            var counted = Set<InodeKey>()
            var walk = LayerPathWalk()
            let hasUpper = index < cacheIDs.count - 1
            do throws(Errno) {
                try files.withDirectory(["overlay2", cacheIDs[index], "diff"]) { diff in
                    walk.walk(diff, path: []) { entry in
                        let hider = hasUpper ? Self.hider(of: entry.path, exact: exact, subtree: subtree) : nil
                        switch entry.kind {
                        case .directory(let opaque):
                            added.append((entry.path, Hider(layer: index, deleted: opaque), opaque))
                        case .whiteout:
                            added.append((entry.path, Hider(layer: index, deleted: true), true))
                        case .file(let status):
                            added.append((entry.path, Hider(layer: index, deleted: false), true))
                            let key = InodeKey(device: status.device, inode: status.inode)
                            if counted.insert(key).inserted { waste.totalApparentBytes +|= status.apparentBytes }
                            if let hider {
                                if hidden[key] == nil {
                                    hidden[key] = ImageWaste.Path(
                                        path: entry.path, apparentBytes: status.apparentBytes, allocatedBytes: status.allocatedBytes,
                                        hiding: hider.deleted ? .deleted : .replaced, addedBy: index, hiddenBy: hider.layer)
                                }
                            } else {
                                visible.insert(key)
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
            for (key, path) in hidden where !visible.contains(key) {
                waste.wastedApparentBytes +|= path.apparentBytes
                waste.wastedAllocatedBytes +|= path.allocatedBytes
                candidates.append(path)
            }
            if candidates.count > 4 * WastedPath.limit {
                candidates = Self.biggest(candidates)
            }
            for (path, hider, hidesSubtree) in added {
                exact[path] = hider
                // A hiding path stays hiding whatever lower layers hold there.
                if hidesSubtree { subtree[path] = hider }
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

    /// What hides `path` from the layers above: the same path, or an ancestor that hides its
    /// subtree (the nearest such, the deepest ancestor first).
    private static func hider(of path: [UInt8], exact: [[UInt8]: Hider], subtree: [[UInt8]: Hider]) -> Hider? {
        if let same = exact[path] { return same }
        var end = path.count
        while let slash = path[..<end].lastIndex(of: 0x2F), slash > 0 {
            if let ancestor = subtree[Array(path[..<slash])] { return ancestor }
            end = slash
        }
        return nil
    }
}
