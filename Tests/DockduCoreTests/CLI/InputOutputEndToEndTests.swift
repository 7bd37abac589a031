import Foundation
import Glibc
import Testing
@testable import DockduCore

/// The real binary against inputs and outputs that are not plain files: FIFOs, devices,
/// symbolic links, directories, oversize files, a full disk, a broken daemon.json. Each run has a
/// deadline, so a hang fails the test instead of the suite.
private struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    let seconds: Double
}

private var binary: String {
    Bundle.module.bundleURL.deletingLastPathComponent().appendingPathComponent("dockdu").path
}

/// Runs dockdu with stdout and stderr in files (or stdout to `stdoutPath`), killed after
/// `timeout` seconds (then status is -1).
private func dockdu(_ arguments: [String], environment: [String: String] = [:], stdoutPath: String? = nil, timeout: Double = 60) throws -> Run {
    let scratch = try TemporaryTree()
    let outPath = stdoutPath ?? scratch.path + "/stdout"
    let errPath = scratch.path + "/stderr"
    if stdoutPath == nil { FileManager.default.createFile(atPath: outPath, contents: nil) }
    FileManager.default.createFile(atPath: errPath, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: binary)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
    let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
    defer { try? out.close(); try? err.close() }
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    let start = Date()
    try process.run()
    while process.isRunning && Date().timeIntervalSince(start) < timeout { usleep(20_000) }
    let timedOut = process.isRunning
    if timedOut { process.terminate() }
    process.waitUntilExit()
    let stdout = stdoutPath == nil ? (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "" : ""
    return Run(status: timedOut ? -1 : process.terminationStatus, stdout: stdout,
               stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "", seconds: Date().timeIntervalSince(start))
}

private func fileType(_ path: String) -> mode_t {
    var raw = stat()
    return lstat(path, &raw) == 0 ? raw.st_mode & S_IFMT : 0
}

@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: binary), "the dockdu binary is built beside the tests"))
struct InputOutputEndToEndTests {
    // MARK: --output

