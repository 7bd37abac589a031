import Foundation

/// The outcome of one external command.
struct CommandResult: Sendable {
    let command: [String]
    let status: Int32
    let stdout: Data
    let stderr: Data

    var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    var stderrText: String { String(decoding: stderr, as: UTF8.self) }

    /// For failure messages: the command, its status and the start of its stderr.
    var summary: String {
        "`\(command.joined(separator: " "))` exited \(status); stderr: \(stderrText.prefix(2000))"
    }
}

/// Runs commands to completion. Output goes to temporary files rather than pipes, so a command
/// that prints a lot on both streams cannot block.
enum CommandRunner {
    static func run(
        _ arguments: [String], environment: [String: String]? = nil, currentDirectory: String? = nil
    ) throws -> CommandResult {
        let fileManager = FileManager.default
        let outputDir = fileManager.temporaryDirectory
            .appendingPathComponent("dockdu-engine-tests-\(UUID().uuidString)")
        try fileManager.createDirectory(at: outputDir, withIntermediateDirectories: true)
        defer { try? fileManager.removeItem(at: outputDir) }
        let stdoutURL = outputDir.appendingPathComponent("stdout")
        let stderrURL = outputDir.appendingPathComponent("stderr")
        _ = fileManager.createFile(atPath: stdoutURL.path, contents: nil)
        _ = fileManager.createFile(atPath: stderrURL.path, contents: nil)
        let stdoutHandle = try FileHandle(forWritingTo: stdoutURL)
        let stderrHandle = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? stdoutHandle.close()
            try? stderrHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        if let environment {
            var merged = ProcessInfo.processInfo.environment
            merged.merge(environment) { _, new in new }
            process.environment = merged
        }
        if let currentDirectory {
            process.currentDirectoryURL = URL(fileURLWithPath: currentDirectory)
        }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = stdoutHandle
        process.standardError = stderrHandle
        try process.run()
        process.waitUntilExit()
        return CommandResult(
            command: arguments, status: process.terminationStatus,
            stdout: try Data(contentsOf: stdoutURL), stderr: try Data(contentsOf: stderrURL))
    }

    /// Runs a bash script; arguments after it are `$1`, `$2`, …
    static func bash(_ script: String, _ arguments: [String] = [], currentDirectory: String? = nil)
        throws -> CommandResult
    {
        try run(["bash", "-c", script, "bash"] + arguments, currentDirectory: currentDirectory)
    }

    /// Like ``bash(_:_:currentDirectory:)`` but throws when the script fails.
    @discardableResult
    static func bashChecked(_ script: String, _ arguments: [String] = [], currentDirectory: String? = nil)
        throws -> CommandResult
    {
        let result = try bash(script, arguments, currentDirectory: currentDirectory)
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        return result
    }
}

/// Bytes of a path, quoted for bash as `$'…'` so that any name (newlines, ESC, invalid UTF-8)
/// survives the trip to `du` and friends exactly.
func bashQuoted(_ bytes: [UInt8]) -> String {
    var quoted = "$'"
    for byte in bytes {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "/"), UInt8(ascii: "."),
            UInt8(ascii: "-"), UInt8(ascii: "_"):
            quoted.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            let octal = String(byte, radix: 8)
            quoted += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
        }
    }
    return quoted + "'"
}

func bashQuoted(_ path: String) -> String { bashQuoted(Array(path.utf8)) }
