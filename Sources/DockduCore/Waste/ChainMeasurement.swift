/// The layer above that hides a path, and whether it deleted it (or wrote over it).
struct Hider: Equatable {
    var layer: Int
    var deleted: Bool
}

/// One image's layers walked together, directory by directory, as overlayfs merges them
/// (``WasteFinder``). Layers are numbered from 0, the base.
struct ChainMeasurement {
    let files: DataRootFiles
    let cacheIDs: [String]
    /// Entries that could not be read; the walk goes on without them.
    private(set) var problems: [(path: String, errno: Errno)] = []

    private var waste = ImageWaste()
    private var candidates: [ImageWaste.Path] = []
    /// Per layer, the inodes with more than one link: one name is counted, and a hidden one is
    /// wasted only when no name of it in that layer is visible.
    private var counted: [Set<InodeKey>]
    private var visible: [Set<InodeKey>]
    private var hidden: [[InodeKey: ImageWaste.Path]]

    private struct InodeKey: Hashable {
        var device: UInt64
        var inode: UInt64
    }

    /// One layer's copy of a directory: open, and what hides all of it from above (an upper
    /// layer's whiteout, opaque directory or non-directory at it or one of its folders).
    private struct Copy {
        var layer: Int
        var directory: FileDescriptor
        var hider: Hider?
    }

    /// One entry of a directory several layers hold.
    private struct Entry {
        var name: [UInt8]
        /// Index in the directory's copies, top-most first.
        var copy: Int
        var status: FileStatus
    }

    init(files: DataRootFiles, cacheIDs: [String]) {
        self.files = files
        self.cacheIDs = cacheIDs
        counted = Array(repeating: [], count: cacheIDs.count)
        visible = Array(repeating: [], count: cacheIDs.count)
        hidden = Array(repeating: [:], count: cacheIDs.count)
    }

    mutating func run() -> ImageWaste {
        // One layer hides nothing: not walked (its efficiency is 1).
        guard cacheIDs.count > 1 else { return ImageWaste() }
        var roots: [Copy] = []
        for layer in cacheIDs.indices.reversed() {
            do throws(Errno) {
                let directory = try files.withDirectory(["overlay2", cacheIDs[layer], "diff"]) { diff throws(Errno) in
                    try FileDescriptor.openDirectory(Array(".".utf8), relativeTo: diff)
                }
                roots.append(Copy(layer: layer, directory: directory, hider: nil))
            } catch {
                problems.append(("overlay2/\(cacheIDs[layer])/diff", error))
            }
        }
        if !roots.isEmpty { merge(roots, path: []) }
        for root in roots { root.directory.close() }
        // A hard-linked inode with one name still visible in its layer is not wasted.
        for layer in hidden.indices {
            for (inode, path) in hidden[layer] where !visible[layer].contains(inode) { hide(path) }
        }
        waste.paths = Self.biggest(candidates)
        return waste
    }

    /// A directory that `copies` (top-most first, more than one) hold: each listed, names merged.
    private mutating func merge(_ copies: [Copy], path: [UInt8]) {
        guard copies.count > 1 else {
            sum(copies[0], path: path)
            return
        }
        var entries: [Entry] = []
        for (index, copy) in copies.enumerated() {
            do throws(Errno) {
                try copy.directory.forEachDirectoryEntry { name, _ in
                    do throws(Errno) {
                        let status = try Self.status(of: name, in: copy.directory)
                        entries.append(Entry(name: Array(name), copy: index, status: status))
                    } catch {
                        problems.append((describe(copy.layer, path, name: Array(name)), error))
                    }
                }
            } catch {
                problems.append((describe(copy.layer, path), error))
            }
        }
        entries.sort { $0.name != $1.name ? $0.name.lexicographicallyPrecedes($1.name) : $0.copy < $1.copy }
        var start = entries.startIndex
        while start < entries.endIndex {
            var end = start + 1
            while end < entries.endIndex && entries[end].name == entries[start].name { end += 1 }
            let name = entries[start].name
            let childPath = path + [0x2F] + name
            // What the layers above say of this name: the nearest that holds it, and the nearest
            // that hides everything below it.
            var nearest: Hider?
            var subtree: Hider?
            var children: [Copy] = []
            for entry in entries[start..<end] {
                let copy = copies[entry.copy]
                if entry.status.isDirectory {
                    let child: FileDescriptor
                    do throws(Errno) { child = try FileDescriptor.openDirectory(name, relativeTo: copy.directory) } catch {
                        problems.append((describe(copy.layer, childPath), error))
                        continue
                    }
                    let opaque = child.isOpaqueDirectory
                    children.append(Copy(layer: copy.layer, directory: child, hider: copy.hider ?? subtree))
                    nearest = Hider(layer: copy.layer, deleted: opaque)
                    if opaque { subtree = nearest }
                } else if entry.status.isWhiteout {
                    nearest = Hider(layer: copy.layer, deleted: true)
                    subtree = nearest
                } else {
                    count(entry.status, layer: copy.layer, hider: nearest ?? copy.hider, path: childPath)
                    nearest = Hider(layer: copy.layer, deleted: false)
                    subtree = nearest
                }
            }
            if !children.isEmpty {
                merge(children, path: childPath)
                for child in children { child.directory.close() }
            }
            start = end
        }
    }