    /// A character device stays one: written in place, never renamed over. A private copy of
    /// /dev/null (made with mknod, as root) is used, so a regression cannot replace the system's.
    @Test(.enabled(if: geteuid() == 0, "mknod needs root")) func outputOntoACharacterDeviceWritesInPlace() throws {
        let root = try HandMadeDataRoot()
        let outputs = try TemporaryTree()
        let device = outputs.path + "/null"
        try #require(mknod(device, S_IFCHR | 0o666, dev_t((1 << 8) | 3)) == 0)
        let run = try dockdu(["report", "--root", root.tree.path, "--json", "--no-cache", "--output", device])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(fileType(device) == S_IFCHR, "--output replaced the device with a file")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs.path) == ["null"], "a temporary file was left")
    }

    @Test func outputOntoAFIFOReachesItsReader() throws {
        let root = try HandMadeDataRoot()
        let outputs = try TemporaryTree()
        let fifo = outputs.path + "/fifo"
        try #require(mkfifo(fifo, 0o600) == 0)
        let received = Received()
        let reader = Thread {
            let fd = open(fifo, O_RDONLY)
            var bytes: [UInt8] = []
            var chunk = [UInt8](repeating: 0, count: 4096)
            while fd >= 0 {
                let count = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if count <= 0 { break }
                bytes += chunk[0..<count]
            }
            close(fd)
            received.set(bytes)
        }
        reader.start()
        let run = try dockdu(["report", "--root", root.tree.path, "--json", "--no-cache", "--output", fifo], timeout: 30)
        #expect(run.status == 0, "\(run.stderr)")
        var waited = 0
        while received.get() == nil && waited < 500 { usleep(10_000); waited += 1 }
        let report = try JSONDecoder().decode(Report.self, from: Data(try #require(received.get())))
        #expect(report.totalBytes == (try root.tree.du()))
        #expect(fileType(fifo) == S_IFIFO)
    }

    @Test func outputThroughASymbolicLinkReplacesTheFileItNames() throws {
        let root = try HandMadeDataRoot()
        let outputs = try TemporaryTree()
        try "old".write(toFile: outputs.path + "/real.json", atomically: false, encoding: .utf8)
        try outputs.symbolicLink("real.json", at: "link.json")
        let run = try dockdu(["report", "--root", root.tree.path, "--json", "--no-cache", "--output", outputs.path + "/link.json"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(fileType(outputs.path + "/link.json") == S_IFLNK, "the link was replaced by a file")
        let written = try Data(contentsOf: URL(fileURLWithPath: outputs.path + "/real.json"))
        #expect(try JSONDecoder().decode(Report.self, from: written).schemaVersion == 1)
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: outputs.path)) == ["real.json", "link.json"])

        try outputs.symbolicLink("missing.json", at: "dangling.json")
        let dangling = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--output", outputs.path + "/dangling.json"])
        #expect(dangling.status == 73 && dangling.stderr.contains("symbolic link to a file that does not exist"), "\(dangling.stderr)")
    }

    @Test func outputOntoADirectoryIsRefused() throws {
        let root = try HandMadeDataRoot()
        let outputs = try TemporaryTree()
        let run = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--output", outputs.path])
        #expect(run.status == 73)
        #expect(run.stderr == "dockdu: cannot write --output \(outputs.path): it is a directory; name a file in it\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outputs.path).isEmpty)
    }

    @Test func outputOntoAFullDeviceIsAnIOError() throws {
        let root = try HandMadeDataRoot()
        let run = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--output", "/dev/full"])
        #expect(run.status == 74 && run.stderr.contains("No space left on device"), "\(run.stderr)")
        #expect(fileType("/dev/full") == S_IFCHR)
    }

    // MARK: --compare

    @Test func compareOnAFIFOFailsAtOnce() throws {
        let root = try HandMadeDataRoot()
        let inputs = try TemporaryTree()
        let fifo = inputs.path + "/old.json"
        try #require(mkfifo(fifo, 0o600) == 0)
        let run = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--compare", fifo], timeout: 10)
        #expect(run.status == 66, "status \(run.status) after \(run.seconds)s (-1: it hung)")
        #expect(run.stderr.contains("it is a FIFO, not a report saved with --json"), "\(run.stderr)")
        #expect(run.seconds < 5)
    }

    @Test func compareOnDevicesAndDirectoriesFailsAtOnce() throws {
        let root = try HandMadeDataRoot()
        for (path, kind) in [("/dev/zero", "a character device"), (root.tree.path, "a directory")] {
            let run = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--compare", path], timeout: 10)
            #expect(run.status == 66, "\(path): status \(run.status)")
            #expect(run.stderr.contains("it is \(kind)"), "\(run.stderr)")
        }
    }

    @Test func compareOnAnOversizeFileFailsBeforeReadingIt() throws {
        let root = try HandMadeDataRoot()
        let inputs = try TemporaryTree()
        try inputs.file("huge.json", size: 300 << 20, sparse: true)
        let run = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--compare", inputs.path + "/huge.json"], timeout: 10)
        #expect(run.status == 65, "status \(run.status)")
        #expect(run.stderr.contains("larger than 256 MiB"), "\(run.stderr)")
    }

    @Test func compareSaysWhatIsWrongWithTheDocumentInPlainWords() throws {
        let root = try HandMadeDataRoot()
        let inputs = try TemporaryTree()
        try #"{"schemaVersion": 1, "dataRoot": 7}"#.write(toFile: inputs.path + "/bad.json", atomically: false, encoding: .utf8)
        let run = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--compare", inputs.path + "/bad.json"])
        #expect(run.status == 65)
        #expect(!run.stderr.contains("DecodingError") && !run.stderr.contains("CodingKeys"), "\(run.stderr)")
        try #"{"schemaVersion": 1, "#.write(toFile: inputs.path + "/cut.json", atomically: false, encoding: .utf8)
        let cut = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--compare", inputs.path + "/cut.json"])
        #expect(cut.status == 65 && cut.stderr.contains("not JSON: unexpected end at byte 21"), "\(cut.stderr)")
    }

    /// The earlier report is of another size mode or data root: said before the scan, which an
    /// unreadable data root proves (a scan would fail with 66 instead).
    @Test func compareMismatchFailsBeforeTheScan() throws {
        let root = try HandMadeDataRoot()
        let inputs = try TemporaryTree()
        let saved = inputs.path + "/old.json"
        #expect(try dockdu(["report", "--root", root.tree.path, "--json", "--no-cache", "--output", saved]).status == 0)
        let mode = try dockdu(["report", "--root", root.tree.path, "--no-cache", "--apparent-size", "--compare", saved])
        #expect(mode.status == 65 && mode.stderr.contains("run again without --apparent-size"), "\(mode.stderr)")
        let other = try dockdu(["report", "--root", "/nonexistent/docker", "--no-cache", "--compare", saved])
        #expect(other.status == 65 && other.stderr.contains("compare reports of the same data root"), "\(other.stderr)")
    }

    // MARK: help, version, completions

    @Test(arguments: [["--help"], ["report", "--help"], ["plan", "-h"], ["--version"], ["completions", "bash"], ["completions", "--help"]])
    func everyOutputToAFullDiskExits74(arguments: [String]) throws {
        let run = try dockdu(arguments, stdoutPath: "/dev/full")
        #expect(run.status == 74, "\(arguments): \(run.status)")
        #expect(run.stderr == "dockdu: cannot write to standard output: No space left on device\n")
    }

    // MARK: daemon.json

    @Test func aBrokenDaemonConfigurationStopsTheRunUnlessRootIsGiven() throws {
        let root = try HandMadeDataRoot()
        let config = try TemporaryTree()
        let cases: [(String, String)] = [
            ("{ \"data-root\": ", "is not a valid daemon.json: not JSON: unexpected end at byte 15"),
            ("{\"data-root\": 5}", "at data-root: expected a string, found a number"),
            ("{\"data-root\": \"docker\"}", "sets data-root to 'docker', which is not an absolute path"),
        ]
        for (index, (text, reason)) in cases.enumerated() {
            let path = config.path + "/daemon\(index).json"
            try text.write(toFile: path, atomically: false, encoding: .utf8)
            let run = try dockdu(["report", "--json", "--no-cache"], environment: ["DOCKDU_DAEMON_CONFIG": path])
            #expect(run.status == 78, "\(text): \(run.status) \(run.stderr)")
            #expect(run.stderr.contains(path) && run.stderr.contains(reason) && run.stderr.contains("--root DIR"), "\(run.stderr)")
            #expect(run.stdout.isEmpty)
            let plan = try dockdu(["plan", "--json", "--no-cache"], environment: ["DOCKDU_DAEMON_CONFIG": path])
            #expect(plan.status == 78)
            let given = try dockdu(["report", "--json", "--no-cache", "--root", root.tree.path], environment: ["DOCKDU_DAEMON_CONFIG": path])
            #expect(given.status == 0, "--root wins: \(given.stderr)")
        }
    }

    @Test func aDaemonConfigurationNamesTheRootAndAMissingOneIsTheDefault() throws {
        let root = try HandMadeDataRoot()
        let config = try TemporaryTree()
        let path = config.path + "/daemon.json"
        try "{\"data-root\": \"\(root.tree.path)\", \"storage-driver\": \"overlay2\"}".write(toFile: path, atomically: false, encoding: .utf8)
        let run = try dockdu(["report", "--json", "--no-cache"], environment: ["DOCKDU_DAEMON_CONFIG": path])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try JSONDecoder().decode(Report.self, from: Data(run.stdout.utf8)).dataRoot == root.tree.path)
        #expect(try DaemonConfiguration.dataRoot(configurationAt: config.path + "/none.json") == "/var/lib/docker")
        #expect(try DaemonConfiguration.dataRoot(configurationAt: path) == root.tree.path)
    }

    // MARK: numbers

    @Test func numbersPastInt64AreUsageErrors() throws {
        for arguments in [["plan", "--older-than", "9223372036854775808s"], ["plan", "--orphan-min-age", "9223372036854775807s1s"],
                          ["plan", "--log-threshold", "9000000000T"], ["report", "--top", "99999999999999999999"], ["report", "--cache-max-age", "106751991167301d"]] {
            let run = try dockdu(arguments)
            #expect(run.status == 64, "\(arguments.prefix(3)): \(run.status)")
            #expect(run.stderr.contains("is too large: at most"), "\(run.stderr.prefix(200))")
        }
    }
}

/// What the FIFO's reader thread received.
private final class Received: @unchecked Sendable {
    private let lock = NSLock()
    private var bytes: [UInt8]?
    func set(_ value: [UInt8]) { lock.withLock { bytes = value } }
    func get() -> [UInt8]? { lock.withLock { bytes } }
}
