/// The shapes of the names Docker writes into its metadata files, checked where a value is read.
///
/// A value read from a data root is only ever joined to a path after it passed one of these: a
/// `cache-id` of `../../etc` must become a `corrupt` warning, never `rm -rf ROOT/overlay2/../../etc`.
/// Each check accepts exactly Docker's own shape (moby `pkg/stringid`, the overlay2 driver's
/// `generateID`), so anything it passes is one path component with no `/`, no `.` or `..`, no NUL.
public enum DockerNames {
    /// 64 lower-case hex digits: overlay2 `cache-id`s, mount IDs, container IDs, digests' hex.
    public static func isHexID(_ name: some Collection<UInt8>) -> Bool {
        name.count == 64 && name.allSatisfy(isLowerHex)
    }

    /// `sha256:` and 64 lower-case hex digits: chain IDs, diff IDs, image IDs.
    public static func isDigest(_ name: some Collection<UInt8>) -> Bool {
        let prefix = Array("sha256:".utf8)
        return name.count == 71 && name.starts(with: prefix) && name.dropFirst(7).allSatisfy(isLowerHex)
    }

    /// An overlay2 layer directory: 64 hex digits, optionally `-init` after them (a container's
    /// init layer), or a BuildKit ID (a build's snapshot, or the layer a build exported from it).
    public static func isOverlayDirectory(_ name: some Collection<UInt8>) -> Bool {
        // BuildKit's snapshots, and the layers a build exported from them, are named by BuildKit.
        if isHexID(name) || BuildKitNames.isRandomID(name) { return true }
        let suffix = Array("-init".utf8)
        return name.count == 69 && name.reversed().starts(with: suffix.reversed()) && isHexID(name.prefix(64))
    }

    /// An `overlay2/l/` link name: 26 upper-case letters and digits (base32 of random bytes).
    public static func isLinkName(_ name: some Collection<UInt8>) -> Bool {
        name.count == 26 && name.allSatisfy { ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// The entries of an overlay2 `lower` file (`l/A:l/B:…`, nearest first, at most 128 of them, as
    /// the driver writes it): the link names, or nil when any entry is not `l/<link name>`.
    public static func lowerLinks(_ contents: some Collection<UInt8>) -> [[UInt8]]? {
        var trimmed = Array(contents)
        while let last = trimmed.last, last == 0x0A || last == 0x20 { trimmed.removeLast() }
        guard !trimmed.isEmpty else { return nil }
        let entries = trimmed.split(separator: 0x3A, omittingEmptySubsequences: false)
        guard entries.count <= maximumLowerDepth else { return nil }
        var links: [[UInt8]] = []
        for entry in entries {
            guard entry.count == 28, entry.starts(with: [0x6C, 0x2F]) else { return nil }
            let link = Array(entry.dropFirst(2))
            guard isLinkName(link) else { return nil }
            links.append(link)
        }
        return links
    }

    /// overlay2's limit on a layer chain (moby `maxDepth`).
    public static let maximumLowerDepth = 128

    /// The target of an `overlay2/l/<link>` symlink, `../<id>/diff`: the directory name when it is
    /// that shape with `<id>` an overlay2 layer directory, else nil.
    public static func linkTarget(_ target: some Collection<UInt8>) -> [UInt8]? {
        let parts = target.split(separator: 0x2F, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].elementsEqual("..".utf8), parts[2].elementsEqual("diff".utf8) else { return nil }
        let directory = Array(parts[1])
        return isOverlayDirectory(directory) ? directory : nil
    }

    /// A name that is safe as one path component whatever its shape: not empty, not `.` or `..`,
    /// no `/` and no NUL. Names listed from a directory always are; this guards values read from
    /// files whose shape Docker does not fix (volume names in a database, say).
    public static func isSinglePathComponent(_ name: some Collection<UInt8>) -> Bool {
        !name.isEmpty && !name.elementsEqual(".".utf8) && !name.elementsEqual("..".utf8)
            && !name.contains(0x2F) && !name.contains(0)
    }

    private static func isLowerHex(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66)
    }
}
