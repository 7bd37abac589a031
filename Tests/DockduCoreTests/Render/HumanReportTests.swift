// Golden-file tests: the expected output of each case lives in
// Tests/DockduCoreTests/Fixtures/golden/<name>.txt and is compared byte for byte. After a
// deliberate change to the layout, re-record with
//
//     DOCKDU_RECORD_GOLDEN=1 swift test --filter HumanReport
//
// (the recording run fails on purpose, so it is never mistaken for a pass), then read the diff
// of the golden files before committing them.

import FoundationEssentials
import Testing

@testable import DockduCore

@Suite struct HumanReportTests {
    @Test func hostileReport() throws {
        try expectGolden(HumanReport(report: SampleReports.hostile, exactBytes: false).render(), "human-report")
    }

    @Test func exactBytes() throws {
        try expectGolden(HumanReport(report: SampleReports.hostile, exactBytes: true).render(), "human-report-bytes")
    }

    /// `--verbose`: each image's hidden files with the build steps that added and hid them,
    /// hostile paths and history lines escaped.
    @Test func verboseListsWastedFiles() throws {
        let text = HumanReport(report: SampleReports.hostile, exactBytes: false, verbose: true).render()
        try expectGolden(text, "human-report-verbose")
        #expect(text.contains("WASTED FILES (2 images)"))
        #expect(!text.contains("\u{1B}"))
        #expect(!HumanReport(report: SampleReports.hostile, exactBytes: false).render().contains("WASTED FILES"))
    }

    @Test func narrowTerminalShortensNames() throws {
        let text = HumanReport(report: SampleReports.hostile, exactBytes: false, width: 80).render()
        try expectGolden(text, "human-report-narrow")
        #expect(text.contains("…"))
    }

    /// BuildKit's records: every verdict's NOTE, `image` for data counted under an image, the
    /// hostile description escaped, and the leftover snapshot as an orphan.
    @Test func buildCacheRecords() throws {
        let text = HumanReport(report: SampleReports.buildKit, exactBytes: false).render()
        try expectGolden(text, "human-report-buildkit")
        #expect(text.contains("BUILD CACHE (11)"))
        #expect(text.contains(#"\e[2J"#))
    }

    @Test func emptyReport() throws {
        try expectGolden(HumanReport(report: SampleReports.empty, exactBytes: false).render(), "human-report-empty")
    }

    @Test func longSectionsAreCut() throws {
        let text = HumanReport(report: SampleReports.long, exactBytes: false).render()
        try expectGolden(text, "human-report-long")
        // Volumes 1…5 MiB are the ones left out: 15 MiB.
        #expect(text.contains("… and 5 more (15.0 MiB)"))
        #expect(!text.contains("project_data_5 "))
        #expect(text.contains("project_data_6 "))
    }

    // Named rather than passed, so the test log does not print the hostile names raw.
    @Test(arguments: ["hostile", "empty", "long", "buildKit"])
    func noControlCharacterButNewlineReachesTheTerminal(name: String) throws {
        let report = try #require(SampleReports.named[name])
        for exactBytes in [false, true] {
            for width in [40, 100, 200] {
                let text = HumanReport(report: report, exactBytes: exactBytes, width: width).render()
                #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x0A })
                #expect(!text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
                #expect(!text.unicodeScalars.contains { $0 == "\u{202E}" })
            }
        }
    }

    @Test func hostileNamesShowEscaped() {
        let text = HumanReport(report: SampleReports.hostile, exactBytes: false, width: 200).render()
        #expect(text.contains(#"job\n$(rm -rf /)"#))
        #expect(text.contains(#"evil\e[2J:latest"#))
        #expect(text.contains(#"a\u{202e}txt.exe"#))
        #expect(text.contains(#"cache\u{9b}31m"#))
        // The orphan's exact bytes, not the U+FFFD of its `path`.
        #expect(text.contains(#"containers/\xffbad\e"#))
        #expect(!text.contains("\u{FFFD}"))
        #expect(text.contains(#"overlay2/x\ny/diff/tmp.123"#))
    }

    @Test func sectionsAreSortedBiggestFirst() throws {
        let text = HumanReport(report: SampleReports.hostile, exactBytes: false, width: 200).render()
        let dangling = try #require(text.range(of: "0123456789ab  <none>:<none>"))
        let nginx = try #require(text.range(of: "aaaaaaaaaaaa  nginx:1.27 +2 more"))
        let evil = try #require(text.range(of: "bbbbbbbbbbbb  evil"))
        #expect(dangling.lowerBound < nginx.lowerBound)
        #expect(nginx.lowerBound < evil.lowerBound)
    }

    @Test(arguments: [80, 100])
    func tablesOfNamesFitTheWidth(width: Int) {
        let text = HumanReport(report: SampleReports.hostile, exactBytes: false, width: width).render()
        let blocks = text.split(separator: "\n\n")
        let named = blocks.filter { block in
            ["SUMMARY", "IMAGES", "CONTAINERS", "VOLUMES"].contains { block.hasPrefix($0) }
        }
        #expect(named.count == 4)
        for line in named.flatMap({ $0.split(separator: "\n") }) {
            #expect(line.count <= width, "\(line)")
            #expect(line.last != " ")
        }
    }

    @Test func pathsAreNeverShortened() {
        let text = HumanReport(report: SampleReports.hostile, exactBytes: false, width: 40).render()
        #expect(text.contains("overlay2/" + SampleReports.hex("8") + "\n"))
        #expect(text.contains("containers/\(SampleReports.jobID)/hostconfig.json:"))
    }

    @Test func sizeModeIsNamedInTheHeader() {
        let disk = HumanReport(report: SampleReports.hostile, exactBytes: false).render()
        let apparent = HumanReport(report: SampleReports.empty, exactBytes: false).render()
        #expect(disk.hasPrefix("Data root /var/lib/docker; sizes: disk (allocated blocks, as du -sx)"))
        #expect(apparent.hasPrefix("Data root /srv/docker; sizes: apparent (st_size, as docker system df)"))
    }

    @Test func aVolumeWhoseMountsAreUnknownIsNotCalledUnused() {
        var report = SampleReports.hostile
        report.metadataComplete = MetadataCompleteness(containers: false)
        let text = HumanReport(report: report, exactBytes: false, width: 200).render()
        #expect(!text.contains("unused"))
        #expect(text.contains("anonymous, mounts unknown"))
        #expect(HumanReport(report: SampleReports.hostile, exactBytes: false, width: 200).render().contains("anonymous, unused"))
    }

    // MARK: Golden files

    private static let goldenDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("golden")

    private func expectGolden(
        _ actual: String, _ name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let url = Self.goldenDirectory.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["DOCKDU_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            Issue.record("recorded \(url.path); run again without DOCKDU_RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        let expected = try? Data(contentsOf: url)
        guard let expected else {
            Issue.record("missing \(url.path); record it with DOCKDU_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == String(decoding: expected, as: UTF8.self), "differs from \(name).txt", sourceLocation: sourceLocation)
    }
}
