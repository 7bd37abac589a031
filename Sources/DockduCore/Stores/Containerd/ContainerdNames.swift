/// The shapes of the values containerd writes into its bolt files, checked where they are
/// decoded: a value that fails becomes a `corrupt` warning, never a path or a key of the model.
public enum ContainerdNames {
    /// `sha256:` and 64 lower-case hex digits, the only digests dockdu accepts. containerd's
    /// local content store files a blob as `blobs/<algorithm>/<hex>` (`plugins/content/local`,
    /// `blobPath`), so a digest that passes is two safe path components.
    public static func isDigest(_ value: some Collection<UInt8>) -> Bool {
        DockerNames.isDigest(value)
    }

    /// containerd's identifiers (`pkg/identifiers/validate.go`): namespaces, container IDs and
    /// lease IDs are at most 76 characters of `[A-Za-z0-9]+` groups joined by one of `._-`.
    public static func isIdentifier(_ value: some Collection<UInt8>) -> Bool {
        guard !value.isEmpty, value.count <= 76 else { return false }
        var previousWasSeparator = true  // no separator first
        for byte in value {
            let isAlphanumeric =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            if isAlphanumeric {
                previousWasSeparator = false
            } else if byte == 0x2E || byte == 0x5F || byte == 0x2D {
                if previousWasSeparator { return false }
                previousWasSeparator = true
            } else {
                return false
            }
        }
        return !previousWasSeparator
    }

    /// Bytes as a Swift string when they are valid UTF-8 (containerd's keys are Go strings, which
    /// its API passes as protobuf strings: UTF-8 by contract).
    public static func text(_ bytes: [UInt8]) -> String? {
        String(validating: bytes, as: UTF8.self)
    }
}

/// The name under which containerd's metadata layer files a snapshot in the snapshotter:
/// `<namespace>/<sequence>/<key>` (`metadata/snapshot.go`, `createKey`: `"%s/%d/%s"`), where the
/// sequence is the snapshotter bucket's `NextSequence()` and the key the client's, which may
/// itself hold slashes. Namespaces cannot (they are identifiers), so the first two slashes split it.
public struct BackendSnapshotName: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var namespace: String
    public var sequence: UInt64
    public var key: String

    public init(namespace: String, sequence: UInt64, key: String) {
        self.namespace = namespace
        self.sequence = sequence
        self.key = key
    }

    /// Parses a name; nil unless it has containerd's shape.
    public init?(_ name: String) {
        let bytes = Array(name.utf8)
        guard let first = bytes.firstIndex(of: 0x2F),
            let second = bytes[(first + 1)...].firstIndex(of: 0x2F)
        else { return nil }
        let namespace = bytes[..<first]
        let digits = bytes[(first + 1)..<second]
        guard ContainerdNames.isIdentifier(namespace), !digits.isEmpty, digits.count <= 20,
            digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), digits.first != 0x30,
            let sequence = UInt64(String(decoding: digits, as: UTF8.self)), second + 1 < bytes.count
        else { return nil }
        self.namespace = String(decoding: namespace, as: UTF8.self)
        self.sequence = sequence
        self.key = String(decoding: bytes[(second + 1)...], as: UTF8.self)
    }

    public var description: String { "\(namespace)/\(sequence)/\(key)" }
}
