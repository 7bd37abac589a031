/// The `dockdu` command line: parses arguments, runs a command, prints, and returns the exit
/// status. `main.swift` only calls ``run(arguments:)``.
public enum CommandLineTool {
    public static let version = "0.1.0"

    public static func run(arguments: [String]) -> Int32 {
        if arguments.first == "completions" { return completions(Array(arguments.dropFirst())).rawValue }
        let parsed: ParsedArguments
        do {
            parsed = try ArgumentParser().parse(arguments)
        } catch {
            let command = arguments.lazy.compactMap(Command.init(rawValue:)).first
            printError("\(error)\n\(OptionTable.usage(for: command))")
            return ExitStatus.usage.rawValue
        }
        if parsed.flag("help") {
            ProcessEnvironment.write(Array(OptionTable.helpText(for: parsed.command).utf8), to: 1)
            return ExitStatus.success.rawValue
        }
        if parsed.flag("version") {
            ProcessEnvironment.write(Array("dockdu \(version)\n".utf8), to: 1)
            return ExitStatus.success.rawValue
        }
        switch parsed.command {
        case .report: return ReportCommand(arguments: parsed).run().rawValue
        case .plan: return PlanCommand(arguments: parsed).run().rawValue
        case nil:
            printError(ArgumentError.missingCommand.description)
            return ExitStatus.usage.rawValue
        }
    }

    /// `dockdu completions bash|zsh|fish`: the shell completion script, made from the same option
    /// table the parser uses. Not a scan command, so it stands outside that table.
    static func completions(_ arguments: [String]) -> ExitStatus {
        let names = ShellCompletions.Shell.allCases.map(\.rawValue).joined(separator: "|")
        guard arguments.count == 1, let shell = ShellCompletions.Shell(rawValue: arguments[0]) else {
            if arguments == ["--help"] || arguments == ["-h"] {
                ProcessEnvironment.write(Array("usage: dockdu completions \(names)\n\nPrint a completion script for the shell, for example:\n  dockdu completions bash > /etc/bash_completion.d/dockdu\n".utf8), to: 1)
                return .success
            }
            printError("completions takes one shell: \(names)\nusage: dockdu completions \(names)")
            return .usage
        }
        ProcessEnvironment.write(Array(ShellCompletions.script(for: shell).utf8), to: 1)
        return .success
    }

    /// `dockdu: <message>` on standard error.
    static func printError(_ message: String) {
        ProcessEnvironment.write(Array("dockdu: \(message)\n".utf8), to: 2)
    }

    /// Scans the data root with the progress line and cache the options ask for; on failure the
    /// error is printed and its exit status returned.
    static func scan(_ arguments: ParsedArguments, dataRoot: String) -> Result<DataRootScan.Result, ScanFailure> {
        let progressLine = ProgressLine.startIfWanted(quiet: arguments.flag("quiet"))
        do {
            let workers = workerCount(ProcessEnvironment.variable("DOCKDU_WORKERS"), processors: ProcessEnvironment.processorCount)
            if let warning = workers.warning { printError(warning) }
            let result = try DataRootScan(dataRoot: dataRoot, workerCount: workers.count, progress: progressLine?.progress, cacheDirectory: cacheDirectory(arguments)).run()
            progressLine?.finish()
            return .success(result)
        } catch {
            progressLine?.finish()
            printError(error.message)
            return .failure(ScanFailure(status: ExitStatus(error)))
        }
    }

    /// Most threads `DOCKDU_WORKERS` may ask for.
    static let maximumWorkers = 1024

    /// How many threads walk: `DOCKDU_WORKERS` when it is a whole number from 1 to
    /// ``maximumWorkers``, else one per processor; a value that is set but not such a number is
    /// ignored with a warning rather than silently.
    static func workerCount(_ value: String?, processors: Int) -> (count: Int, warning: String?) {
        guard let value, !value.isEmpty else { return (processors, nil) }
        if let count = Int(value), (1...maximumWorkers).contains(count) { return (count, nil) }
        let shown = TerminalEscaping.escape(value)
        return (processors, "ignoring DOCKDU_WORKERS='\(shown)': it takes a whole number from 1 to \(maximumWorkers); using \(processors)")
    }

    struct ScanFailure: Error {
        var status: ExitStatus
    }

    /// Writes a command's output: to `--output FILE` atomically, else to standard output. A file
    /// under the data root is refused: dockdu never writes there.
    static func deliver(_ output: [UInt8], arguments: ParsedArguments, dataRoot: String) -> ExitStatus? {
        guard let path = arguments.value("output") else {
            if let error = ProcessEnvironment.write(output, to: 1) {
                printError("cannot write to standard output: \(error)")
                return .ioError
            }
            return nil
        }
        if PathFunctions.isWithin(path, directory: dataRoot) {
            printError("refusing --output \(TerminalEscaping.escape(path)): it is under the data root, which dockdu never writes to")
            return .usage
        }
        do {
            try AtomicFile.write(output, to: path)
        } catch {
            printError("cannot write \(TerminalEscaping.escape(path)): \(error)")
            return .cannotCreate
        }
        return nil
    }

    /// The layer cache directory: `--cache`, else /var/cache/dockdu for root; none with
    /// `--no-cache`.
    static func cacheDirectory(_ arguments: ParsedArguments) -> String? {
        if arguments.flag("no-cache") { return nil }
        if let directory = arguments.value("cache") { return directory }
        return ProcessEnvironment.isRoot ? "/var/cache/dockdu" : nil
    }

    /// The data root: `--root`, else `data-root` from `/etc/docker/daemon.json`, else
    /// `/var/lib/docker`.
    static func dataRoot(_ arguments: ParsedArguments) -> String {
        if let root = arguments.value("root") { return root }
        if let descriptor = try? FileDescriptor.openForReading(atPath: DaemonConfiguration.defaultPath),
           let bytes = try? descriptor.closeAfter({ file throws(Errno) in try file.readAll(limit: 1 << 20) }),
           let configured = try? DaemonConfiguration.parse(bytes).dataRoot, !configured.isEmpty {
            return configured
        }
        return DaemonConfiguration.defaultDataRoot
    }
}
