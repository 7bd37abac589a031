import Foundation
import Testing

@testable import DockduCore

/// The fixtures were written by the real bbolt library: see `Fixtures/bolt/gen.go`, whose comments
/// list the exact contents asserted here.
@Suite struct BoltDBTests {
    // MARK: volumes.db (Docker's volumes/metadata.db)

    static let anonymousVolume = "3f4e1c2b9a8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f"

    @Test func volumesMetadata() throws {
        let db = try BoltDB(bytes: fixture("volumes.db"))
        #expect(db.pageSize == 4096)
        #expect(db.transactionID == 3)
        #expect(try contents(of: db.rootBucket) == [Item("volumes", nil)])

        let volumes = try #require(db.bucket([bytes("volumes")]))
        #expect(
            try contents(of: volumes) == [
                Item(
                    Self.anonymousVolume,
                    #"{"Name":"\#(Self.anonymousVolume)","Driver":"local","Labels":{"com.docker.volume.anonymous":""},"Options":null}"#
                ),
                Item(
                    "data",
                    #"{"Name":"data","Driver":"local","Labels":{"com.docker.compose.project":"shop","com.docker.compose.volume":"data"},"Options":null}"#
                ),
                Item(
                    "pgdata",
                    #"{"Name":"pgdata","Driver":"local","Labels":null,"Options":{"device":"tmpfs","o":"size=100m","type":"tmpfs"}}"#
                ),
            ])
        #expect(volumes.get(bytes("data")).map(text)?.hasPrefix(#"{"Name":"data""#) == true)
        #expect(volumes.get(bytes("missing")) == nil)
    }

    /// Writers alternate meta pages; when the newer one is damaged, the older transaction is read.
    @Test func damagedNewerMetaFallsBackToTheOlderTransaction() throws {
        var file = try fixture("volumes.db")
        file[metaChecksumOffset(page: 1)] ^= 0xff  // page 1 holds txid 3
        let db = try BoltDB(bytes: file)
        #expect(db.transactionID == 2)
        let volumes = try #require(db.bucket([bytes("volumes")]))
        #expect(try contents(of: volumes).map(\.key) == ["data"])
    }

    // MARK: snapshots.db (Docker's buildkit/snapshots.db)

    @Test func buildKitSnapshots() throws {
        let db = try BoltDB(bytes: fixture("snapshots.db"))
        let chain = "sha256:9f2b4c0e7d1a3f5b8c6e4d2a0b9f7e5c3a1d8b6f4e2c0a9d7b5f3e1c8a6d4b2f"
        #expect(
            try contents(of: db.rootBucket) == [
                Item("a7m2c9t4p0w8e6r1y5u3i7o2q", nil), Item("k3f9x0q2m7c1z8w4v6b5n0p2r", nil),
                Item(chain, nil), Item("ueb0w9ux8rchxbbvjb6lgkq4l", nil),
            ])
        let first = try #require(db.bucket([bytes("k3f9x0q2m7c1z8w4v6b5n0p2r")]))
        #expect(
            try contents(of: first) == [
                Item("committed", "ueb0w9ux8rchxbbvjb6lgkq4l"), Item("parent", ""), Item("size", "5242880"),
            ])
        // An empty value is there, and is not the same as no value.
        #expect(first.get(bytes("parent")) == [])
        #expect(first.get(bytes("chainid")) == nil)

        let second = try #require(db.bucket([bytes("a7m2c9t4p0w8e6r1y5u3i7o2q")]))
        #expect(
            try contents(of: second) == [
                Item("chainid", "sha256:1e5c8a2f6d0b4e9c7a3f1d5b8e2c6a0f4d9b7e3c1a5f8d2b6e0c4a9f7d3b1e5c"),
                Item("parent", chain), Item("size", "0"),
            ])
        #expect(try contents(of: #require(db.bucket([bytes("ueb0w9ux8rchxbbvjb6lgkq4l")]))) == [
            Item("parent", "k3f9x0q2m7c1z8w4v6b5n0p2r")
        ])
        #expect(try #require(db.bucket([bytes(chain)])).count == 0)
    }

    // MARK: big.db (branch pages, overflow pages, nesting, inline buckets, binary keys)

    @Test func theFixtureHasTheStructuresUnderTest() throws {
        let file = try fixture("big.db")
        let pages = livePages(file)
        #expect(pages.contains { $0.flags == 0x01 }, "no branch page")
        #expect(pages.contains { $0.flags == 0x02 && $0.overflow > 0 }, "no overflow page")
        // An inline bucket's value is root page 0 and sequence 0, then its page.
        for name in ["inline", "binary"] {
            #expect(find(bytes(name) + [UInt8](repeating: 0, count: 16), in: file) != nil, "\(name) is not inline")
        }
    }

    @Test func topLevelBuckets() throws {
        let db = try BoltDB(bytes: fixture("big.db"))
        #expect(
            try contents(of: db.rootBucket) == [
                Item("binary", nil), Item("inline", nil), Item("many", nil), Item("nest", nil),
            ])
        #expect(db.rootBucket.get(bytes("many")) == nil, "a bucket has no value")
        #expect(db.bucket([]) != nil)
        #expect(db.bucket([bytes("nope")]) == nil)
    }

    @Test func manyKeysAcrossBranchPages() throws {
        let db = try BoltDB(bytes: fixture("big.db"))
        let many = try #require(db.bucket([bytes("many")]))
        #expect(many.count == 3001)

        var keys: [String] = []
        var blob: [UInt8]?
        try many.forEach { key, value in
            let value = try #require(value)
            if key == bytes("blob") {
                blob = value
            } else {
                keys.append(text(key))
                #expect(value == bytes("v" + key.dropFirst().map { String(UnicodeScalar($0)) }.joined()))
            }
        }
        #expect(keys == (0..<3000).map { "k" + fourDigits($0) })
        #expect(blob == (0..<20000).map { UInt8($0 * 7 % 251) })

        for index in [0, 1, 999, 1500, 2998, 2999] {
            #expect(many.get(bytes("k" + fourDigits(index))) == bytes("v" + fourDigits(index)))
        }
        for absent in ["", "k", "k3000", "k00000", "blob0", "a", "zzzz"] {
            #expect(many.get(bytes(absent)) == nil, "\(absent)")
        }
    }

    @Test func bucketsNestedFourDeep() throws {
        let db = try BoltDB(bytes: fixture("big.db"))
        let nest = try #require(db.bucket([bytes("nest")]))
        #expect(try contents(of: nest) == [Item("a", nil), Item("depth", "1")])
        let a = try #require(nest.bucket(bytes("a")))
        #expect(try contents(of: a) == [Item("b", nil), Item("depth", "2")])
        let b = try #require(db.bucket(["nest", "a", "b"].map(bytes)))
        #expect(try contents(of: b) == [Item("c", nil), Item("depth", "3")])
        let c = try #require(db.bucket(["nest", "a", "b", "c"].map(bytes)))
        let hundredCs = String(repeating: "c", count: 100)
        #expect(
            try contents(of: c)
                == (0..<200).map { Item("c" + fourDigits($0).dropFirst(), hundredCs) } + [Item("depth", "4")])
        #expect(db.bucket(["nest", "a", "depth"].map(bytes)) == nil, "a value is not a bucket")
        #expect(db.bucket(["nest", "b"].map(bytes)) == nil)
    }

    @Test func inlineBucket() throws {
        let db = try BoltDB(bytes: fixture("big.db"))
        let inline = try #require(db.bucket([bytes("inline")]))
        #expect(try contents(of: inline) == [Item("x", "1"), Item("y", "2")])
        #expect(inline.get(bytes("y")) == bytes("2"))
    }

    @Test func binaryKeysInUnsignedOrder() throws {
        let db = try BoltDB(bytes: fixture("big.db"))
        let binary = try #require(db.bucket([bytes("binary")]))
        var pairs: [([UInt8], [UInt8]?)] = []
        binary.forEach { pairs.append(($0, $1)) }
        let keys: [[UInt8]] = [[0x00], [0x00, 0x00], [0x00, 0xff, 0x01], [0x7f], [0xff], [0xff, 0xff], [0xff, 0xff, 0xff]]
        #expect(pairs.map(\.0) == keys)
        let values: [[UInt8]?] = keys.dropLast().map { Array($0.reversed()) } + [[]]
        #expect(pairs.map(\.1) == values)
        #expect(binary.get([0x00, 0xff, 0x01]) == [0x01, 0xff, 0x00])
        #expect(binary.get([0xff, 0xff, 0xff]) == [])
        #expect(binary.get([0x00, 0xff]) == nil)
    }

    @Test func forEachStopsAtTheBodysError() throws {
        struct Stop: Error {}
        let db = try BoltDB(bytes: fixture("big.db"))
        let many = try #require(db.bucket([bytes("many")]))
        var seen = 0
        #expect(throws: Stop.self) {
            try many.forEach { _, _ in
                seen += 1
                if seen == 10 { throw Stop() }
            }
        }
        #expect(seen == 10)
    }

    /// bbolt grows files ahead of use; the pages past the meta's page count are not needed.
    @Test func unusedTailMayBeMissing() throws {
        let file = try fixture("big.db")
        let pageCount = Int(readUInt64(file, 16 + 40))
        let db = try BoltDB(bytes: Array(file[..<(pageCount * 4096)]))
        #expect(db.bucket([bytes("many")])?.count == 3001)
    }

    // MARK: Damaged files throw, never trap or hang

    @Test func emptyAndForeignFiles() throws {
        #expect(throws: BoltDB.FormatError.truncated(fileBytes: 0, neededBytes: 80)) { try BoltDB(bytes: []) }
        let text = [UInt8](String(repeating: "not a database\n", count: 1000).utf8)
        #expect(throws: BoltDB.FormatError.notBolt) { try BoltDB(bytes: text) }
        #expect(throws: BoltDB.FormatError.notBolt) { try BoltDB(bytes: [UInt8](repeating: 0, count: 65536)) }
    }

    @Test func truncatedFiles() throws {
        let file = try fixture("big.db")
        for length in [79, 100, 4096, 2 * 4096, 3 * 4096 + 17, 40 * 4096, 64 * 4096 + 100] {
            #expect(throws: BoltDB.FormatError.self, "length \(length)") { try BoltDB(bytes: Array(file[..<length])) }
        }
        #expect(throws: BoltDB.FormatError.truncated(fileBytes: 40 * 4096, neededBytes: 65 * 4096)) {
            try BoltDB(bytes: Array(file[..<(40 * 4096)]))  // the root is page 64
        }
        // Every cut gives an answer: an error, or (past the live pages) the database.
        for length in stride(from: 0, through: 70 * 4096, by: 997) {
            _ = try? BoltDB(bytes: Array(file[..<min(length, file.count)]))
        }
    }

    @Test func badChecksums() throws {
        var file = try fixture("big.db")
        file[metaChecksumOffset(page: 0)] ^= 0x01
        // Page 0 has the data (txid 2); page 1 still has the empty database bbolt created (txid 1).
        let older = try BoltDB(bytes: file)
        #expect(older.transactionID == 1)
        #expect(older.rootBucket.count == 0)

        file[metaChecksumOffset(page: 1)] ^= 0x01
        #expect(throws: BoltDB.FormatError.badChecksum) { try BoltDB(bytes: file) }

        // A changed field fails the checksum just as a changed checksum does.
        var fieldChanged = try fixture("big.db")
        fieldChanged[16 + 16] ^= 0x01  // meta 0's root page
        fieldChanged[4096 + 16 + 16] ^= 0x01
        #expect(throws: BoltDB.FormatError.badChecksum) { try BoltDB(bytes: fieldChanged) }
    }

    @Test func wrongVersionOrMagic() throws {
        var file = try fixture("volumes.db")
        for page in 0..<2 { file[page * 4096 + 16 + 4] = 3 }
        #expect(throws: BoltDB.FormatError.unsupportedVersion(3)) { try BoltDB(bytes: file) }

        file = try fixture("volumes.db")
        for page in 0..<2 { file[page * 4096 + 16] ^= 0xff }
        #expect(throws: BoltDB.FormatError.notBolt) { try BoltDB(bytes: file) }
    }

    @Test func branchPointingOutOfRange() throws {
        var file = try fixture("big.db")
        let branch = try #require(livePages(file).first { $0.flags == 0x01 })
        writeUInt64(&file, branch.offset + 16 + 8, 0xffff_fff0)  // first element's child
        #expect(throws: BoltDB.FormatError.pageOutOfRange(page: 0xffff_fff0, pageCount: 66)) {
            try BoltDB(bytes: file)
        }
        writeUInt64(&file, branch.offset + 16 + 8, .max)
        #expect(throws: BoltDB.FormatError.pageOutOfRange(page: .max, pageCount: 66)) { try BoltDB(bytes: file) }
    }

    @Test func branchPointingToItself() throws {
        var file = try fixture("big.db")
        let branch = try #require(livePages(file).first { $0.flags == 0x01 })
        writeUInt64(&file, branch.offset + 16 + 16 + 8, UInt64(branch.id))  // second element's child
        #expect(throws: BoltDB.FormatError.cycle(page: UInt64(branch.id))) { try BoltDB(bytes: file) }
    }

    @Test func malformedPages() throws {
        let original = try fixture("big.db")
        let leaf = try #require(livePages(original).first { $0.flags == 0x02 && $0.count > 10 })

        var file = original
        writeUInt32(&file, leaf.offset + 16 + 8, 0xffff_ffff)  // first element's key size
        #expect(throws: BoltDB.FormatError.self) { try BoltDB(bytes: file) }

        file = original
        writeUInt32(&file, leaf.offset + 16 + 16 * 3 + 4, 0x7fff_ffff)  // fourth element's position
        #expect(throws: BoltDB.FormatError.self) { try BoltDB(bytes: file) }

        file = original
        file[leaf.offset + 10] = 0xff  // count: the elements no longer fit
        file[leaf.offset + 11] = 0xff
        #expect(throws: BoltDB.FormatError.self) { try BoltDB(bytes: file) }

        file = original
        writeUInt64(&file, leaf.offset, UInt64(leaf.id + 1))  // header names another page
        #expect(
            throws: BoltDB.FormatError.malformedPage(page: UInt64(leaf.id), reason: "its header names page \(leaf.id + 1)")
        ) { try BoltDB(bytes: file) }

        file = original
        file[leaf.offset + 8] = 0x10  // a freelist page where a leaf should be
        #expect(throws: BoltDB.FormatError.self) { try BoltDB(bytes: file) }
    }

    /// Lookups binary-search, so keys out of order must be refused rather than half found.
    @Test func keysOutOfOrder() throws {
        var file = try fixture("big.db")
        let leaves = Set(livePages(file).filter { $0.flags == 0x02 }.map(\.id))
        var offset = 0
        var patched = false
        while let found = find(bytes("k0500"), in: file, from: offset) {
            if leaves.contains(found / 4096) {
                file[found + 4] = UInt8(ascii: "3")  // k0500 → k0503, after k0501 and k0502
                patched = true
            }
            offset = found + 1
        }
        #expect(patched)
        let error = #expect(throws: BoltDB.FormatError.self) { try BoltDB(bytes: file) }
        guard case .malformedPage(_, let reason) = error else {
            Issue.record("expected malformedPage, got \(String(describing: error))")
            return
        }
        #expect(reason.contains("ascending"))
    }

    /// Bucket values nested past the depth limit are refused, not recursed into until the stack runs out.
    @Test func nestingTooDeep() throws {
        #expect(throws: Never.self) { try BoltDB(bytes: Self.nestedInlineBuckets(depth: 64)) }
        #expect(throws: BoltDB.FormatError.nestedTooDeep(limit: 64)) {
            try BoltDB(bytes: Self.nestedInlineBuckets(depth: 65))
        }
        #expect(throws: BoltDB.FormatError.nestedTooDeep(limit: 64)) {
            try BoltDB(bytes: Self.nestedInlineBuckets(depth: 1000))
        }
    }

    @Test func handBuiltFileWithNestedInlineBuckets() throws {
        let db = try BoltDB(bytes: Self.nestedInlineBuckets(depth: 3))
        let innermost = try #require(db.bucket([bytes("n"), bytes("n"), bytes("n")]))
        #expect(try contents(of: innermost) == [Item("leaf", "value")])
    }

    /// Random damage to the live pages of a real file: every outcome is a database or a FormatError.
    @Test func randomDamageNeverTraps() throws {
        let original = try fixture("big.db")
        let liveBytes = 66 * 4096
        var random = SplitMix64(seed: 0xD0C_CD0)
        var failures = 0
        for _ in 0..<200 {
            var file = Array(original[..<liveBytes])
            for _ in 0..<(1 + Int(random.next() % 6)) {
                let offset = 2 * 4096 + Int(random.next() % UInt64(liveBytes - 2 * 4096))
                file[offset] = UInt8(truncatingIfNeeded: random.next())
            }
            do {
                let db = try BoltDB(bytes: file)
                walk(db.rootBucket, depth: 0)
            } catch {
                failures += 1
            }
        }
        #expect(failures > 0, "damage was never noticed")
    }

    // MARK: Helpers

    struct Item: Equatable, CustomStringConvertible {
        var key: String
        var value: String?
        init(_ key: String, _ value: String?) {
            self.key = key
            self.value = value
        }
        var description: String { "\(key)=\(value ?? "<bucket>")" }
    }

    private func contents(of bucket: BoltDB.Bucket) throws -> [Item] {
        var items: [Item] = []
        bucket.forEach { key, value in items.append(Item(text(key), value.map(text))) }
        return items
    }

    /// Reads every key and value, through every nested bucket.
    private func walk(_ bucket: BoltDB.Bucket, depth: Int) {
        bucket.forEach { key, value in
            if value == nil, let child = bucket.bucket(key) {
                walk(child, depth: depth + 1)
            } else {
                _ = bucket.get(key)
            }
        }
    }

    private func fixture(_ name: String) throws -> [UInt8] {
        let folder = try #require(Bundle.module.resourceURL)
        let url = folder.appendingPathComponent("Fixtures").appendingPathComponent("bolt").appendingPathComponent(name)
        return try [UInt8](Data(contentsOf: url))
    }

    private func bytes(_ string: String) -> [UInt8] { Array(string.utf8) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
    private func fourDigits(_ number: Int) -> String {
        let digits = String(number)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    private func metaChecksumOffset(page: Int) -> Int { page * 4096 + 16 + 56 }

    struct PageHeader {
        var id: Int
        var offset: Int
        var flags: UInt16
        var count: Int
        var overflow: Int
    }

    /// Pages whose header names their own number, below the meta's page count, as bbolt laid them out.
    private func livePages(_ file: [UInt8]) -> [PageHeader] {
        let pageCount = Int(readUInt64(file, 16 + 40))
        return (2..<pageCount).compactMap { id in
            let offset = id * 4096
            guard readUInt64(file, offset) == UInt64(id) else { return nil }
            return PageHeader(
                id: id, offset: offset, flags: UInt16(file[offset + 8]) | UInt16(file[offset + 9]) << 8,
                count: Int(file[offset + 10]) | Int(file[offset + 11]) << 8, overflow: Int(readUInt32(file, offset + 12)))
        }
    }

    private func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int = 0) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    /// A bolt file built by hand: the root bucket holds "n", an inline bucket holding "n", …,
    /// `depth` levels down, and the innermost holds "leaf" → "value". Meta checksums are left 0,
    /// which bbolt (and the reader) accept as "not written".
    static func nestedInlineBuckets(depth: Int) -> [UInt8] {
        // A leaf page holding one element.
        func leafPage(id: UInt64, key: [UInt8], value: [UInt8], isBucket: Bool) -> [UInt8] {
            var page: [UInt8] = []
            appendUInt64(&page, id)
            appendUInt16(&page, 0x02)
            appendUInt16(&page, 1)
            appendUInt32(&page, 0)
            appendUInt32(&page, isBucket ? 1 : 0)
            appendUInt32(&page, 16)  // key right after this 16-byte element
            appendUInt32(&page, UInt32(key.count))
            appendUInt32(&page, UInt32(value.count))
            return page + key + value
        }
        var inner = leafPage(id: 0, key: Array("leaf".utf8), value: Array("value".utf8), isBucket: false)
        for _ in 0..<depth {
            inner = leafPage(id: 0, key: [UInt8(ascii: "n")], value: [UInt8](repeating: 0, count: 16) + inner, isBucket: true)
        }
        // The root bucket's page is page 2; it may need overflow pages.
        var root = inner
        let pageSize = 4096
        let overflow = (root.count - 1) / pageSize
        root.replaceSubrange(0..<8, with: [2, 0, 0, 0, 0, 0, 0, 0])
        root.replaceSubrange(12..<16, with: [UInt8(overflow & 0xff), UInt8(overflow >> 8 & 0xff), 0, 0])
        root += [UInt8](repeating: 0, count: (overflow + 1) * pageSize - root.count)

        var file: [UInt8] = []
        for metaPage in 0..<2 {
            var page: [UInt8] = []
            appendUInt64(&page, UInt64(metaPage))
            appendUInt16(&page, 0x04)
            appendUInt16(&page, 0)
            appendUInt32(&page, 0)
            appendUInt32(&page, 0xED0C_DAED)
            appendUInt32(&page, 2)
            appendUInt32(&page, UInt32(pageSize))
            appendUInt32(&page, 0)  // flags
            appendUInt64(&page, 2)  // root bucket's page
            appendUInt64(&page, 0)  // its sequence
            appendUInt64(&page, UInt64.max)  // no freelist
            appendUInt64(&page, UInt64(3 + overflow))  // page count
            appendUInt64(&page, UInt64(metaPage))  // txid
            appendUInt64(&page, 0)  // checksum: not written
            file += page + [UInt8](repeating: 0, count: pageSize - page.count)
        }
        return file + root
    }
}

/// A small deterministic generator (Vigna's SplitMix64), so failures reproduce.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

private func readUInt32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
    (0..<4).reversed().reduce(0) { $0 << 8 | UInt32(bytes[offset + $1]) }
}

private func readUInt64(_ bytes: [UInt8], _ offset: Int) -> UInt64 {
    (0..<8).reversed().reduce(0) { $0 << 8 | UInt64(bytes[offset + $1]) }
}

private func writeUInt32(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt32) {
    for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

private func writeUInt64(_ bytes: inout [UInt8], _ offset: Int, _ value: UInt64) {
    for index in 0..<8 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
}

private func appendUInt16(_ bytes: inout [UInt8], _ value: UInt16) {
    for index in 0..<2 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
}

private func appendUInt32(_ bytes: inout [UInt8], _ value: UInt32) {
    for index in 0..<4 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
}

private func appendUInt64(_ bytes: inout [UInt8], _ value: UInt64) {
    for index in 0..<8 { bytes.append(UInt8(truncatingIfNeeded: value >> (8 * index))) }
}
