/// Go's `encoding/binary` variable-length integers, decoded exactly as `binary.Uvarint` and
/// `binary.Varint` decode them, which is how containerd reads back what it wrote.
///
/// Which one containerd uses where (checked in containerd v1.6.20 and main):
/// - `binary.PutUvarint` / `Uvarint`: a snapshot's `id` in the snapshotter's `metadata.db`
///   (`snapshots/storage/bolt.go`, `encodeID`/`readID`) and the two halves of its `parents` keys;
/// - `binary.PutVarint` / `Varint` (zig-zag signed): every size: a blob's `size`
///   (`metadata/content.go`, `encodeInt`), an image target's `size` (`metadata/images.go`), and a
///   committed snapshot's `size` and `inodes` (`snapshots/storage/bolt.go`, `encodeSize`).
///
/// containerd ignores the byte count Go returns; these decoders are stricter and accept a value
/// only when it is one whole, well-formed varint, since containerd never writes anything else.
public enum GoVarint {
    /// Go's `binary.MaxVarintLen64`.
    public static let maximumLength = 10

    /// `binary.Uvarint`: little-endian groups of 7 bits, high bit set on all bytes but the last.
    /// Nil when the bytes end inside the number, it overflows 64 bits, or bytes follow it.
    public static func unsigned(_ bytes: some Collection<UInt8>) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = 0
        for byte in bytes {
            // Go: the tenth byte may only hold the top bit of the value, and ends the number.
            if index == maximumLength - 1 && byte > 1 { return nil }
            value |= UInt64(byte & 0x7F) << shift
            index += 1
            if byte < 0x80 { return index == bytes.count ? value : nil }
            shift += 7
        }
        return nil
    }

    /// `binary.Varint`: the unsigned form, zig-zag decoded (`x>>1`, inverted when bit 0 is set).
    public static func signed(_ bytes: some Collection<UInt8>) -> Int64? {
        guard let unsigned = unsigned(bytes) else { return nil }
        let magnitude = Int64(bitPattern: unsigned >> 1)
        return unsigned & 1 == 0 ? magnitude : ~magnitude
    }
}
