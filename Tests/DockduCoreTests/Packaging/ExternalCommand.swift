import Foundation

/// A program a test runs to its end: its exit status and what it wrote. For the shells, linters
/// and scripts that the packaging tests hold dockdu's generated and installed files against.
struct ExternalCommand {
    var status: Int32
    var output: String
    var errors: String

    /// Runs `executable` with `arguments` and no standard input; `environment` is added to this
    /// process's own, and a `nil` value removes a variable.
    static func run(
        _ executable: String, _ arguments: [String], environment: [String: String?] = [:], directory: String? = nil
    ) throws -> ExternalCommand {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        var merged = ProcessInfo.processInfo.environment
        for (name, value) in environment { merged[name] = value }
        process.environment = merged
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        // Standard error goes to a file, so that reading standard output to its end cannot wait
        // on a pipe that nobody reads.
        let errorsPath = FileManager.default.temporaryDirectory.appendingPathComponent("dockdu-stderr-\(UUID().uuidString)").path
        guard FileManager.default.createFile(atPath: errorsPath, contents: nil), let errorsFile = FileHandle(forWritingAtPath: errorsPath) else {
            throw CocoaError(.fileWriteUnknown)
        }
        defer { try? FileManager.default.removeItem(atPath: errorsPath) }
        let output = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = errorsFile
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try errorsFile.close()
        let errorsData = FileManager.default.contents(atPath: errorsPath) ?? Data()
        return ExternalCommand(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorsData, as: UTF8.self))
    }

    /// The path of the program `name` on PATH (or in the usual system directories), if any.
    static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        return directories.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// The repository's top folder, found from this file's place in it.
    static let repositoryRoot: String = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Packaging
        .deletingLastPathComponent()  // DockduCoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent().path
}
