/// `dockdu report`: scan, then print the human report or the JSON document.
struct ReportCommand {
    var arguments: ParsedArguments

    func run() -> ExitStatus {
        let dataRoot = CommandLineTool.dataRoot(arguments)
        let mode: SizeMode = arguments.flag("apparent-size") ? .apparent : .disk
        let result: DataRootScan.Result
        let progressLine = ProgressLine.startIfWanted(quiet: arguments.flag("quiet"))
        do {
            result = try DataRootScan(dataRoot: dataRoot, progress: progressLine?.progress, cacheDirectory: CommandLineTool.cacheDirectory(arguments)).run()
            progressLine?.finish()
        } catch {
            progressLine?.finish()
            CommandLineTool.printError(error.message)
            return ExitStatus(error)
        }
        let report = result.report(dataRoot: dataRoot, mode: mode)
        let output: [UInt8]
        if arguments.flag("json") {
            do {
                output = try JSONRendering.render(report)
            } catch {
                CommandLineTool.printError("cannot encode the report: \(error)")
                return .software
            }
        } else {
            output = Array(HumanReport(report: report, exactBytes: arguments.flag("bytes"), summaryOnly: arguments.flag("quiet")).render().utf8)
        }
        ProcessEnvironment.write(output, to: 1)
        if result.isPartial {
            let failures = report.warnings.filter { $0.code == .unreadable || $0.code == .corrupt }.count
            CommandLineTool.printError("\(failures) part\(failures == 1 ? "" : "s") could not be read or parsed; the report lists them under warnings")
            return .partial
        }
        return .success
    }
}
