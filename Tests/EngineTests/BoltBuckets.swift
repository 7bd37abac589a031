import Foundation

/// Lists the top-level bucket names of a BoltDB (bbolt) file, e.g. BuildKit's `snapshots.db`,
/// by reading its pages directly: the newer valid meta page gives the root bucket's page, whose
/// leaf elements flagged as buckets are the top-level buckets.
enum BoltBuckets {
    private static let magic: UInt32 = 0xED0C_DAED
    private static let pageHeaderSize = 16
    private static let branchPageFlag: UInt16 = 0x01
    private static let leafPageFlag: UInt16 = 0x02
    private static let bucketLeafFlag: UInt32 = 0x01

    static func topLevelNames(_ path: String) throws -> [[UInt8]] {
        let bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        func u16(_ offset: Int) throws -> UInt16 { UInt16(try u64(offset, width: 2)) }
        func u32(_ offset: Int) throws -> UInt32 { UInt32(try u64(offset, width: 4)) }
        func u64(_ offset: Int, width: Int = 8) throws -> UInt64 {
            guard offset >= 0, offset + width <= bytes.count else {
                throw EngineTestError("\(path): read past the end at offset \(offset)")
            }
            var value: UInt64 = 0
            for index in (0..<width).reversed() { value = value << 8 | UInt64(bytes[offset + index]) }
            return value
        }

        // Meta pages 0 and 1; the page size is in the first.
        guard try u32(pageHeaderSize) == magic else { throw EngineTestError("\(path) is not a BoltDB file") }
        let pageSize = Int(try u32(pageHeaderSize + 8))
        var best: (txid: UInt64, root: UInt64)?
        for page in 0..<2 {
            let meta = page * pageSize + pageHeaderSize
            guard try u32(meta) == magic else { continue }
            let root = try u64(meta + 16)
            let txid = try u64(meta + 48)
            if best == nil || txid > best?.txid ?? 0 { best = (txid, root) }
        }
        guard let best else { throw EngineTestError("\(path): no valid meta page") }

        var names: [[UInt8]] = []
        var pending = [Int(best.root)]
        var visited = Set<Int>()
        while let page = pending.popLast() {
            guard visited.insert(page).inserted else { continue }
            let base = page * pageSize
            let flags = try u16(base + 8)
            let count = Int(try u16(base + 10))
            for index in 0..<count {
                let element = base + pageHeaderSize + index * 16
                if flags & branchPageFlag != 0 {
                    pending.append(Int(try u64(element + 8)))
                } else if flags & leafPageFlag != 0 {
                    let elementFlags = try u32(element)
                    let position = Int(try u32(element + 4))
                    let keySize = Int(try u32(element + 8))
                    let keyStart = element + position
                    guard keyStart + keySize <= bytes.count else {
                        throw EngineTestError("\(path): key past the end of the file")
                    }
                    if elementFlags & bucketLeafFlag != 0 {
                        names.append(Array(bytes[keyStart..<keyStart + keySize]))
                    }
                } else {
                    throw EngineTestError("\(path): page \(page) is neither a branch nor a leaf")
                }
            }
        }
        return names.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// A BuildKit snapshot directory name: 25 lowercase letters and digits.
    static func isSnapshotName(_ name: [UInt8]) -> Bool {
        name.count == 25
            && name.allSatisfy {
                (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0)
                    || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0)
            }
    }
}
