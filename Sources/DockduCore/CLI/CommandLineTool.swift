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
            return emit(OptionTable.helpText(for: parsed.command, width: outputWidth)).rawValue
        }
        if parsed.flag("version") {
            return emit("dockdu \(version)\n").rawValue
        }
        switch parsed.command {
        case .report: return ReportCommand(arguments: parsed).run().rawValue
        case .plan: return PlanCommand(arguments: parsed).run().rawValue
        case .why: return WhyCommand(arguments: parsed).run().rawValue
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
                return emit("usage: dockdu completions \(names)\n\nPrint a completion script for the shell, for example:\n  dockdu completions bash > /etc/bash_completion.d/dockdu\n")
            }
            printError("completions takes one shell: \(names)\nusage: dockdu completions \(names)")
            return .usage
        }
        return emit(ShellCompletions.script(for: shell))
    }

    /// Writes `text` to standard output: success, or `EX_IOERR` with the reason on standard
    /// error when it cannot be written (a full disk, a closed pipe), as for every other output.
    static func emit(_ text: String) -> ExitStatus {
        guard let error = ProcessEnvironment.write(Array(text.utf8), to: 1) else { return .success }
        printError("cannot write to standard output: \(error)")
        return .ioError
    }

    /// Columns to lay text out in: the terminal's when standard output is one, else 80.
    static var outputWidth: Int {
        guard ProcessEnvironment.isTerminal(1), let columns = FileDescriptor(rawValue: 1).terminalColumns else { return 80 }
        return min(max(columns, 40), 200)
    }

    /// `dockdu: <message>` on standard error.
    static func printError(_ message: String) {
        ProcessEnvironment.write(Array("dockdu: \(message)\n".utf8), to: 2)
    }

    /// Scans the data root with the progress line and cache the options ask for; on failure the
    /// error is printed and its exit status returned.
    static func scan(_ arguments: ParsedArguments, dataRoot: String, cacheMaxAgeSeconds: Int64) -> Result<DataRootScan.Result, ScanFailure> {
        let progressLine = ProgressLine.startIfWanted(quiet: arguments.flag("quiet"))
        do {
            let workers = workerCount(ProcessEnvironment.variable("DOCKDU_WORKERS"), processors: ProcessEnvironment.processorCount)
            if let warning = workers.warning { printError(warning) }
            var scan = DataRootScan(dataRoot: dataRoot, workerCount: workers.count, progress: progressLine?.progress, cacheDirectory: cacheDirectory(arguments), cacheMaxAgeSeconds: cacheMaxAgeSeconds)
            scan.stores = storeOptions(arguments)
            scan.findsWaste = arguments.flag("wasted") || arguments.flag("verbose") || arguments.value("fail-wasted") != nil
            let result = try scan.run()
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

    /// Writes a command's output to `--output FILE` (see ``OutputFile`` for how a file, a link,
    /// a FIFO or a device is written), else to standard output. A file under the data root is
    /// refused: dockdu never writes there.
    static func deliver(_ output: [UInt8], arguments: ParsedArguments, dataRoot: String) -> ExitStatus? {
        guard let path = arguments.value("output") else {
            if let error = ProcessEnvironment.write(output, to: 1) {
                printError("cannot write to standard output: \(error)")
                return .ioError
            }
            return nil
        }
        let shown = TerminalEscaping.escape(path)
        if PathFunctions.isWithin(path, directory: dataRoot) {
            printError("refusing --output \(shown): it is under the data root, which dockdu never writes to")
            return .usage
        }
        do throws(OutputFileError) {
            try OutputFile.write(output, to: path)
        } catch {
            switch error {
            case .isDirectory: printError("cannot write --output \(shown): it is a directory; name a file in it")
            case .refused(let kind): printError("refusing --output \(shown): it is \(kind), which a report is not written over")
            case .danglingLink: printError("cannot write --output \(shown): it is a symbolic link to a file that does not exist")
            case .cannotCreate(let errno): printError("cannot write --output \(shown): \(errno)")
            case .cannotWrite(let errno): printError("cannot write --output \(shown): \(errno)")
            }
            return ExitStatus(error)
        }
        return nil
    }

    /// The layer cache directory: `--cache`, else /var/cache/dockdu for root; none with
    /// `--containerd-root`, `--containerd-namespace`, and daemon.json's store settings when it is
    /// the daemon's (no `--root`, or `DOCKDU_DAEMON_CONFIG` names it); an unreadable one is ignored
    /// here, as the data root's own reading has already said.
    static func storeOptions(_ arguments: ParsedArguments) -> StoreOptions {
        var options = StoreOptions(containerdRoot: arguments.value("containerd-root"), containerdNamespace: arguments.value("containerd-namespace"))
        let configured = ProcessEnvironment.variable("DOCKDU_DAEMON_CONFIG").flatMap { $0.isEmpty ? nil : $0 }
        if let path = configured ?? (arguments.value("root") == nil ? DaemonConfiguration.defaultPath : nil),
            let bytes = try? FileDescriptor.readRegularFile(atPath: path, limit: 1 << 20) {
            options.settings = try? StoreSettings.parse(bytes)
        }
        return options
    }

    /// `--no-cache`.
    static func cacheDirectory(_ arguments: ParsedArguments) -> String? {
        if arguments.flag("no-cache") { return nil }
        if let directory = arguments.value("cache") { return directory }
        return ProcessEnvironment.isRoot ? "/var/cache/dockdu" : nil
    }

    /// The data root: `--root`, else `data-root` from daemon.json (`DOCKDU_DAEMON_CONFIG`, else
    /// /etc/docker/daemon.json), else `/var/lib/docker`. A daemon.json that is there but
    /// unusable stops the run (`EX_CONFIG`) rather than scanning a guessed root.
    static func dataRoot(_ arguments: ParsedArguments) -> Result<String, DaemonConfigurationError> {
        if let root = arguments.value("root") { return .success(root) }
        let path = ProcessEnvironment.variable("DOCKDU_DAEMON_CONFIG").flatMap { $0.isEmpty ? nil : $0 } ?? DaemonConfiguration.defaultPath
        do throws(DaemonConfigurationError) {
            return .success(try DaemonConfiguration.dataRoot(configurationAt: path))
        } catch {
            return .failure(error)
        }
    }
}
