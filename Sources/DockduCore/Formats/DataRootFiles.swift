/// Read-only access to files under a data root, every path resolved component by component from
/// the root's descriptor with `O_NOFOLLOW`, so a symbolic link planted in the tree can never lead a
/// root-run dockdu outside it. Nothing is ever opened for writing. The one exception is a top
/// folder in ``followedTopFolders``: one of Docker's own that an operator moved to another disk
/// and replaced with a link, checked and listed before the scan (``LinkedFolder``).
public struct DataRootFiles: Sendable {
    public let root: FileDescriptor
    /// Top-level folder names whose link is followed, once, as the first component of a path.
    public let followedTopFolders: Set<[UInt8]>

    public init(root: FileDescriptor, followedTopFolders: Set<[UInt8]> = []) {
        self.root = root
        self.followedTopFolders = followedTopFolders
    }

    /// The contents of the file at `path` (components relative to the root).
    public func read(_ path: [String], limit: Int = 64 << 20) throws(Errno) -> [UInt8] {
        try withParent(of: path) { parent, name throws(Errno) in
            try FileDescriptor.openForReading(name, relativeTo: parent).closeAfter { file throws(Errno) in
                try file.readAll(limit: limit)
            }
        }
    }

    /// The names in the directory at `path`, sorted bytewise so that reports are stable.
    public func list(_ path: [String]) throws(Errno) -> [[UInt8]] {
        try withDirectory(path) { directory throws(Errno) in
            try directory.directoryEntries().sorted { $0.lexicographicallyPrecedes($1) }
        }
    }

    /// `fstatat(AT_SYMLINK_NOFOLLOW)` of the entry at `path`.
    public func status(_ path: [String]) throws(Errno) -> FileStatus {
        if path.isEmpty { return try root.status() }
        return try withParent(of: path) { parent, name throws(Errno) in try parent.status(of: name) }
    }

    /// `fstatat(AT_SYMLINK_NOFOLLOW)` of the entry at `path`, a `/`-separated byte path relative
    /// to the root (names need not be UTF-8).
    public func status(bytePath path: [UInt8]) throws(Errno) -> FileStatus {
        var components = path.split(separator: 0x2F).map(Array.init)
        guard let last = components.popLast() else { return try root.status() }
        var current = try FileDescriptor.openDirectory(Array(".".utf8), relativeTo: root)
        defer { current.close() }
        for (index, component) in components.enumerated() {
            let next = try openComponent(component, at: index, in: current)
            current.close()
            current = next
        }
        return try current.status(of: last)
    }

    /// The target of the symbolic link at `path`.
    public func readLink(_ path: [String]) throws(Errno) -> [UInt8] {
        try withParent(of: path) { parent, name throws(Errno) in try parent.readLink(name) }
    }

    /// Whether something exists at `path` (not following a final link).
    public func exists(_ path: [String]) -> Bool {
        (try? status(path)) != nil
    }

    /// Runs `body` with the directory at `path` open.
    public func withDirectory<R>(_ path: [String], _ body: (FileDescriptor) throws(Errno) -> R) throws(Errno) -> R {
        var current = try FileDescriptor.openDirectory(Array(".".utf8), relativeTo: root)
        for (index, component) in path.enumerated() {
            let next: FileDescriptor
            do {
                next = try openComponent(Array(component.utf8), at: index, in: current)
            } catch {
                current.close()
                throw error
            }
            current.close()
            current = next
        }
        return try current.closeAfter(body)
    }

    /// Runs `body` with the directory at `components` (exact bytes, relative to the root) open.
    public func withDirectory<R>(components: [[UInt8]], _ body: (FileDescriptor) throws(Errno) -> R) throws(Errno) -> R {
        var current = try FileDescriptor.openDirectory(Array(".".utf8), relativeTo: root)
        for (index, component) in components.enumerated() {
            let next: FileDescriptor
            do {
                next = try openComponent(component, at: index, in: current)
            } catch {
                current.close()
                throw error
            }
            current.close()
            current = next
        }
        return try current.closeAfter(body)
    }

    /// Opens one component of a path: never following a link, but for a followed top folder.
    private func openComponent(_ name: [UInt8], at index: Int, in directory: FileDescriptor) throws(Errno) -> FileDescriptor {
        if index == 0 && followedTopFolders.contains(name) {
            return try FileDescriptor.openDirectoryFollowingLink(name, relativeTo: directory)
        }
        return try FileDescriptor.openDirectory(name, relativeTo: directory)
    }

    private func withParent<R>(of path: [String], _ body: (FileDescriptor, [UInt8]) throws(Errno) -> R) throws(Errno) -> R {
        guard let last = path.last else { throw Errno.invalidArgument }
        return try withDirectory(Array(path.dropLast())) { parent throws(Errno) in
            try body(parent, Array(last.utf8))
        }
    }
}
