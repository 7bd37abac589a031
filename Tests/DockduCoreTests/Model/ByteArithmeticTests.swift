import Testing
@testable import DockduCore

@Suite struct ByteArithmeticTests {
    @Test func sumsClampInsteadOfTrapping() {
        #expect(Int64.max +| 1 == .max)
        #expect(Int64.min +| -1 == .min)
        #expect(Int64.min -| 1 == .min)
        #expect(Int64.max -| -1 == .max)
        #expect(5 +| 7 == 12)
        #expect(Int64(4).multipliedSaturated(by: .max) == .max)
        #expect(Int64(-4).multipliedSaturated(by: .max) == .min)
        #expect([Int64.max, .max, 5].sumOfBytes { $0 } == .max)
        #expect(Int.max.addingSaturated(1) == .max)
    }

    @Test func categoriesOfAbsurdSizesStillHaveATotal() {
        var categories = CategoryBytes()
        categories.images = .max
        categories.volumes = .max
        #expect(categories.sum == .max)
    }

    @Test func tallyOfAbsurdCachedFiguresClamps() {
        var tally = WalkTally(slotCount: 1)
        let huge = CachedSubtree(allocatedBytes: .max, apparentBytes: .max, inodes: .max, directories: .max, hardLinks: [])
        tally.add(huge, to: 0)
        tally.add(huge, to: 0)
        #expect(tally.allocatedBytes[0] == .max)
        #expect(tally.inodes == .max)
    }

    @Test func earlierReportsWithImpossibleFiguresAreRefused() throws {
        var report = SampleReports.empty
        report.totalBytes = -1
        let bytes = try JSONRendering.render(report)
        #expect(throws: ReportComparisonError.self) { try ReportComparison.decodeReport(bytes) }
        var extreme = SampleReports.empty
        extreme.categories.images = .max
        extreme.totalBytes = .max
        let fine = try ReportComparison.decodeReport(try JSONRendering.render(extreme))
        // Comparing extremes pins deltas instead of trapping.
        var newer = SampleReports.empty
        newer.dataRoot = fine.dataRoot
        let comparison = try ReportComparison(old: fine, new: newer)
        let pinned = newer.totalBytes.subtractingSaturated(.max)
        #expect(comparison.total.deltaBytes == pinned)
    }
}
