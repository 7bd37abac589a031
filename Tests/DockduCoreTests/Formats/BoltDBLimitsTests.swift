import Foundation
import Glibc
import Testing

@testable import DockduCore

/// Files built to make a reader do far more work than their size: each must be refused quickly,
/// with the error naming the limit, and a sound file must stay within every limit.
@Suite struct BoltDBLimitsTests {
    /// The hand-built shapes are sound bolt files when small: the refusals below are the limits,
    /// not a mistake in the builder.
    @Test func smallSharedValueFileDecodes() throws {
        let db = try BoltDB(bytes: BoltFileBuilder.sharedValueBomb(levels: 4))
        let path: [[UInt8]] = [[], Array("k".utf8), [], Array("k".utf8)]
        #expect(try #require(db.bucket(path)).count == 0)
        #expect(try #require(db.bucket(Array(path.prefix(3)))).count == 2)

        let overlapping = try BoltDB(bytes: BoltFileBuilder.overlappingValues(keys: 3, regionBytes: 10))
        #expect(overlapping.rootBucket.get([2]) == [3] + Array(repeating: 0x61, count: 7))
    }

    /// 60 levels of two buckets sharing one value: 12 KiB that name 2^61 entries. A reader that
    /// decodes every path never returns and takes the host's memory; this one stops at the first
    /// entry a file of this size cannot hold.
    @Test func sharedInlineValuesAreRefusedQuickly() throws {
        let file = BoltFileBuilder.sharedValueBomb(levels: 60)
        #expect(file.count <= 16384)
        let before = (clock: ContinuousClock.now, peakKiB: peakResidentKiB())
        #expect(throws: BoltDB.FormatError.tooManyEntries(limit: file.count / 16)) { try BoltDB(bytes: file) }
        #expect(ContinuousClock.now - before.clock < .milliseconds(500))
        // The peak of the whole test process: other tests' work can only raise it, never hide a bomb.
        #expect(peakResidentKiB() - before.peakKiB < 64 * 1024)
    }

    /// Nesting is checked before the entry count: with a generous count the bomb meets the depth.
    @Test func sharedInlineValuesPastTheNestingLimit() throws {
        let file = BoltFileBuilder.sharedValueBomb(levels: 8)
        #expect(throws: BoltDB.FormatError.nestedTooDeep(limit: 5)) {
            try BoltDB(bytes: file, limits: BoltDB.Limits(maxBucketNesting: 5))
        }
    }

    /// 255 keys whose values overlap in one 1 MiB region: 255 MiB to copy for a caller reading
    /// every value, from a file of 1 MiB.
    @Test func overlappingValuesAreRefused() throws {
        let file = BoltFileBuilder.overlappingValues(keys: 255, regionBytes: 1 << 20)
        #expect(throws: BoltDB.FormatError.tooManyEntryBytes(limit: file.count)) { try BoltDB(bytes: file) }
    }

    /// An inline bucket's elements are measured against its own value, not the page holding it.
    @Test func inlinePageCannotReachPastItsValue() throws {
        // The inline page's one element claims 100 value bytes; its value holds 2.
        let inline = BoltFileBuilder.inlineBucketValue(
            count: 1,
            body: BoltFileBuilder.leafElement(isBucket: false, position: 16, keySize: 1, valueSize: 100) + Array("xyz".utf8))
        let body = BoltFileBuilder.leafElement(isBucket: true, position: 16, keySize: 1, valueSize: inline.count) + [0x62] + inline
        let error = #expect(throws: BoltDB.FormatError.self) {
            try BoltDB(bytes: BoltFileBuilder.file([BoltFileBuilder.Page(count: 1, body: body)]))
        }
        #expect(error == .malformedPage(page: 2, reason: "leaf element 0 runs past the page"))
    }

    /// Each limit is its own error, at its exact boundary, on bbolt's own file.
    @Test func eachLimitOnARealFile() throws {
        let file = try [UInt8](Data(contentsOf: fixtureURL("big.db")))
        // big.db: "nest" → "a" → "b" → "c", four buckets deep; "many" has 3001 keys, 50 KB of blob.
        #expect(throws: Never.self) { try BoltDB(bytes: file, limits: BoltDB.Limits(maxBucketNesting: 4)) }
        #expect(throws: BoltDB.FormatError.nestedTooDeep(limit: 3)) {
            try BoltDB(bytes: file, limits: BoltDB.Limits(maxBucketNesting: 3))
        }
        #expect(throws: BoltDB.FormatError.tooManyEntries(limit: 100)) {
            try BoltDB(bytes: file, limits: BoltDB.Limits(maxEntries: 100))
        }
        #expect(throws: BoltDB.FormatError.tooManyEntryBytes(limit: 1000)) {
            try BoltDB(bytes: file, limits: BoltDB.Limits(maxEntryBytes: 1000))
        }
        let error = BoltDB.FormatError.nestedTooDeep(limit: 64)
        #expect(error.description == "bolt buckets are nested deeper than 64 levels; the file is corrupt or hostile")
    }

    private func fixtureURL(_ name: String) throws -> URL {
        let folder = try #require(Bundle.module.resourceURL)
        return folder.appendingPathComponent("Fixtures").appendingPathComponent("bolt").appendingPathComponent(name)
    }

    private func peakResidentKiB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss
    }
}
