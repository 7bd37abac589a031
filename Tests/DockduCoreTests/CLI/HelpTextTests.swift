import Testing

@testable import DockduCore

/// `dockdu --help`, `dockdu report --help`, `dockdu plan --help` and `dockdu why --help` at 80 columns, byte for byte
/// (re-record with DOCKDU_RECORD_GOLDEN=1 after a deliberate change, and read the diff).
@Suite struct HelpTextTests {
    @Test func generalHelp() throws {
        try GoldenFile.expect(OptionTable.helpText(for: nil), matches: "help.txt")
    }

    @Test func reportHelp() throws {
        try GoldenFile.expect(OptionTable.helpText(for: .report), matches: "help-report.txt")
    }

    @Test func planHelp() throws {
        try GoldenFile.expect(OptionTable.helpText(for: .plan), matches: "help-plan.txt")
    }

    @Test func whyHelp() throws {
        try GoldenFile.expect(OptionTable.helpText(for: .why), matches: "help-why.txt")
    }
}
