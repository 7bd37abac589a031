/// Read-only access to files under a data root, every path resolved component by component from
/// the root's descriptor with `O_NOFOLLOW`, so a symbolic link planted in the tree can never lead a
/// root-run dockdu outside it. Nothing is ever opened for writing.
public struct DataRootFiles: Sendable {
    public let root: FileDescriptor

    public init(root: FileDescriptor) { self.root = root }

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
        for component in components {
            let next = try FileDescriptor.openDirectory(component, relativeTo: current)
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
        for component in path {
            let next: FileDescriptor
            do {
                next = try FileDescriptor.openDirectory(Array(component.utf8), relativeTo: current)
            } catch {
                current.close()
                throw error
            }
            current.close()
            current = next
        }
        return try current.closeAfter(body)
    }

    private func withParent<R>(of path: [String], _ body: (FileDescriptor, [UInt8]) throws(Errno) -> R) throws(Errno) -> R {
        guard let last = path.last else { throw Errno.invalidArgument }
        return try withDirectory(Array(path.dropLast())) { parent throws(Errno) in
            try body(parent, Array(last.utf8))
        }
    }
}
