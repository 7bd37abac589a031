import Foundation
import Testing
@testable import DockduCore

/// The real `dockdu` binary, run as an operator runs it: exit statuses, what goes to stdout and
/// what to stderr.
private struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
}

/// The binary beside the test bundle, in the same build folder.
private var binary: String {
    Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("dockdu").path
}

private func dockdu(_ arguments: String...) throws -> Run {
    try dockdu(arguments, environment: [:])
}

/// With `environment` added to this process's own.
private func dockdu(_ arguments: [String], environment: [String: String]) throws -> Run {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let stdout = out.fileHandleForReading.readDataToEndOfFile()
    let stderr = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "the dockdu binary is built beside the tests"))
struct CommandLineEndToEndTests {
    @Test func usageErrorsExit64WithTheUsageOnStderr() throws {
        let none = try dockdu()
        #expect(none.status == 64 && none.stdout.isEmpty && none.stderr.contains("missing command"))
        let typo = try dockdu("report", "--rot", "/x")
        #expect(typo.status == 64 && typo.stderr.contains("did you mean --root?") && typo.stderr.contains("usage: dockdu report"))
        let format = try dockdu("report", "--format", "yaml")
        #expect(format.status == 64 && format.stderr.contains("table, json, prometheus or html"))
        let duration = try dockdu("plan", "--older-than", "soon")
        #expect(duration.status == 64 && duration.stderr.contains("--older-than takes a duration"))
    }

    @Test func completionsForEachShell() throws {
        for shell in ShellCompletions.Shell.allCases {
            let run = try dockdu("completions", shell.rawValue)
            #expect(run.status == 0 && run.stdout == ShellCompletions.script(for: shell) && run.stderr.isEmpty)
        }
        let bad = try dockdu("completions", "tcsh")
        #expect(bad.status == 64 && bad.stdout.isEmpty && bad.stderr.contains("bash|zsh|fish"))
    }

    @Test func aMissingRootExits66NamingItAndRoot() throws {
        let run = try dockdu("report", "--root", "/nonexistent/docker", "--json")
        #expect(run.status == 66)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "dockdu: data root /nonexistent/docker does not exist; give the right one with --root DIR\n")
    }

    @Test func helpAndVersionGoToStdout() throws {
        let version = try dockdu("--version")
        #expect(version.status == 0 && version.stdout == "dockdu \(CommandLineTool.version)\n")
        let help = try dockdu("plan", "--help")
        #expect(help.status == 0 && help.stdout.hasPrefix("usage: dockdu plan") && help.stderr.isEmpty)
    }

    /// The hand-made image's top layer writes `content` again (20000 bytes over 10000): a third
    /// of its bytes are hidden. `--fail-wasted` below that exits 3 after writing the report whole.
    @Test func failWastedExits3() throws {
        let root = try HandMadeDataRoot()
        let plain = try dockdu("report", "--root", root.tree.path, "--json", "--apparent-size", "--no-cache")
        // Without --wasted the second pass does not run, and the figures are absent.
        #expect(try JSONDecoder().decode(Report.self, from: Data(plain.stdout.utf8)).images.first?.wastedBytes == nil)
        let json = try dockdu("report", "--root", root.tree.path, "--json", "--apparent-size", "--no-cache", "--wasted")
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        let image = try #require(report.images.first)
        #expect(image.wastedBytes == 10_000 && image.efficiency == 0.6667)
        #expect(image.wasted?.map(\.path) == ["/content"] && image.wasted?.first?.hiding == .replaced)
        let failing = try dockdu("report", "--root", root.tree.path, "--json", "--fail-wasted", "33", "--no-cache")
        #expect(failing.status == 3 && failing.stderr.contains("wastes 33.3% of its bytes"))
        #expect((try? JSONDecoder().decode(Report.self, from: Data(failing.stdout.utf8))) != nil)
        let passing = try dockdu("report", "--root", root.tree.path, "--json", "--fail-wasted", "33.5", "--no-cache")
        #expect(passing.status == 0)
        for bad in ["101", "1e2", "5.", ".5", "x", "1.2.3"] {
            let refused = try dockdu("report", "--root", root.tree.path, "--fail-wasted", bad, "--no-cache")
            #expect(refused.status == 64 && refused.stderr.contains("--fail-wasted takes a percentage"), "\(bad)")
        }
    }

    @Test func jsonPrometheusAndOutputFiles() throws {
        let root = try HandMadeDataRoot()
        let json = try dockdu("report", "--root", root.tree.path, "--json", "--no-cache")
        #expect(json.status == 0)
        let report = try JSONDecoder().decode(Report.self, from: Data(json.stdout.utf8))
        #expect(report.totalBytes == (try root.tree.du()))

        let outputs = try TemporaryTree()
        let metrics = try dockdu("report", "--root", root.tree.path, "--format", "prometheus", "--output", outputs.path + "/dockdu.prom", "--no-cache")
        #expect(metrics.status == 0 && metrics.stdout.isEmpty)
        let written = try String(contentsOfFile: outputs.path + "/dockdu.prom", encoding: .utf8)
        #expect(written.contains("dockdu_total_bytes{data_root=\"\(root.tree.path)\",size_mode=\"disk\"} \(report.totalBytes)\n"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs.path) == ["dockdu.prom"], "a temporary file was left")

        // Never under the data root.
        let before = try root.tree.du()
        let refused = try dockdu("report", "--root", root.tree.path, "--output", root.tree.path + "/report.json", "--no-cache")
        #expect(refused.status == 64 && refused.stderr.contains("under the data root"))
        #expect(try root.tree.du() == before)
    }

