/// Byte-level reading shared by the bolt reader's parts: little-endian integers, bbolt's key
/// order and the meta checksum. Callers check that the bytes read lie inside the file.
enum BoltBytes {
    enum Order { case less, equal, greater }

    /// Unsigned lexicographic order, bbolt's `bytes.Compare`.
    static func compare(_ left: ArraySlice<UInt8>, _ right: ArraySlice<UInt8>) -> Order {
        var leftIndex = left.startIndex
        var rightIndex = right.startIndex
        while leftIndex < left.endIndex && rightIndex < right.endIndex {
            if left[leftIndex] != right[rightIndex] { return left[leftIndex] < right[rightIndex] ? .less : .greater }
            leftIndex += 1
            rightIndex += 1
        }
        if left.count == right.count { return .equal }
        return left.count < right.count ? .less : .greater
    }

    static func uint16(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    static func uint32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in (0..<4).reversed() { value = value << 8 | UInt32(bytes[offset + index]) }
        return value
    }

    static func uint64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
        var value: UInt64 = 0
        for index in (0..<8).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
        return value
    }

    /// FNV-1a, 64 bits: the checksum of bbolt's meta page (Go's `hash/fnv.New64a`).
    static func fnv1a64(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return hash
    }
}
