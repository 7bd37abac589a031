import Foundation

/// Runs a real outside parser or validator (promtool, python's jsonschema) on what dockdu
/// writes, so a test holds the output against the tool that will read it in production rather
/// than against our own idea of the format.
///
/// Such a tool may be missing on a developer's machine; a test that needs it is then skipped
/// there, but never on CI (`CI` set), where a missing tool means a missing install step and
/// fails the test with the package to add.
enum ExternalTool {
    struct Outcome: Sendable {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Whether this is a CI run, which must have every tool.
    static let isCI = ProcessInfo.processInfo.environment["CI"].map { !$0.isEmpty && $0 != "0" } ?? false

    /// The first executable named `name` on `PATH`, then in `fallbacks`.
    static func find(_ name: String, fallbacks: [String] = []) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        let candidates = path.split(separator: ":").map { "\($0)/\(name)" } + fallbacks
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs `executable` with `input` on its standard input. Input and output go through
    /// temporary files, so neither side can block on a full pipe whatever the sizes.
    static func run(_ executable: String, _ arguments: [String], input: [UInt8] = []) throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dockdu-tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputURL = directory.appendingPathComponent("stdin")
        let outputURL = directory.appendingPathComponent("stdout")
        let errorURL = directory.appendingPathComponent("stderr")
        try Data(input).write(to: inputURL)
        for url in [outputURL, errorURL] { try Data().write(to: url) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let stdin = try FileHandle(forReadingFrom: inputURL)
        let stdout = try FileHandle(forWritingTo: outputURL)
        let stderr = try FileHandle(forWritingTo: errorURL)
        defer { for handle in [stdin, stdout, stderr] { try? handle.close() } }
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus,
            standardOutput: String(decoding: try Data(contentsOf: outputURL), as: UTF8.self),
            standardError: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self))
    }
}
