import Foundation
import TableAgreement
import Testing

/// Phase `stopped`: the human table (`report --bytes`) and the JSON document of the same quiet
/// tree, from two runs of the real binary, hold the same numbers — every SUMMARY cell and every
/// item row — and the document's items add up to its summary. The unit tests prove the same
/// check (TableAgreement) on hand-made trees and prove it can fail.
@Suite("Table matches JSON", .serialized)
struct TableMatchesJSONTests {
    @Test(
        "report --bytes and report --json give the same figures, in both size modes",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped),
        arguments: [Dockdu.SizeMode.disk, .apparent])
    func tableMatchesJSON(mode: Dockdu.SizeMode) throws {
        let environment = try EngineEnvironment.required()
        let table = try Dockdu.run(environment, json: false, mode: mode)
        let json = try Dockdu.run(environment, json: true, mode: mode)
        #expect(table.result.status == 0, "\(table.result.summary)")
        #expect(json.result.status == 0, "\(json.result.summary)")
        #expect(json.report != nil, "the JSON did not decode: \(json.decodingError ?? "")")
        let text = table.result.stdoutText
        #expect(text.contains("\nSUMMARY\n") && text.contains("\nIMAGES ("), "not a table: \(text.prefix(300))")
        let problems = TableAgreement.problems(table: text, json: json.result.stdout)
        #expect(problems.isEmpty, "\(mode.rawValue) mode: \(problems.joined(separator: "\n"))\n\ntable:\n\(text)")
        // The populated tree has something reclaimable of each kind the table lists.
        if let report = json.report {
            for key in ["images", "containers", "volumes"] {
                #expect((report.summary[key]?.unusedItems ?? 0) > 0, "\(key): nothing unused on a tree populated with unused ones")
            }
        }
    }
}
