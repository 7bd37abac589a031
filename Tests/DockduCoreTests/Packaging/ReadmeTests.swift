import Foundation
import Testing

@testable import DockduCore

/// README.md says what the code does: the warning codes are the code's own list with a line each,
/// the glossary names every column and category the views print, and every sample output that
/// `make samples` records (Tests/Engine/samples) is in the current binary's format.
@Suite struct ReadmeTests {
    /// Generated from `WarningCode.allCases`: a code added without its README line fails here
    /// until it is re-recorded (`DOCKDU_RECORD_GOLDEN=1 swift test --filter ReadmeTests`).
    @Test func warningCodesAreTheCodesOwnList() throws {
        try Readme.expectGenerated("warning-codes", WarningCode.allCases.map { "- `\($0.rawValue)`: \($0.meaning)" })
    }

    @Test func everyColumnAndSectionIsInTheGlossary() throws {
        let glossary = try #require(try Readme.load().section("### What the columns mean"))
        // The containerd store's report has a column of its own (CONTENT).
        let reports = [SampleReports.hostile, SampleReports.containerd].map { HumanReport(report: $0, exactBytes: true).render() }
        var plan = JSONSchemaTests.plan(everyOptionalField: true)
        plan.notes = ["No volume is proposed: …"]
        let names = reports.flatMap(Self.columns) + Self.columns(HumanPlan(plan: plan, exactBytes: true).render())
        #expect(names.count > 30)
        for name in names {
            #expect(glossary.contains("**\(name)**"), "README's glossary does not name \(name)")
        }
    }

    @Test func everyCategoryHasARowSayingWhatFreesIt() throws {
        let readme = try Readme.load().text
        for category in Category.allCases {
            let row = readme.split(separator: "\n").first { $0.hasPrefix("| \(category.label) ") }
            #expect(row.map { $0.split(separator: "|").count == 3 } == true, "no three-column row for \(category.label)")
        }
    }

    /// The samples in README.md are the ones the recorder records, and each is filled.
    @Test func theSamplesAreTheRecordersOwn() throws {
        let script = try String(contentsOfFile: ExternalCommand.repositoryRoot + "/Tests/Engine/samples", encoding: .utf8)
        let recorded = script.components(separatedBy: "\"$out/").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        let readme = try Readme.load()
        #expect(Set(readme.names("sample")) == Set(recorded))
        #expect(readme.names("sample").count == Set(readme.names("sample")).count)
        for name in readme.names("sample") {
            #expect(readme.block("sample", name)?.isEmpty == false, "sample \(name) is empty: run make samples")
        }
    }

    // MARK: Helpers

    /// Section titles and column headers of a rendered view: a line in capitals followed by a
    /// header line of capitalised words separated by two spaces or more.
    static func columns(_ text: String) -> [String] {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var names: [String] = []
        for (index, line) in lines.enumerated() where Self.isHeader(line) {
            names += line.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            // A header whose last column went below it (a long TARGET) is no title.
            if index > 0, let title = lines[index - 1].split(separator: " (").first, Self.isCapitals(String(title)), !title.contains("  ") {
                names.append(String(title))
            }
        }
        // Titles of sections without a table (LEFT OUT).
        for line in lines where Self.isCapitals(line) && !line.contains("  ") && !names.contains(line) { names.append(line) }
        return names
    }

    static func isCapitals(_ text: String) -> Bool {
        !text.isEmpty && text.allSatisfy { $0.isUppercase || $0 == " " } && text.first != " "
    }

    static func isHeader(_ line: String) -> Bool {
        line.contains("  ") && Self.isCapitals(line.trimmingCharacters(in: .whitespaces))
    }
}
