import Foundation
import TableAgreement
import Testing

@testable import DockduCore

/// The human table (`--bytes`) and the JSON document hold the same numbers: the check the
/// engine's stopped phase runs on the real tree (Tests/EngineTests/TableMatchesJSONTests.swift),
/// here on the hand-made tree and the sample reports, and proven able to fail.
@Suite struct TableMatchesJSONTests {
    static func problems(_ report: Report) throws -> [String] {
        let table = HumanReport(report: report, exactBytes: true).render()
        return TableAgreement.problems(table: table, json: Data(try JSONRendering.render(report)))
    }

    @Test(arguments: [SizeMode.disk, .apparent])
    func onTheHandMadeTree(mode: SizeMode) throws {
        let root = try HandMadeDataRoot()
        let report = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: mode)
        #expect(!report.orphans.isEmpty && !report.images.isEmpty && !report.volumes.isEmpty)
        #expect(try Self.problems(report) == [])
    }

    /// Hostile names, cut sections, an empty root, and metadata that is partly unknown.
    @Test(arguments: ["hostile", "long", "empty", "unknown", "buildKit"])
    func onTheSampleReports(name: String) throws {
        let report = try #require(SampleReports.named.merging(["unknown": SampleReports.unknown]) { $1 }[name])
        #expect(try Self.problems(report) == [])
    }

    /// The binary, run twice on the same tree as the engine test runs it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: TableMatchesJSONTests.binary), "the dockdu binary is built beside the tests"))
    func theBinaryOnTheHandMadeTree() throws {
        let root = try HandMadeDataRoot()
        let table = try Self.run(["report", "--root", root.tree.path, "--bytes", "--no-cache"])
        let json = try Self.run(["report", "--root", root.tree.path, "--json", "--no-cache"])
        #expect(table.count > 0 && json.count > 0)
        #expect(TableAgreement.problems(table: String(decoding: table, as: UTF8.self), json: json) == [])
    }

    // MARK: It can fail

    @Test func aChangedSummaryFigureIsFound() throws {
        let report = SampleReports.hostile
        let table = HumanReport(report: report, exactBytes: true).render()
        let json = Data(try JSONRendering.render(report))
        let reclaimable = String(report.reclaimable[.volumes].bytes)
        let changed = table.replacingOccurrences(of: "   " + reclaimable + " ", with: "   " + String(reclaimable.dropLast()) + "7 ")
        #expect(changed != table)
        let problems = TableAgreement.problems(table: changed, json: json)
        #expect(problems.contains { $0.hasPrefix("volumes RECLAIMABLE vs summary.volumes.reclaimableBytes") }, "\(problems)")
    }

    @Test func aChangedItemFigureOrAMissingRowIsFound() throws {
        let report = SampleReports.hostile
        let table = HumanReport(report: report, exactBytes: true).render()
        let json = Data(try JSONRendering.render(report))
        let changed = table.replacingOccurrences(of: "  52428800  ", with: "  52428801  ")
        #expect(TableAgreement.problems(table: changed, json: json).contains { $0.hasPrefix("image sha256:bbbb") && $0.contains("UNIQUE") })
        let state = table.replacingOccurrences(of: "  exited   ", with: "  running  ")
        #expect(TableAgreement.problems(table: state, json: json).contains { $0.hasPrefix("container 2222") && $0.contains("STATE running") })
        let orphan = table.replacingOccurrences(of: "2684354560  overlayDirectory", with: "2684354561  overlayDirectory")
        #expect(TableAgreement.problems(table: orphan, json: json).contains { $0.contains("SIZE vs bytes") && $0.hasPrefix("orphan overlay2/8888") })
        let note = table.replacingOccurrences(of: "anonymous, unused", with: "anonymous")
        #expect(TableAgreement.problems(table: note, json: json).contains { $0.contains("NOTE 'anonymous'") })
        let withoutRow = table.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("pgdata ") }.joined(separator: "\n")
        #expect(TableAgreement.problems(table: withoutRow, json: json).contains { $0.contains("VOLUMES") })
    }

    @Test func aCutSectionsRestIsChecked() throws {
        let report = SampleReports.long
        let table = HumanReport(report: report, exactBytes: true).render()
        let json = Data(try JSONRendering.render(report))
        let changed = table.replacingOccurrences(of: "… and 5 more (15728640 bytes)", with: "… and 5 more (15728641 bytes)")
        #expect(changed != table)
        #expect(TableAgreement.problems(table: changed, json: json).contains { $0.hasPrefix("VOLUMES: the rest's 15728641 bytes") })
    }

    @Test func aDocumentWhoseItemsDoNotAddUpIsFound() throws {
        let report = SampleReports.hostile
        let table = HumanReport(report: report, exactBytes: true).render()
        var document = try #require(try JSONSerialization.jsonObject(with: Data(JSONRendering.render(report))) as? [String: Any])
        var images = try #require(document["images"] as? [[String: Any]])
        images[1]["reclaimable"] = false
        document["images"] = images
        let problems = TableAgreement.problems(table: table, json: try JSONSerialization.data(withJSONObject: document))
        #expect(problems.contains { $0.hasPrefix("summary.images.unusedItems vs images marked reclaimable") }, "\(problems)")
    }

    @Test func cellsAreFoundByTheirHeaders() {
        let header = "CATEGORY           SIZE  RECLAIMABLE  ITEMS  UNUSED"
        let row = "build cache   838860800    838860800      -       -"
        #expect(HumanTable.cell(row, header: header, column: "CATEGORY", rightAligned: false) == "build cache")
        #expect(HumanTable.cell(row, header: header, column: "SIZE", rightAligned: true) == "838860800")
        #expect(HumanTable.cell(row, header: header, column: "UNUSED", rightAligned: true) == "-")
        #expect(HumanTable.cell("TOTAL        7922544640   6056926412", header: header, column: "ITEMS", rightAligned: true) == "")
        #expect(HumanTable.cell(row, header: header, column: "MISSING", rightAligned: true) == nil)
    }

    // MARK: Running the binary

    static var binary: String {
        Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("dockdu").path
    }

    private static func run(_ arguments: [String]) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        // 1: the hand-made tree has a broken link on purpose; the report is still whole.
        #expect([0, 1].contains(process.terminationStatus), "dockdu \(arguments.joined(separator: " ")) exited \(process.terminationStatus)")
        return data
    }
}
