import Foundation
import Testing

@testable import DockduCore

@Suite struct ReportComparisonTests {
    typealias Change = ReportComparison.ItemChange
    let mebibyte = SampleReports.mebibyte
    let kibibyte = SampleReports.kibibyte

    private func compare() throws -> ReportComparison {
        try ReportComparison(old: ComparisonSamples.old, new: ComparisonSamples.new)
    }

    @Test func headerFieldsComeFromBothReports() throws {
        let comparison = try compare()
        #expect(comparison.schemaVersion == 1)
        #expect(comparison.dataRoot == "/var/lib/docker")
        #expect(comparison.sizeMode == .disk)
        #expect(comparison.oldGeneratedAt == "2026-11-28T03:15:00Z")
        #expect(comparison.newGeneratedAt == "2026-11-29T02:15:00Z")
        #expect(comparison.total.oldBytes == ComparisonSamples.old.totalBytes)
        #expect(comparison.total.newBytes == ComparisonSamples.new.totalBytes)
        #expect(comparison.total.deltaBytes == 1180 * mebibyte - 12 * kibibyte)
        #expect(comparison.oldWarningCount == 7)
        #expect(comparison.newWarningCount == 1)
    }

    @Test func everyCategoryBiggestChangeFirst() throws {
        let comparison = try compare()
        let categories = comparison.categories
        #expect(categories.map(\.category) == [.logs, .images, .buildCache, .containers, .orphans, .other, .volumes])
        #expect(categories.map(\.deltaBytes) == [
            876 * mebibyte, 270 * mebibyte, -200 * mebibyte, 170 * mebibyte,
            64 * mebibyte - 16 * kibibyte, 4 * kibibyte, 0,
        ])
        #expect(categories.reduce(0) { $0 + $1.deltaBytes } == comparison.total.deltaBytes)
    }

    @Test func imagesAreMatchedByID() throws {
        #expect(try compare().images.map(Self.withoutLastUse) == [
            Change(id: ComparisonSamples.appID, name: "app:3", status: .added, oldBytes: 0, newBytes: 400 * mebibyte),
            Change(id: SampleReports.evilImageID, name: "evil\u{1B}[2J:latest", status: .removed, oldBytes: 130 * mebibyte, newBytes: 0),
        ])
    }

    @Test func containersLeaveTheirLogsToTheLogsSection() throws {
        let comparison = try compare()
        #expect(comparison.containers.map(Self.withoutLastUse) == [
            Change(id: ComparisonSamples.workerID, name: "worker", status: .added, oldBytes: 0, newBytes: 120 * mebibyte),
            Change(id: SampleReports.webID, name: "web", status: .changed, oldBytes: 10 * mebibyte, newBytes: 60 * mebibyte),
        ])
        #expect(comparison.logs.map(Self.withoutLastUse) == [
            Change(id: SampleReports.webID, name: "web", status: .changed, oldBytes: 30 * mebibyte, newBytes: 1630 * mebibyte),
            Change(id: SampleReports.jobID, name: "job\n$(rm -rf /)", status: .changed, oldBytes: 1024 * mebibyte, newBytes: 100 * mebibyte),
            Change(id: ComparisonSamples.workerID, name: "worker", status: .added, oldBytes: 0, newBytes: 200 * mebibyte),
        ])
    }

    @Test func volumesAreMatchedByNameAndUnchangedOnesLeftOut() throws {
        let volumes = try compare().volumes
        // Equal magnitudes: by name.
        #expect(volumes.map(\.id) == [SampleReports.anonymousVolume, "pgdata"])
        #expect(volumes.map(\.deltaBytes) == [-300 * mebibyte, 300 * mebibyte])
        #expect(volumes.allSatisfy { $0.status == .changed })
    }

    @Test func orphansAreMatchedByTheirExactBytes() throws {
        let orphans = try compare().orphans
        #expect(orphans.count == 2)
        #expect(orphans[0].path == ComparisonSamples.newOrphanPath)
        #expect(orphans[0].kind == .unreferencedLayer)
        #expect(orphans[0].status == .added)
        #expect(orphans[0].pathBase64 == nil)
        #expect(orphans[1].status == .removed)
        #expect(orphans[1].deltaBytes == -16 * kibibyte)
        #expect(orphans[1].pathBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) == SampleReports.invalidOrphanPath)

        // Two names that differ only in their invalid bytes are two orphans, not one that changed.
        var old = SampleReports.empty
        var new = SampleReports.empty
        old.orphans = [OrphanUsage(path: "x\u{FFFD}", pathBase64: Data([0x78, 0xFF]).base64EncodedString(), kind: .overlayDirectory, bytes: 4)]
        new.orphans = [OrphanUsage(path: "x\u{FFFD}", pathBase64: Data([0x78, 0xFE]).base64EncodedString(), kind: .overlayDirectory, bytes: 4)]
        let statuses = try ReportComparison(old: old, new: new).orphans.map(\.status)
        #expect(statuses.sorted { $0.rawValue < $1.rawValue } == [.added, .removed])
    }

    @Test func aReportComparedWithItselfHasNoChanges() throws {
        let comparison = try ReportComparison(old: SampleReports.hostile, new: SampleReports.hostile)
        #expect(comparison.total.deltaBytes == 0)
        #expect(comparison.categories.count == Category.allCases.count)
        #expect(comparison.categories.map(\.category) == Category.allCases)
        #expect(comparison.images.isEmpty && comparison.containers.isEmpty && comparison.logs.isEmpty)
        #expect(comparison.volumes.isEmpty && comparison.orphans.isEmpty)
    }

    @Test func swappingTheReportsNegatesEveryDelta() throws {
        let forward = try compare()
        let backward = try ReportComparison(old: ComparisonSamples.new, new: ComparisonSamples.old)
        #expect(backward.total.deltaBytes == -forward.total.deltaBytes)
        let forwardImages = Dictionary(uniqueKeysWithValues: forward.images.map { ($0.id, $0) })
        for image in backward.images {
            #expect(image.deltaBytes == -(forwardImages[image.id]?.deltaBytes ?? 0))
            #expect(image.status == (forwardImages[image.id]?.status == .added ? .removed : .added))
        }
    }

    @Test func sortedByMagnitudeOfTheChange() throws {
        let comparison = try ReportComparison(old: ComparisonSamples.longOld, new: ComparisonSamples.longNew)
        let magnitudes = comparison.volumes.map(\.deltaBytes.magnitude)
        #expect(comparison.volumes.count == 25)
        #expect(magnitudes == magnitudes.sorted(by: >))
    }

    @Test func deltasNeverTrap() throws {
        var old = SampleReports.empty
        var new = SampleReports.empty
        old.totalBytes = .min
        new.totalBytes = .max
        #expect(try ReportComparison(old: old, new: new).total.deltaBytes == .max)
        #expect(try ReportComparison(old: new, new: old).total.deltaBytes == .min)
    }

    // MARK: Refusals

    @Test func differentDataRootsAreRefused() {
        var other = ComparisonSamples.new
        other.dataRoot = "/srv/docker\u{1B}[2J"
        #expect(throws: ReportComparisonError.dataRootDiffers(old: "/var/lib/docker", new: "/srv/docker\u{1B}[2J")) {
            try ReportComparison(old: ComparisonSamples.old, new: other)
        }
        let message = ReportComparisonError.dataRootDiffers(old: "/var/lib/docker", new: "/srv/docker\u{1B}[2J").description
        #expect(message == #"cannot compare: the earlier report is of data root /var/lib/docker and this one of /srv/docker\e[2J; compare reports of the same data root (--root DIR)"#)
    }

    @Test func differentSizeModesAreRefused() throws {
        var apparent = ComparisonSamples.old
        apparent.sizeMode = .apparent
        #expect(throws: ReportComparisonError.sizeModeDiffers(old: .apparent, new: .disk)) {
            try ReportComparison(old: apparent, new: ComparisonSamples.new)
        }
        #expect(ReportComparisonError.sizeModeDiffers(old: .apparent, new: .disk).description
            == "cannot compare: the earlier report counts apparent sizes (--apparent-size) and this one disk sizes (allocated blocks); run again with --apparent-size")
        #expect(ReportComparisonError.sizeModeDiffers(old: .disk, new: .apparent).description.hasSuffix("run again without --apparent-size"))
    }

    @Test func aReportFromANewerDockduIsRefused() {
        var newer = ComparisonSamples.old
        newer.schemaVersion = Report.currentSchemaVersion + 1
        #expect(throws: ReportComparisonError.newerSchemaVersion(.earlier, found: 2, known: 1)) {
            try ReportComparison(old: newer, new: ComparisonSamples.new)
        }
        #expect(throws: ReportComparisonError.newerSchemaVersion(.later, found: 2, known: 1)) {
            try ReportComparison(old: ComparisonSamples.new, new: newer)
        }
        #expect(ReportComparisonError.newerSchemaVersion(.earlier, found: 2, known: 1).description
            == "cannot compare: the earlier report has schemaVersion 2, but this dockdu reads only up to 1; compare with the dockdu that wrote it, or a newer one")
    }

    // MARK: Reading the earlier report

    @Test func decodeReportReadsWhatReportWrites() throws {
        let bytes = try JSONRendering.render(ComparisonSamples.old)
        #expect(try ReportComparison.decodeReport(bytes) == ComparisonSamples.old)
    }

    /// A newer layout need not decode as this one: the version is what the operator must hear.
    @Test func decodeReportNamesTheVersionOfANewerLayout() {
        let newer = Array(#"{"schemaVersion": 2, "roots": []}"#.utf8)
        #expect(throws: ReportComparisonError.newerSchemaVersion(.earlier, found: 2, known: 1)) {
            try ReportComparison.decodeReport(newer)
        }
    }

    @Test(arguments: ["", "not json", #"{"dataRoot": "/x"}"#, #"{"schemaVersion": 1}"#])
    func decodeReportRefusesWhatIsNotAReport(text: String) {
        let error = #expect(throws: ReportComparisonError.self) {
            try ReportComparison.decodeReport(Array(text.utf8))
        }
        guard case .notAReport = error else {
            Issue.record("expected notAReport, got \(String(describing: error))")
            return
        }
        #expect(error?.description.hasPrefix("cannot read the earlier report: ") == true)
    }

    // MARK: JSON

    @Test func roundTripsThroughJSON() throws {
        let comparison = try compare()
        let bytes = try JSONRendering.render(comparison)
        #expect(try JSONDecoder().decode(ReportComparison.self, from: Data(bytes)) == comparison)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""status" : "added""#))
        #expect(text.contains(#""category" : "logs""#))
        #expect(!text.contains("\\/"))
    }

    /// The sizes and identities alone; last use is checked on its own below.
    static func withoutLastUse(_ change: Change) -> Change {
        var change = change
        change.lastUsedAt = nil
        return change
    }

    @Test func lastUseComesFromTheLaterReportOrTheOnlyOne() throws {
        let comparison = try compare()
        let removed = try #require(comparison.images.first { $0.status == .removed })
        #expect(removed.lastUsedAt == ComparisonSamples.old.images.first { $0.id == removed.id }?.lastUsedAt)
        for change in comparison.containers where change.status != .removed {
            #expect(change.lastUsedAt == ComparisonSamples.new.containers.first { $0.id == change.id }?.lastUsedAt)
        }
    }
}
