import Testing

@testable import DockduCore

/// Values of the wrong shape in BuildKit's databases become warnings, never names or paths. The
/// damaged files are the real fixtures with one value overwritten in place by one of equal length
/// (bolt has no checksum over data pages, so the reader sees a well-formed file with a bad value).
@Suite struct BuildCacheValidationTests {
    @Test func aParentLeadingOutOfTheRootIsAWarning() throws {
        let metadata = try patched(
            "metadata_v2.db", #"{"value":"q4q04yu9a6tmxn1rwhf6jkwqa"}"#, #"{"value":"../../../../../etc/passwd"}"#)
        let cache = BuildCache(metadata: try BoltDB(bytes: metadata), snapshots: try BoltDB(bytes: buildKitFixture("snapshots.db")))
        let record = try #require(cache.record("pjodc9k7io2890jw2xgwhaqjq"))
        #expect(record.parentID == nil)
        #expect(cache.warnings.map(\.item) == ["pjodc9k7io2890jw2xgwhaqjq"])
        #expect(cache.warnings.first?.message.contains("cache.parent") == true)
        #expect(cache.warnings.first?.database == "buildkit/metadata_v2.db")
    }

    @Test func numbersOutOfRangeAndValuesOfTheWrongTypeAreWarnings() throws {
        var metadata = try patched(
            "metadata_v2.db", #"{"value":1796281363162503550}"#, #"{"value":-796281363162503550}"#)
        // snapshot.committed of the cache mount's twin: a string where a bool belongs.
        metadata = try patched(
            metadata, #"snapshot.committed{"value":true}snapshot.size{"value":239966}"#,
            #"snapshot.committed{"value":"ye"}snapshot.size{"value":239966}"#)
        let cache = BuildCache(metadata: try BoltDB(bytes: metadata), snapshots: try BoltDB(bytes: buildKitFixture("snapshots.db")))
        #expect(try #require(cache.record("72an8h6uewx30on9nvsuvw3m8")).createdAtNanoseconds == nil)
        #expect(try #require(cache.record("khhxkoy4qt8hv5d8k7shqh6yn")).isMutable)
        #expect(
            cache.warnings.map(\.description).sorted() == [
                "buildkit/metadata_v2.db: 72an8h6uewx30on9nvsuvw3m8: cache.createdAt is -796281363162503550, outside 0...9223372036854775807; the field is ignored",
                "buildkit/metadata_v2.db: khhxkoy4qt8hv5d8k7shqh6yn: snapshot.committed is not a JSON value of the expected type; the field is ignored",
            ])
    }

    @Test func aCommittedDirectoryOfTheWrongShapeIsNoDirectory() throws {
        var snapshots = try patched("snapshots.db", "committedj5gguxbpbp1y627kxp8rdfgxr", "committed../../../../../etc/shadow")
        snapshots = try patched(snapshots, "size169036", "size-69036")
        let cache = BuildCache(metadata: try BoltDB(bytes: buildKitFixture("metadata_v2.db")), snapshots: try BoltDB(bytes: snapshots))
        let record = try #require(cache.record("u7lvcho3fezvyc36dnqxrv6g4"))
        let snapshot = try #require(cache.snapshots["u7lvcho3fezvyc36dnqxrv6g4"])
        #expect(snapshot.committedDirectory == nil && snapshot.committedIsDamaged)
        #expect(cache.overlayDirectory(of: record) == nil, "not the key itself either: the data is somewhere else")
        #expect(cache.snapshots["c6tuaurgt8ds2klnu3kc5lfi2"]?.recordedSizeBytes == nil)
        #expect(
            cache.warnings.map(\.description) == [
                #"buildkit/snapshots.db: c6tuaurgt8ds2klnu3kc5lfi2: size "-69036" is not a byte count; the field is ignored"#,
                #"buildkit/snapshots.db: u7lvcho3fezvyc36dnqxrv6g4: committed "../../../../../etc/shadow" is not a BuildKit ID; the field is ignored"#,
            ])
        // The directory it named is now one no record uses: an orphan BuildKit still records.
        let orphans = cache.orphanDirectories(among: ["j5gguxbpbp1y627kxp8rdfgxr"])
        #expect(orphans.recordedInSnapshots == ["j5gguxbpbp1y627kxp8rdfgxr"])
    }

    @Test func recordsThatTheEngineWouldDropAreNotListed() {
        let parent = "aaaaaaaaaaaaaaaaaaaaaaaaa"
        let records = [
            BuildCacheRecord(id: "bbbbbbbbbbbbbbbbbbbbbbbbb", parentID: parent),
            BuildCacheRecord(id: "ccccccccccccccccccccccccc", parentID: "bbbbbbbbbbbbbbbbbbbbbbbbb"),
            BuildCacheRecord(id: "ddddddddddddddddddddddddd", isDeleted: true),
            BuildCacheRecord(id: "eeeeeeeeeeeeeeeeeeeeeeeee"),
        ]
        let cache = BuildCache(records: records, snapshots: [])
        #expect(cache.listedRecords(imageChainIDs: []).map(\.record.id) == ["eeeeeeeeeeeeeeeeeeeeeeeee"])
        #expect(cache.warnings.map(\.item) == ["bbbbbbbbbbbbbbbbbbbbbbbbb"])
    }

    @Test func names() {
        #expect(BuildKitNames.isRandomID(Array("f5lxx1zz5pnorynqglhzmsp33".utf8)))
        for bad in ["", "f5lxx1zz5pnorynqglhzmsp3", "f5lxx1zz5pnorynqglhzmsp333", "F5lxx1zz5pnorynqglhzmsp33",
                    "f5lxx1zz5pnorynqglhzmsp/.", "../../../../../etc/passwd", "f5lxx1zz5pnorynqglhzmsp3\u{0}"] {
            #expect(!BuildKitNames.isRandomID(Array(bad.utf8)), "\(bad)")
            #expect(!BuildKitNames.isSnapshotKey(Array(bad.utf8)), "\(bad)")
        }
        #expect(BuildKitNames.isSnapshotKey(Array(("sha256:" + String(repeating: "0a", count: 32)).utf8)))
        #expect(!BuildKitNames.isSnapshotKey(Array(("sha256:" + String(repeating: "0A", count: 32)).utf8)))
        #expect(BuildKitNames.quoted([0x61, 0x1B, 0x5C, 0xFF]) == #"a\x1b\x5c\xff"#)
    }

    // MARK: Patching

    private func patched(_ fixture: String, _ old: String, _ new: String) throws -> [UInt8] {
        try patched(buildKitFixture(fixture), old, new)
    }

    /// `bytes` with every occurrence of `old` replaced by `new`, of the same length: bolt writes
    /// pages anew on each change, so old copies of a value linger in free pages.
    private func patched(_ bytes: [UInt8], _ old: String, _ new: String) throws -> [UInt8] {
        let old = Array(old.utf8)
        let new = Array(new.utf8)
        try #require(old.count == new.count)
        let starts = (0...(bytes.count - old.count)).filter { bytes[$0] == old[0] && Array(bytes[$0..<($0 + old.count)]) == old }
        try #require(!starts.isEmpty, "not in the fixture")
        var result = bytes
        for start in starts { result.replaceSubrange(start..<(start + old.count), with: new) }
        return result
    }
}
