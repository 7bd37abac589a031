import Foundation
import Testing

/// Packaging/dockdu-nightly, run for real with /bin/sh: the debug dockdu against a small data
/// root, and stand-in binaries for the failures dockdu itself will not produce on demand.
@Suite struct NightlyScriptTests {
    static let script = ExternalCommand.repositoryRoot + "/Packaging/dockdu-nightly"

    /// The dockdu that `swift test` built beside this test bundle, else `DOCKDU_BIN`.
    static let dockdu: String? = {
        let built = Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("dockdu").path
        if FileManager.default.isExecutableFile(atPath: built) { return built }
        return ProcessInfo.processInfo.environment["DOCKDU_BIN"].flatMap { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil }
    }()

    /// Whether `name` is a report's: its UTC time, `20261129T031500Z.json`.
    static func isReport(_ name: String) -> Bool {
        name.wholeMatch(of: /\d{8}T\d{6}Z\.json/) != nil
    }

    /// A data root with a volume, an overlay2 directory and, when `damaged`, a container whose
    /// configuration does not parse (dockdu then exits 1).
    static func dataRoot(in tree: TemporaryTree, damaged: Bool = false) throws -> String {
        for directory in ["root", "root/overlay2", "root/overlay2/l", "root/containers", "root/image", "root/volumes",
                          "root/volumes/appdata", "root/volumes/appdata/_data"] {
            try tree.directory(directory)
        }
        try tree.file("root/volumes/appdata/_data/file", size: 5000)
        if damaged {
            let id = String(repeating: "a", count: 64)
            try tree.directory("root/containers/\(id)")
            try Data("{not json".utf8).write(to: URL(fileURLWithPath: tree.path + "/root/containers/\(id)/config.v2.json"))
        }
        return tree.path + "/root"
    }

    /// The debug dockdu with its layer cache in `tree`: run as root, it would otherwise keep one
    /// in /var/cache/dockdu for every temporary root.
    static func dockduWithPrivateCache(in tree: TemporaryTree) throws -> String {
        let dockdu = try #require(Self.dockdu)
        return try fakeDockdu(in: tree, "exec '\(dockdu)' \"$@\" --cache='\(tree.path)/cache'")
    }

    static func run(
        bin: String?, root: String? = nil, reports: String, keep: String? = nil
    ) throws -> ExternalCommand {
        try ExternalCommand.run(
            "/bin/sh", [script],
            environment: ["DOCKDU_BIN": bin, "DOCKDU_ROOT": root, "DOCKDU_REPORTS": reports, "DOCKDU_KEEP": keep])
    }

    static func entries(_ directory: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
    }

