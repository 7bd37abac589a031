// Golden-file tests: expected output lives in Tests/DockduCoreTests/Fixtures/golden/
// human-comparison*.txt. After a deliberate change to the layout, re-record with
//
//     DOCKDU_RECORD_GOLDEN=1 swift test --filter HumanComparison
//
// (the recording run fails on purpose), then read the diff of the golden files.

import Foundation
import Testing

@testable import DockduCore

@Suite struct HumanComparisonTests {
    static let dayLater = try? ReportComparison(old: ComparisonSamples.old, new: ComparisonSamples.new)
    static let long = try? ReportComparison(old: ComparisonSamples.longOld, new: ComparisonSamples.longNew)
    static let unchanged = try? ReportComparison(old: SampleReports.empty, new: SampleReports.empty)

    private func render(_ comparison: ReportComparison?, exactBytes: Bool = false) throws -> String {
        HumanComparison(comparison: try #require(comparison), exactBytes: exactBytes).render()
    }

    @Test func aDayLater() throws {
        try GoldenFile.expect(try render(Self.dayLater), matches: "human-comparison.txt")
    }

    @Test func aDayLaterInBytes() throws {
        try GoldenFile.expect(try render(Self.dayLater, exactBytes: true), matches: "human-comparison-bytes.txt")
    }

    @Test func longSectionsAreCut() throws {
        let text = try render(Self.long)
        try GoldenFile.expect(text, matches: "human-comparison-long.txt")
        // Volumes 1…25 changed by their index in MiB, odd ones up, even ones down (or to zero):
        // listed are the 10 largest growths, then nothing else; left out are 3 growths
        // (5 + 3 + 1 MiB) and 12 shrinks.
        #expect(text.contains("VOLUMES: 25 changed"))
        #expect(text.contains("… and 15 more (+9.0 MiB, \u{2212}"))
    }

    @Test func nothingChanged() throws {
        let text = try render(Self.unchanged)
        try GoldenFile.expect(text, matches: "human-comparison-unchanged.txt")
        #expect(text.hasPrefix("Since 2026-11-29T19:24:24Z (0s ago): 0 B\n"))
        #expect(text.contains("IMAGES: no change"))
    }

    @Test func headerSaysWhenAndHowMuch() throws {
        let text = try render(Self.dayLater)
        #expect(text.hasPrefix("Since 2026-11-28T03:15:00Z (23h ago): +1.2 GiB\n"))
        #expect(text.contains("Data root /var/lib/docker: 8.6 GiB, was 7.4 GiB; sizes: disk"))
    }

    @Test func biggestGrowthFirstThenBiggestShrink() throws {
        let text = try render(Self.dayLater, exactBytes: false)
        let logs = try #require(text.split(separator: "\n\n").first { $0.hasPrefix("LOGS") })
        let lines = logs.split(separator: "\n").map(String.init)
        #expect(lines[0] == "LOGS: 1 added, 2 changed")
        #expect(lines[2].hasPrefix("+1.6 GiB"))
        #expect(lines[3].hasPrefix("+200 MiB"))
        #expect(lines[4].hasPrefix("\u{2212}924 MiB"))
    }

    @Test func newAndGoneItemsShowADashForTheSizeTheyLack() throws {
        let text = try render(Self.dayLater)
        let images = try #require(text.split(separator: "\n\n").first { $0.hasPrefix("IMAGES") })
        let lines = images.split(separator: "\n")
        #expect(lines.contains { $0.hasPrefix("+400 MiB  400 MiB        -") && $0.hasSuffix("eeeeeeeeeeee  app:3") }, "\(images)")
        #expect(lines.contains { $0.hasPrefix("\u{2212}130 MiB        -  130 MiB") && $0.hasSuffix("bbbbbbbbbbbb  evil\\e[2J:latest") }, "\(images)")
    }

    @Test func hostileNamesShowEscaped() throws {
        for comparison in [Self.dayLater, Self.long, Self.unchanged] {
            for exactBytes in [false, true] {
                let text = try render(comparison, exactBytes: exactBytes)
                #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x0A })
                #expect(!text.unicodeScalars.contains { (0x80...0x9F).contains($0.value) })
                #expect(!text.unicodeScalars.contains { $0 == "\u{202E}" })
            }
        }
        let text = try render(Self.dayLater)
        #expect(text.contains(#"job\n$(rm -rf /)"#))
        #expect(text.contains(#"containers/\xffbad\e"#))
        #expect(!text.contains("\u{FFFD}"))
    }

    @Test func hostileTimesAndRootsAreEscapedToo() throws {
        var old = SampleReports.empty
        var new = SampleReports.empty
        old.generatedAt = "yesterday\u{1B}[2J"
        old.dataRoot = "/srv/\u{1B}]0;pwned\u{07}"
        new.dataRoot = old.dataRoot
        let text = try render(ReportComparison(old: old, new: new))
        #expect(text.hasPrefix(#"Since yesterday\e[2J: 0 B"#))
        #expect(text.contains(#"Data root /srv/\e]0;pwned\a: "#))
    }

    @Test func aLaterReportThatIsOlderSaysSo() throws {
        let swapped = try ReportComparison(old: ComparisonSamples.new, new: ComparisonSamples.old)
        #expect(try render(swapped).hasPrefix("Since 2026-11-29T02:15:00Z (23h after this scan): \u{2212}1.2 GiB\n"))
    }

    @Test func warningsAreMentionedOnlyWhenThereAreSome() throws {
        #expect(try render(Self.dayLater).hasSuffix(
            "This scan had 1 warning and the earlier one 7: what a scan could not read may show as added or removed; see dockdu report.\n"))
        #expect(try !render(Self.unchanged).contains("warning"))
    }
}
