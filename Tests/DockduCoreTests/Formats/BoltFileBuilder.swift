/// Bolt files written by hand, for the shapes bbolt itself never writes: pages laid out one after
/// another from page 2, with two meta pages in front whose checksum is 0 ("not written"), which
/// bbolt and the reader accept.
enum BoltFileBuilder {
    static let pageSize = 4096

    /// A real page's contents after its header. `flags` 0x01 is a branch, 0x02 a leaf.
    struct Page {
        var flags: UInt16 = 0x02
        var count: Int
        var body: [UInt8]
    }

    /// The file whose root bucket is the first of `pages`; each page runs over as many overflow
    /// pages as it needs.
    static func file(_ pages: [Page]) -> [UInt8] {
        var data: [UInt8] = []
        var id = 2
        for page in pages {
            let bytes = header(id: UInt64(id), flags: page.flags, count: page.count) + page.body
            let overflow = (bytes.count - 1) / pageSize
            var padded = bytes + [UInt8](repeating: 0, count: (overflow + 1) * pageSize - bytes.count)
            for index in 0..<4 { padded[12 + index] = UInt8(truncatingIfNeeded: overflow >> (8 * index)) }
            data += padded
            id += overflow + 1
        }
        return metaPage(0, pageCount: id) + metaPage(1, pageCount: id) + data
    }

    /// A 16-byte page header; inline pages have id 0 and no overflow.
    static func header(id: UInt64, flags: UInt16, count: Int) -> [UInt8] {
        littleEndian(id, 8) + littleEndian(UInt64(flags), 2) + littleEndian(UInt64(count), 2) + littleEndian(0, 4)
    }

    /// A leaf element; `position` counts from the element's own first byte, as in bbolt.
    static func leafElement(isBucket: Bool, position: Int, keySize: Int, valueSize: Int) -> [UInt8] {
        littleEndian(isBucket ? 1 : 0, 4) + littleEndian(UInt64(position), 4) + littleEndian(UInt64(keySize), 4)
            + littleEndian(UInt64(valueSize), 4)
    }

    /// An inline bucket's value: root page 0 and sequence 0, then its leaf page.
    static func inlineBucketValue(count: Int, body: [UInt8]) -> [UInt8] {
        [UInt8](repeating: 0, count: 16) + header(id: 0, flags: 0x02, count: count) + body
    }

    /// A leaf body of two buckets, keys "" and "k", whose elements point at one and the same value:
    /// an inline bucket with `count` entries and page body `body`. The bytes hold each level once,
    /// but a reader that decodes every path decodes the level below twice.
    static func twoBucketsSharingOneValue(innerCount: Int, innerBody: [UInt8]) -> [UInt8] {
        let value = inlineBucketValue(count: innerCount, body: innerBody)
        // Elements at 16 and 32 (after the page header), the key "k" at 48, the shared value at 49.
        return leafElement(isBucket: true, position: 49 - 16, keySize: 0, valueSize: value.count)
            + leafElement(isBucket: true, position: 48 - 32, keySize: 1, valueSize: value.count)
            + [UInt8(ascii: "k")] + value
    }

    /// `levels` levels of ``twoBucketsSharingOneValue(innerCount:innerBody:)``, the innermost an empty
    /// bucket: 65 bytes a level, 2^(levels+1) - 2 entries along all paths.
    static func sharedValueBomb(levels: Int) -> [UInt8] {
        var count = 0
        var body: [UInt8] = []
        for _ in 0..<levels {
            body = twoBucketsSharingOneValue(innerCount: count, innerBody: body)
            count = 2
        }
        return file([Page(count: 2, body: body)])
    }

    /// One leaf page of `keys` plain entries with one-byte keys 1, 2, …, each value running from
    /// just after its key to the end of a `regionBytes`-byte region: together they name about
    /// `keys` × `regionBytes` bytes of values held in `regionBytes` of file.
    static func overlappingValues(keys: Int, regionBytes: Int) -> [UInt8] {
        var elements: [UInt8] = []
        let dataStart = 16 + 16 * keys
        for index in 0..<keys {
            let element = 16 + 16 * index
            elements += leafElement(
                isBucket: false, position: dataStart + index - element, keySize: 1, valueSize: regionBytes - index - 1)
        }
        var region = [UInt8](repeating: 0x61, count: regionBytes)
        for index in 0..<keys { region[index] = UInt8(index + 1) }
        return file([Page(count: keys, body: elements + region)])
    }

    private static func metaPage(_ page: UInt64, pageCount: Int) -> [UInt8] {
        let meta =
            header(id: page, flags: 0x04, count: 0) + littleEndian(0xED0C_DAED, 4) + littleEndian(2, 4)
            + littleEndian(UInt64(pageSize), 4) + littleEndian(0, 4)  // flags
            + littleEndian(2, 8) + littleEndian(0, 8)  // root bucket: page 2, sequence 0
            + littleEndian(.max, 8)  // no freelist
            + littleEndian(UInt64(pageCount), 8) + littleEndian(page, 8)  // txid
            + littleEndian(0, 8)  // checksum: not written
        return meta + [UInt8](repeating: 0, count: pageSize - meta.count)
    }

    private static func littleEndian(_ value: UInt64, _ width: Int) -> [UInt8] {
        (0..<width).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) }
    }
}