    /// A directory only one layer holds: nothing in it is hidden but by what hides all of it.
    private mutating func sum(_ copy: Copy, path: [UInt8]) {
        var directories: [[UInt8]] = []
        do throws(Errno) {
            try copy.directory.forEachDirectoryEntry { name, _ in
                do throws(Errno) {
                    let status = try Self.status(of: name, in: copy.directory)
                    if status.isDirectory {
                        directories.append(Array(name))
                    } else if !status.isWhiteout {
                        count(status, layer: copy.layer, hider: copy.hider, path: copy.hider == nil ? [] : path + [0x2F] + name)
                    }
                } catch {
                    problems.append((describe(copy.layer, path, name: Array(name)), error))
                }
            }
        } catch {
            problems.append((describe(copy.layer, path), error))
        }
        for name in directories {
            let childPath = path + [0x2F] + name
            do throws(Errno) {
                let child = try FileDescriptor.openDirectory(name, relativeTo: copy.directory)
                sum(Copy(layer: copy.layer, directory: child, hider: copy.hider), path: childPath)
                child.close()
            } catch {
                problems.append((describe(copy.layer, childPath), error))
            }
        }
    }

    /// A non-directory of `layer`, hidden by `hider` (or visible); `path` is needed only when hidden.
    private mutating func count(_ status: FileStatus, layer: Int, hider: Hider?, path: [UInt8]) {
        let hiddenPath = hider.map { hider in
            ImageWaste.Path(
                path: path, apparentBytes: status.apparentBytes, allocatedBytes: status.allocatedBytes,
                hiding: hider.deleted ? .deleted : .replaced, addedBy: layer, hiddenBy: hider.layer)
        }
        guard status.linkCount > 1 else {
            waste.totalApparentBytes +|= status.apparentBytes
            if let hiddenPath { hide(hiddenPath) }
            return
        }
        let inode = InodeKey(device: status.device, inode: status.inode)
        if counted[layer].insert(inode).inserted { waste.totalApparentBytes +|= status.apparentBytes }
        if let hiddenPath {
            if hidden[layer][inode] == nil { hidden[layer][inode] = hiddenPath }
        } else {
            visible[layer].insert(inode)
        }
    }

    private mutating func hide(_ path: ImageWaste.Path) {
        waste.wastedApparentBytes +|= path.apparentBytes
        waste.wastedAllocatedBytes +|= path.allocatedBytes
        candidates.append(path)
        if candidates.count > 4 * WastedPath.limit { candidates = Self.biggest(candidates) }
    }

    /// `fstatat` of a name `forEachDirectoryEntry` gave, whose bytes `readdir` ends with a NUL.
    private static func status(of name: UnsafeBufferPointer<UInt8>, in directory: FileDescriptor) throws(Errno) -> FileStatus {
        guard let base = name.baseAddress else { throw Errno.invalidArgument }
        return try base.withMemoryRebound(to: CChar.self, capacity: name.count + 1) { cName throws(Errno) in
            try directory.status(ofCString: cName)
        }
    }

    private func describe(_ layer: Int, _ path: [UInt8], name: [UInt8]? = nil) -> String {
        let full = name.map { path + [0x2F] + $0 } ?? path
        return "overlay2/\(cacheIDs[layer])/diff" + String(decoding: full, as: UTF8.self)
    }

    /// Biggest first; equal sizes by path, then the lower layer first, so the list is stable.
    static func biggest(_ paths: [ImageWaste.Path]) -> [ImageWaste.Path] {
        Array(paths.sorted {
            if $0.apparentBytes != $1.apparentBytes { return $0.apparentBytes > $1.apparentBytes }
            if $0.path != $1.path { return $0.path.lexicographicallyPrecedes($1.path) }
            return $0.addedBy < $1.addedBy
        }.prefix(WastedPath.limit))
    }
}