    /// A stand-in dockdu: a shell script that runs `body`.
    static func fakeDockdu(in tree: TemporaryTree, _ body: String) throws -> String {
        let path = tree.path + "/fake-dockdu"
        try ("#!/bin/sh\n" + body + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    @Test(.enabled(if: dockdu != nil, "no dockdu binary beside the tests and no DOCKDU_BIN"))
    func writesOneCompleteReport() throws {
        let tree = try TemporaryTree()
        let root = try Self.dataRoot(in: tree)
        let reports = tree.path + "/var/reports"  // made by the script, parents too
        let result = try Self.run(bin: try Self.dockduWithPrivateCache(in: tree), root: root, reports: reports)
        #expect(result.status == 0, "\(result.errors)")
        #expect(result.errors.isEmpty)
        let names = Self.entries(reports)
        #expect(names.count == 1, "\(names)")
        let name = try #require(names.first)
        #expect(Self.isReport(name), "\(name)")
        let data = try Data(contentsOf: URL(fileURLWithPath: reports + "/" + name))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(document["schemaVersion"] as? Int == 1)
        #expect(document["dataRoot"] as? String == root)
        #expect((document["totalBytes"] as? Int ?? 0) > 5000)
        // Named for the moment it was made, in UTC.
        let generatedAt = try #require(document["generatedAt"] as? String)
        let stamp = generatedAt.filter { $0 != "-" && $0 != ":" }
        #expect(name.prefix(8) == stamp.prefix(8))
        // Readable by root and its group only.
        let attributes = try FileManager.default.attributesOfItem(atPath: reports + "/" + name)
        #expect((attributes[.posixPermissions] as? Int).map { $0 & 0o007 } == 0)
    }

    @Test(.enabled(if: dockdu != nil, "no dockdu binary beside the tests and no DOCKDU_BIN"))
    func keepsTheNewestAndNothingElseOfItsOwn() throws {
        let tree = try TemporaryTree()
        let root = try Self.dataRoot(in: tree)
        try tree.directory("reports")
        let reports = tree.path + "/reports"
        let old = ["20240101T000000Z.json", "20250101T000000Z.json", "20250601T120000Z.json", "20251231T235959Z.json"]
        for name in old + ["notes.json", "20240101T000000Z.json.bak"] {
            try Data("{}\n".utf8).write(to: URL(fileURLWithPath: reports + "/" + name))
        }
        let result = try Self.run(bin: try Self.dockduWithPrivateCache(in: tree), root: root, reports: reports, keep: "3")
        #expect(result.status == 0, "\(result.errors)")
        let names = Self.entries(reports)
        let kept = names.filter(Self.isReport)
        #expect(kept.count == 3)
        #expect(Array(kept.prefix(2)) == ["20250601T120000Z.json", "20251231T235959Z.json"], "the two newest old ones")
        #expect(kept.last.map { $0 > "20260000" } == true, "and the new one")
        #expect(names.contains("notes.json") && names.contains("20240101T000000Z.json.bak"), "not its files: left alone")
        #expect(names.count == 5, "\(names)")
    }

    @Test(.enabled(if: dockdu != nil, "no dockdu binary beside the tests and no DOCKDU_BIN"))
    func aPartialReportIsKeptAndItsStatusPassedOn() throws {
        let tree = try TemporaryTree()
        let root = try Self.dataRoot(in: tree, damaged: true)
        let reports = tree.path + "/reports"
        let result = try Self.run(bin: try Self.dockduWithPrivateCache(in: tree), root: root, reports: reports)
        #expect(result.status == 1)
        #expect(result.errors.contains("could not be read or parsed"), "dockdu's own message passes through")
        let names = Self.entries(reports)
        #expect(names.count == 1 && names.allSatisfy(Self.isReport), "\(names)")
        let data = try Data(contentsOf: URL(fileURLWithPath: reports + "/" + names[0]))
        let document = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect((document["warnings"] as? [Any])?.isEmpty == false)
    }

    @Test(.enabled(if: dockdu != nil, "no dockdu binary beside the tests and no DOCKDU_BIN"))
    func aFailedScanKeepsNothing() throws {
        let tree = try TemporaryTree()
        let reports = tree.path + "/reports"
        let result = try Self.run(bin: try Self.dockduWithPrivateCache(in: tree), root: tree.path + "/no-such-root", reports: reports)
        #expect(result.status == 66, "dockdu's EX_NOINPUT, passed on")
        #expect(result.errors.contains("no report written"))
        #expect(Self.entries(reports) == [], "no report and no temporary file")
    }

    @Test func aTruncatedDocumentIsNotKept() throws {
        let tree = try TemporaryTree()
        // What dockdu leaves when the disk fills mid-write: part of a document, and status 0.
        let fake = try Self.fakeDockdu(in: tree, #"printf '{\n  "schemaVersion" : 1,\n  "volumes" : [\n    {\n    }\n'"#)
        let reports = tree.path + "/reports"
        let result = try Self.run(bin: fake, reports: reports)
        #expect(result.status == 74)
        #expect(result.errors.contains("incomplete"))
        #expect(Self.entries(reports) == [])
    }

    @Test func passesTheRootAsOneArgumentWhateverItLooksLike() throws {
        let tree = try TemporaryTree()
        let fake = try Self.fakeDockdu(in: tree, #"printf '{\n  "argv" : "%s|%s|%s|%s"\n}\n' "$#" "$1" "$2" "$3""#)
        let reports = tree.path + "/reports"
        let result = try Self.run(bin: fake, root: "-odd root", reports: reports)
        #expect(result.status == 0, "\(result.errors)")
        let name = try #require(Self.entries(reports).first)
        let text = try String(contentsOfFile: reports + "/" + name, encoding: .utf8)
        #expect(text.contains(#""argv" : "3|report|--json|--root=-odd root""#))
        // Without DOCKDU_ROOT, dockdu chooses the data root itself.
        let unset = try Self.run(bin: fake, reports: tree.path + "/reports2")
        #expect(unset.status == 0)
        let other = try #require(Self.entries(tree.path + "/reports2").first)
        #expect(try String(contentsOfFile: tree.path + "/reports2/" + other, encoding: .utf8).contains(#""2|report|--json|""#))
    }

    @Test func refusesABadKeepCount() throws {
        let tree = try TemporaryTree()
        let fake = try Self.fakeDockdu(in: tree, "exit 0")
        for keep in ["0", "-1", "ten", "", "031", "3 "] {
            let result = try Self.run(bin: fake, reports: tree.path + "/reports", keep: keep)
            if keep.isEmpty {
                #expect(result.status == 74, "empty means the default; the fake prints no document")
            } else {
                #expect(result.status == 64, "DOCKDU_KEEP=\(keep)")
                #expect(result.errors.contains("DOCKDU_KEEP"))
            }
        }
    }

    @Test func saysWhenItCannotCreateTheDirectory() throws {
        let tree = try TemporaryTree()
        try tree.file("a-file", size: 1)
        let fake = try Self.fakeDockdu(in: tree, "exit 0")
        let result = try Self.run(bin: fake, reports: tree.path + "/a-file/reports")
        #expect(result.status == 73)
        #expect(result.errors.contains("cannot create"))
    }
}
