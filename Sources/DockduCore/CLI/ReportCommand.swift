/// `dockdu report`: scan, then print the human report, the JSON document, Prometheus metrics, or
/// what changed since an earlier report.
struct ReportCommand {
    var arguments: ParsedArguments

    enum Format: String { case table, json, prometheus }

    func run() -> ExitStatus {
        let format: Format
        let requested = arguments.value("format") ?? (arguments.flag("json") ? "json" : "table")
        guard let parsed = Format(rawValue: requested), !(arguments.flag("json") && parsed != .json) else {
            return usage("--format takes table, json or prometheus (and --json is --format json), not '\(requested)'")
        }
        format = parsed
        var topN = PrometheusMetrics.defaultTopN
        if let text = arguments.value("top") {
            guard let value = Int(text), value >= 0 else { return usage("--top takes a whole number, not '\(text)'") }
            topN = value
        }
        if arguments.value("compare") != nil && format == .prometheus {
            return usage("--compare shows a table or JSON, not Prometheus metrics")
        }
        let dataRoot = CommandLineTool.dataRoot(arguments)
        let mode: SizeMode = arguments.flag("apparent-size") ? .apparent : .disk

        // Read the earlier report before the scan, so a bad file fails fast.
        var earlier: Report?
        if let path = arguments.value("compare") {
            switch Self.loadReport(path) {
            case .success(let report): earlier = report
            case .failure(let failure):
                CommandLineTool.printError(failure.message)
                return failure.status
            }
        }

        let result: DataRootScan.Result
        switch CommandLineTool.scan(arguments, dataRoot: dataRoot) {
        case .success(let scanned): result = scanned
        case .failure(let failure): return failure.status
        }
        let report = result.report(dataRoot: dataRoot, mode: mode)
        let output: [UInt8]
        do {
            if let earlier {
                let comparison = try ReportComparison(old: earlier, new: report)
                output = format == .json
                    ? try JSONRendering.render(comparison)
                    : Array(HumanComparison(comparison: comparison, exactBytes: arguments.flag("bytes")).render().utf8)
            } else {
                switch format {
                case .json: output = try JSONRendering.render(report)
                case .prometheus: output = Array(PrometheusMetrics(report: report, scanSeconds: result.seconds, topN: topN).render().utf8)
                case .table:
                    output = Array(HumanReport(report: report, exactBytes: arguments.flag("bytes"), summaryOnly: arguments.flag("quiet")).render().utf8)
                }
            }
        } catch let error as ReportComparisonError {
            CommandLineTool.printError("cannot compare with \(TerminalEscaping.escape(arguments.value("compare") ?? "")): \(error)")
            return .dataError
        } catch {
            CommandLineTool.printError("cannot encode the report: \(error)")
            return .software
        }
        if let failure = CommandLineTool.deliver(output, arguments: arguments, dataRoot: dataRoot) { return failure }
        if result.isPartial {
            let failures = report.warnings.filter { $0.code == .unreadable || $0.code == .corrupt }.count
            CommandLineTool.printError("\(failures) part\(failures == 1 ? "" : "s") could not be read or parsed; the report lists them under warnings")
            return .partial
        }
        return .success
    }

    private func usage(_ message: String) -> ExitStatus {
        CommandLineTool.printError("\(TerminalEscaping.escape(message))\n\(OptionTable.usage(for: .report))")
        return .usage
    }

    struct LoadFailure: Error {
        var message: String
        var status: ExitStatus
    }

    /// A report saved with `--json`.
    static func loadReport(_ path: String) -> Result<Report, LoadFailure> {
        let shown = TerminalEscaping.escape(path)
        let bytes: [UInt8]
        do {
            bytes = try FileDescriptor.openForReading(atPath: path).closeAfter { file throws(Errno) in try file.readAll(limit: 1 << 30) }
        } catch {
            return .failure(LoadFailure(message: "cannot read \(shown): \(error)", status: .noInput))
        }
        do {
            return .success(try ReportComparison.decodeReport(bytes))
        } catch {
            return .failure(LoadFailure(message: "\(shown) is not a dockdu report: \(error)", status: .dataError))
        }
    }
}
