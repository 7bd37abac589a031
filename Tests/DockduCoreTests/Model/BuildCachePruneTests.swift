import Testing
@testable import DockduCore

/// `docker builder prune` as BuildKit decides it (`cache/manager.go` `prune`), on records shaped
/// as the report lists them.
@Suite struct BuildCachePruneTests {
    static let now: Int64 = 1_764_444_264  // 2025-11-29T19:24:24Z

    static func record(
        _ id: String, type: String = "regular", bytes: Int64 = 100, directory: String? = nil, shared: Bool = false,
        inUse: Bool = false, parent: String? = nil, lastUsed: String? = "2025-11-29T19:00:00Z"
    ) -> BuildCacheUsage {
        BuildCacheUsage(
            id: id, type: type, description: "", bytes: bytes, diffBytes: bytes, directory: directory ?? "overlay2/" + id,
            countedUnder: nil, shared: shared, inUse: inUse, mutable: false, createdAt: nil, lastUsedAt: lastUsed,
            usageCount: 1, parent: parent, recordedBytes: nil)
    }

    @Test func aPlainPruneKeepsWhatIsInUseSharedOrBuildKitsOwn() {
        let records = [
            Self.record("free"), Self.record("busy", inUse: true), Self.record("image", shared: true),
            Self.record("front", type: "frontend"), Self.record("inner", type: "internal"),
            Self.record("mount", type: "exec.cachemount"),
        ]
        let verdicts = BuildCachePrune().verdicts(records, now: Self.now)
        #expect(verdicts == [.unused, .inUse, .shared, .keptType, .keptType, .unused])
        #expect(BuildCachePrune.freedBytes(records, verdicts) == 200)
        // --all: shared and BuildKit's own go too; a record in use never does.
        #expect(BuildCachePrune(all: true).verdicts(records, now: Self.now) == [.unused, .inUse, .unused, .unused, .unused, .unused])
    }

    @Test func aParentGoesOnlyWithAllOfItsChildren() {
        // base ← a ← a2, base ← b (in use): a and a2 go; base stays under b.
        let records = [
            Self.record("base"), Self.record("a", parent: "base"), Self.record("a2", parent: "a"),
            Self.record("b", inUse: true, parent: "base"),
        ]
        #expect(BuildCachePrune().verdicts(records, now: Self.now) == [.childKept, .unused, .unused, .inUse])
        // A cycle (damaged metadata) ends; it does not loop.
        let cycle = [Self.record("x", parent: "y"), Self.record("y", parent: "x")]
        #expect(BuildCachePrune().verdicts(cycle, now: Self.now).count == 2)
    }

    @Test func untilAndTypeFilter() {
        let records = [
            Self.record("old", lastUsed: "2025-11-20T00:00:00Z"), Self.record("new", lastUsed: "2025-11-29T19:20:00Z"),
            Self.record("never", lastUsed: nil), Self.record("mount", type: "exec.cachemount", lastUsed: "2025-11-01T00:00:00Z"),
        ]
        // until=24h keeps what a build used in the last day; one never used goes.
        #expect(BuildCachePrune(untilSeconds: 86_400).verdicts(records, now: Self.now) == [.unused, .filtered, .unused, .unused])
        #expect(BuildCachePrune(type: "exec.cachemount").verdicts(records, now: Self.now) == [.filtered, .filtered, .filtered, .unused])
    }

    @Test func recordsSharingADirectoryFreeItOnce() {
        let records = [Self.record("m", directory: "overlay2/d"), Self.record("i", directory: "overlay2/d"), Self.record("gone", bytes: 0, directory: nil)]
        let verdicts = BuildCachePrune().verdicts(records, now: Self.now)
        #expect(verdicts == [.unused, .unused, .unused])
        #expect(BuildCachePrune.freedBytes(records, verdicts) == 100)
    }

    /// The report's summary is the plain prune's figure.
    @Test func theReportsSummaryIsAPlainPrune() {
        let report = SampleReports.buildKit
        let space = report.reclaimable
        let records = report.buildCache ?? []
        let expected = BuildCachePrune.freedBytes(records, BuildCachePrune().verdicts(records, now: Timestamp.parse(report.generatedAt) ?? 0))
        #expect(space[.buildCache].bytes == expected)
        #expect(space[.buildCache].itemCount == records.count)
        let reasons = Dictionary(uniqueKeysWithValues: zip(records.map(\.id), space.buildCache.map(\.reason)))
        #expect(reasons.values.contains(.childKept) && reasons.values.contains(.keptType) && reasons.values.contains(.inUse))
        #expect(space[.buildCache].reclaimableItemCount == reasons.values.filter { $0 == .unused }.count)
    }
}

@Suite struct TimestampNanosecondTests {
    @Test func goStyleFractions() {
        #expect(Timestamp.rfc3339Nanoseconds(1_764_444_264_000_000_000) == "2025-11-29T19:24:24Z")
        #expect(Timestamp.rfc3339Nanoseconds(1_764_444_264_123_456_789) == "2025-11-29T19:24:24.123456789Z")
        #expect(Timestamp.rfc3339Nanoseconds(1_764_444_264_500_000_000) == "2025-11-29T19:24:24.5Z")
        #expect(Timestamp.rfc3339Nanoseconds(-1) == "1969-12-31T23:59:59.999999999Z")
    }
}
