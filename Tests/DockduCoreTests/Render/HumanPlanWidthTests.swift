import Testing

@testable import DockduCore

/// The plan and report as read on an 80-column terminal: long reasons and messages wrap under
/// their own column (or below their row), targets and paths stay whole.
@Suite struct HumanPlanWidthTests {
    static let longReason = "exited 41 days ago, older than --older-than 7d; its image nginx:1.27 is still used by 3 other containers"

    static func plan(target: String, kind: PlanAction.Kind = .removeContainer) -> CleanupPlan {
        CleanupPlan(
            schemaVersion: 1, dataRoot: "/var/lib/docker", sizeMode: .disk, dryRun: true,
            generatedAt: "2026-12-03T00:00:00Z", reclaimableBytes: 1 << 20,
            actions: [PlanAction(kind: kind, target: target, reason: longReason, reclaimableBytes: 1 << 20, command: [], advisory: false)],
            skipped: [SkippedItem(target: "prod-db", reason: "kept by --keep 'prod-*', which every container, image and volume named so matches")],
            policy: PlanPolicy(), warnings: [])
    }

    @Test func reasonsWrapUnderTheirColumnAt80() {
        let text = HumanPlan(plan: Self.plan(target: "web-1"), exactBytes: false, width: 80).render()
        let lines = text.split(separator: "\n")
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(text)")
        let header = try? #require(lines.first { $0.hasPrefix("ACTION") })
        let column = header.flatMap { $0.firstRange(of: "REASON") }.map { header?.distance(from: header!.startIndex, to: $0.lowerBound) ?? 0 } ?? 0
        #expect(column > 0)
        let first = try? #require(lines.firstIndex { $0.hasPrefix("remove container") })
        let continuation = lines[(first ?? 0) + 1]
        #expect(continuation.prefix(column).allSatisfy { $0 == " " } && continuation.dropFirst(column).first != " ", "\(text)")
        // Joined again, the reason is whole.
        let joined = ([lines[first ?? 0]] + [continuation] + lines[((first ?? 0) + 2)...].prefix { $0.hasPrefix(String(repeating: " ", count: column)) })
            .map { $0.dropFirst(column) }.joined(separator: " ")
        #expect(joined == Self.longReason)
    }

    @Test func aLongTargetPutsTheReasonBelowItsRowAndStaysWhole() {
        let orphan = "overlay2/" + String(repeating: "f", count: 64)
        let text = HumanPlan(plan: Self.plan(target: orphan, kind: .removeOrphan), exactBytes: false, width: 80).render()
        #expect(text.contains("  " + orphan + "\n"), "\(text)")
        #expect(text.contains("\n    exited 41 days ago, older than --older-than 7d;"), "\(text)")
        let lines = text.split(separator: "\n").filter { !$0.contains(orphan) }
        #expect(lines.allSatisfy { $0.count <= 80 }, "\(text)")
    }

    @Test func wideTerminalsKeepOneLinePerAction() {
        let text = HumanPlan(plan: Self.plan(target: "web-1"), exactBytes: false, width: 200).render()
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("remove container") && $0.contains(" web-1 ") && $0.hasSuffix("  " + Self.longReason) }, "\(text)")
    }

    @Test func tableWithoutAWidthIsUnchanged() {
        var table = TextTable(columns: [.init("A"), .init("WHY", wraps: true)])
        table.rows = [["x", Self.longReason]]
        #expect(table.render() == ["A  WHY", "x  " + Self.longReason])
        let wrapped = table.render(width: 40)
        #expect(wrapped.allSatisfy { $0.count <= 40 } && wrapped.count > 2)
        #expect(wrapped.dropFirst().map { $0.dropFirst(3) }.joined(separator: " ") == Self.longReason)
    }

    @Test func reportWarningsShowTheirMessagesWrappedAndEscaped() {
        let report = Report(
            schemaVersion: 1, dataRoot: "/var/lib/docker", sizeMode: .disk, generatedAt: "now", totalBytes: 0,
            categories: CategoryBytes(), images: [], containers: [], volumes: [], layers: [], orphans: [],
            warnings: [
                Warning(code: .cache, path: "", message: "the layer cache /var/cache/dockdu/layers-0123456789abcdef.json is of dockdu 0.0.9; ignored and written anew"),
                Warning(code: .corrupt, path: "containers/abc/config.v2.json", message: "at State.Running: expected true or false, found \u{1B}[2J"),
            ])
        let text = HumanReport(report: report, exactBytes: false, width: 80).render()
        let warnings = try? #require(text.split(separator: "\n\n").last)
        #expect(warnings == #"""
            2 warnings; run with --json for details:
              cache    .: the layer cache /var/cache/dockdu/layers-0123456789abcdef.json is
                  of dockdu 0.0.9; ignored and written anew
              corrupt  containers/abc/config.v2.json: at State.Running: expected true or
                  false, found \e[2J

            """#, "\(text)")
    }
}
