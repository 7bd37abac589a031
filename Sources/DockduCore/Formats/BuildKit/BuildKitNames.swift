/// The shapes of the names BuildKit writes into `buildkit/metadata_v2.db` and
/// `buildkit/snapshots.db`, checked where a value is decoded: past these checks a name is one path
/// component of BuildKit's own shape, never `..`, a `/` or a NUL.
///
/// Verified in moby/buildkit `identity/randomid.go` (at the commit Docker 20.10.24 vendors,
/// eeb7b65): `NewID` is 17 random bytes with the top bit set, printed in base 36 (`0-9a-z`) and
/// cut to 25 characters. Record IDs, mutable snapshot keys and so the graph-driver IDs that name
/// `overlay2/` directories are all such IDs (`cache/manager.go` `New`: `Snapshotter.Prepare(ctx,
/// id, …)`; moby `builder/builder-next/adapters/snapshot/snapshot.go` `Prepare`:
/// `GraphDriver.Create(key, …)`).
public enum BuildKitNames {
    /// A BuildKit random ID: 25 characters of `0-9a-z`. Cache record IDs, snapshot keys and the
    /// `overlay2/` directories BuildKit creates.
    public static func isRandomID(_ name: some Collection<UInt8>) -> Bool {
        name.count == 25 && name.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x7A) }
    }

    /// A snapshot key: a random ID, or an image layer's chain ID (`sha256:` and 64 hex digits),
    /// which moby's snapshotter resolves through the layer store rather than `snapshots.db`.
    public static func isSnapshotKey(_ name: some Collection<UInt8>) -> Bool {
        isRandomID(name) || DockerNames.isDigest(name)
    }

    /// `bytes` for a message: printable ASCII as is, anything else as `\xNN`, at most 100 bytes,
    /// so a damaged key can be named in a warning without writing its bytes to a terminal.
    static func quoted(_ bytes: some Collection<UInt8>) -> String {
        var text = ""
        for byte in bytes.prefix(100) {
            if byte >= 0x20 && byte < 0x7F && byte != 0x5C {
                text.unicodeScalars.append(UnicodeScalar(byte))
            } else {
                let hex = Array("0123456789abcdef")
                text += "\\x" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
            }
        }
        return bytes.count > 100 ? text + "…" : text
    }
}
