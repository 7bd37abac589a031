/// One entry of a layer's `diff/`, as the wasted-bytes pass needs it.
struct LayerEntry {
    enum Kind: Equatable {
        /// A directory; `opaque` when overlayfs hides the lower layers' contents of it.
        case directory(opaque: Bool)
        /// A 0:0 character device: the path is deleted from the layers below.
        case whiteout
        /// Anything else (a regular file, a link, a device, a FIFO): its bytes are the layer's.
        case file(FileStatus)
    }

    /// From the image's root, `/`-separated, starting with `/`.
    var path: [UInt8]
    var kind: Kind
    /// 1 for an entry of the layer's top directory, 2 below one of its folders, and so on.
    var depth: Int
}

/// Walks one layer's `diff/` depth-first through directory descriptors (`openat` with
/// `O_NOFOLLOW`, `fstatat` with `AT_SYMLINK_NOFOLLOW`), so no link is followed and no path length
/// matters. Holds one descriptor per level of depth.
struct LayerPathWalk {
    /// Entries that could not be read; the walk goes on without them.
    private(set) var problems: [(path: [UInt8], errno: Errno)] = []

    mutating func walk(_ directory: FileDescriptor, path: [UInt8], depth: Int = 1, visit: (LayerEntry) -> Void) {
        let names: [[UInt8]]
        do throws(Errno) {
            names = try directory.directoryEntries().sorted { $0.lexicographicallyPrecedes($1) }
        } catch {
            problems.append((path, error))
            return
        }
        for name in names {
            let childPath = path + [0x2F] + name
            let status: FileStatus
            do throws(Errno) { status = try directory.status(of: name) } catch {
                problems.append((childPath, error))
                continue
            }
            if status.isDirectory {
                let child: FileDescriptor
                do throws(Errno) { child = try FileDescriptor.openDirectory(name, relativeTo: directory) } catch {
                    problems.append((childPath, error))
                    continue
                }
                visit(LayerEntry(path: childPath, kind: .directory(opaque: child.isOpaqueDirectory), depth: depth))
                walk(child, path: childPath, depth: depth + 1, visit: visit)
                child.close()
            } else if status.isWhiteout {
                visit(LayerEntry(path: childPath, kind: .whiteout, depth: depth))
            } else {
                visit(LayerEntry(path: childPath, kind: .file(status), depth: depth))
            }
        }
    }
}
