/// One of Docker's top-level folders (`volumes/`, `overlay2/`, …) that is a symbolic link to a
/// directory elsewhere: the common way to move it to a bigger disk. dockdu follows such a link,
/// only for these names, only at the top, and walks the target as part of its category.
/// `du -sx ROOT` does not follow it, so these bytes are what `du` does not see.
public struct LinkedFolder: Sendable, Codable, Equatable {
    /// The folder's name under the data root.
    public var name: String
    /// Where the link leads, every link resolved.
    public var target: String
    /// The target is on another filesystem than the data root.
    public var otherFilesystem: Bool
    /// Bytes under the target, the target directory included (in the report's size mode).
    public var bytes: Int64

    public init(name: String, target: String, otherFilesystem: Bool, bytes: Int64 = 0) {
        self.name = name
        self.target = target
        self.otherFilesystem = otherFilesystem
        self.bytes = bytes
    }

    /// The folders whose link dockdu follows. `image/` holds layerdb and imagedb; `buildkit/` the
    /// build cache databases.
    public static let followableNames = ["buildkit", "containers", "image", "overlay2", "volumes"]

    /// The linked top folders of the data root open at `root` (whose canonical path is
    /// `canonicalRoot`), each opened; a link that leads back into the root, into another linked
    /// folder, or nowhere is not followed, with a warning.
    static func find(root: FileDescriptor, canonicalRoot: String, warn: (WarningCode, String, String) -> Void) -> [(folder: LinkedFolder, descriptor: FileDescriptor)] {
        guard let rootStatus = try? root.status() else { return [] }
        var found: [(folder: LinkedFolder, descriptor: FileDescriptor)] = []
        for name in followableNames {
            guard let status = try? root.status(of: Array(name.utf8)), status.isSymbolicLink else { continue }
            guard let target = PathFunctions.canonical(canonicalRoot + "/" + name) else {
                warn(.brokenLink, name, "a symbolic link that leads nowhere; its \(name) are not counted")
                continue
            }
            let overlapping = PathFunctions.isWithin(target, directory: canonicalRoot) || PathFunctions.isWithin(canonicalRoot, directory: target)
                || found.contains { PathFunctions.isWithin(target, directory: $0.folder.target) || PathFunctions.isWithin($0.folder.target, directory: target) }
            if overlapping {
                warn(.brokenLink, name, "a symbolic link to \(target), which is inside the data root or another linked folder; not followed, so nothing is counted twice")
                continue
            }
            let descriptor: FileDescriptor
            let targetStatus: FileStatus
            do {
                descriptor = try FileDescriptor.openDirectoryFollowingLink(Array(name.utf8), relativeTo: root)
                targetStatus = try descriptor.status()
            } catch {
                warn(.unreadable, name, "cannot open the directory its link leads to, \(target): \(error)")
                continue
            }
            // The link must still lead where it was resolved to: checked by device and inode.
            guard let resolved = try? FileDescriptor.openDirectory(atPath: target).closeAfter({ file throws(Errno) in try file.status() }),
                  resolved.device == targetStatus.device, resolved.inode == targetStatus.inode
            else {
                descriptor.close()
                warn(.vanished, name, "its link changed while it was being opened; not followed")
                continue
            }
            found.append((LinkedFolder(name: name, target: target, otherFilesystem: targetStatus.device != rootStatus.device), descriptor))
        }
        return found
    }
}