    @Test func compareShowsGrowthSinceAnEarlierReport() throws {
        let root = try HandMadeDataRoot()
        let outputs = try TemporaryTree()
        let saved = outputs.path + "/old.json"
        #expect(try dockdu("report", "--root", root.tree.path, "--json", "--output", saved, "--no-cache").status == 0)
        try root.tree.file("volumes/data/_data/grown", size: 3 << 20)
        let human = try dockdu("report", "--root", root.tree.path, "--compare", saved, "--no-cache")
        #expect(human.status == 0)
        #expect(human.stdout.contains("+3.0 MiB"), "\(human.stdout)")
        let page = outputs.path + "/report.html"
        let html = try dockdu("report", "--root", root.tree.path, "--compare", saved, "--format", "html", "--output", page, "--no-cache")
        #expect(html.status == 0 && html.stdout.isEmpty, "\(html.stderr)")
        let written = try String(contentsOfFile: page, encoding: .utf8)
        #expect(written.hasPrefix("<!DOCTYPE html>") && written.hasSuffix("</html>\n"))
        #expect(written.contains("<section id=\"growth\">") && written.contains("data-v=\"\(3 << 20)\""), "no growth bar of the 3 MiB")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs.path).sorted() == ["old.json", "report.html"], "a temporary file was left")
        let json = try dockdu("report", "--root", root.tree.path, "--compare", saved, "--json", "--no-cache", "--apparent-size")
        #expect(json.status == 65 && json.stderr.contains("cannot compare"), "size modes differ: \(json.stderr)")
        let notReport = try dockdu("report", "--root", root.tree.path, "--compare", root.tree.path + "/image/overlay2/repositories.json")
        #expect(notReport.status == 65 && notReport.stderr.contains("is not a dockdu report"))
        let missing = try dockdu("report", "--root", root.tree.path, "--compare", outputs.path + "/none.json")
        #expect(missing.status == 66)
    }

    @Test func aBadWorkerCountIsIgnoredWithAWarning() throws {
        let root = try HandMadeDataRoot()
        let arguments = ["report", "--root", root.tree.path, "--json", "--no-cache"]
        let plain = try dockdu(arguments, environment: [:])
        for value in ["0", "two", "99999"] {
            let run = try dockdu(arguments, environment: ["DOCKDU_WORKERS": value])
            #expect(run.status == 0)
            #expect(run.stderr.contains("ignoring DOCKDU_WORKERS='\(value)'"), "\(run.stderr)")
            #expect(run.stdout.count == plain.stdout.count, "the report is made as without it")
        }
        let one = try dockdu(arguments, environment: ["DOCKDU_WORKERS": "1"])
        #expect(one.status == 0 && one.stderr.isEmpty)
    }

    @Test func aFullStandardOutputIsAnError() throws {
        let root = try HandMadeDataRoot()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["report", "--root", root.tree.path, "--json", "--no-cache"]
        process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: "/dev/full"))
        let err = Pipe()
        process.standardError = err
        try process.run()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 74)
        #expect(stderr.contains("cannot write to standard output"))
    }

    @Test func aPartialScanExitsOneAndSaysSoOnStderr() throws {
        let root = try HandMadeDataRoot()
        try root.write("containers/\(root.liveContainer)/config.v2.json", "{ broken")
        let run = try dockdu("report", "--root", root.tree.path, "--json", "--no-cache")
        #expect(run.status == 1)
        #expect(try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8)).warnings.contains { $0.code == .corrupt })
        #expect(run.stderr.contains("1 part could not be read or parsed"))
    }
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "script(1) from util-linux gives the binary a terminal"))
struct ProgressLineTests {
    @Test func progressGoesToATerminalOnStderrAndNeverToStdout() throws {
        let root = try HandMadeDataRoot()
        let outputs = try TemporaryTree()
        for (extra, expectsProgress) in [("", true), (" --quiet", false)] {
            let command = "\(binary) report --root \(root.tree.path) --json --no-cache\(extra) > \(outputs.path)/out.json"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
            process.arguments = ["-qec", command, "/dev/null"]
            let terminal = Pipe()
            process.standardOutput = terminal
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let shown = terminal.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            // The line is cleared when the scan ends: `\r` then erase-to-end-of-line.
            #expect(shown.contains(Data("\r\u{1B}[K".utf8)) == expectsProgress, "\(String(decoding: shown, as: UTF8.self))")
            let json = try Data(contentsOf: URL(fileURLWithPath: outputs.path + "/out.json"))
            #expect(!json.contains(0x1B), "an escape sequence reached stdout")
            #expect(try JSONDecoder().decode(Report.self, from: json).schemaVersion == 1)
        }
    }

    @Test func theLineSaysWhereAndHowMuch() {
        let progress = WalkProgress()
        progress.add(inodes: 1234, allocatedBytes: 5 << 20)
        progress.started(Array("overlay2/abc".utf8) + [0x1B])
        #expect(ProgressLine.line(progress) == "\r\u{1B}[Kdockdu: 1234 files, 5.0 MiB; walking overlay2/abc\\e")
    }
}
