import FoundationEssentials

/// `dockdu report`: scan, then print the human report, the JSON document, Prometheus metrics, an
/// HTML page, or
/// what changed since an earlier report.
struct ReportCommand {
    var arguments: ParsedArguments

    enum Format: String { case table, json, prometheus, html }

    /// Most series `--top` may ask for of each kind; more is a mistake, not a dashboard.
    static let maximumTopN = 100_000
    /// An earlier report larger than this is refused before it is read: dockdu's reports of the
    /// largest hosts are a few MiB.
    static let reportSizeLimit = 256 << 20

    /// What the options ask for, each value checked before anything is read.
    struct Options {
        var format: Format
        var topN: Int
        var cacheMaxAgeSeconds: Int64
        /// `--fail-wasted`: the largest share of an image's bytes, 0 to 1, that may be hidden.
        var failWastedShare: Double?
    }

    func options() -> Result<Options, ArgumentMessage> {
        let requested = arguments.value("format") ?? (arguments.flag("json") ? "json" : "table")
        guard let format = Format(rawValue: requested), !(arguments.flag("json") && format != .json) else {
            return .failure(ArgumentMessage("--format takes table, json, prometheus or html (and --json is --format json), not '\(requested)'"))
        }
        if arguments.value("compare") != nil && format == .prometheus {
            return .failure(ArgumentMessage("--compare shows a table, JSON or HTML, not Prometheus metrics"))
        }
        var failWastedShare: Double?
        if let text = arguments.value("fail-wasted") {
            guard let percent = Self.percent(text) else {
                return .failure(ArgumentMessage("--fail-wasted takes a percentage from 0 to 100 (such as 10 or 2.5), not '\(text)'"))
            }
            failWastedShare = percent / 100
        }
        return arguments.count("top", in: 0...Self.maximumTopN).flatMap { topN in
            arguments.cacheMaxAgeSeconds().map { maxAge in
                Options(format: format, topN: topN ?? PrometheusMetrics.defaultTopN, cacheMaxAgeSeconds: maxAge, failWastedShare: failWastedShare)
            }
        }
    }

    func run() -> ExitStatus {
        let options: Options
        switch self.options() {
        case .success(let value): options = value
        case .failure(let message): return usage(message.text)
        }
        let dataRoot: String
        switch CommandLineTool.dataRoot(arguments) {
        case .success(let root): dataRoot = root
        case .failure(let error):
            CommandLineTool.printError(error.description)
            return .configuration
        }
        let mode: SizeMode = arguments.flag("apparent-size") ? .apparent : .disk

        // Read the earlier report, and check that it can be compared, before the scan, so a bad
        // file fails in a moment rather than after minutes of walking.
        var earlier: Report?
        if let path = arguments.value("compare") {
            switch Self.loadReport(path).flatMap({ Self.check($0, comparableWith: dataRoot, mode: mode, path: path) }) {
            case .success(let report): earlier = report
            case .failure(let failure):
                CommandLineTool.printError(failure.message)
                return failure.status
            }
        }

        let result: DataRootScan.Result
        switch CommandLineTool.scan(arguments, dataRoot: dataRoot, cacheMaxAgeSeconds: options.cacheMaxAgeSeconds) {
        case .success(let scanned): result = scanned
        case .failure(let failure): return failure.status
        }
        let report = result.report(dataRoot: dataRoot, mode: mode)
        let output: [UInt8]
        switch render(report, earlier: earlier, options: options, scanSeconds: result.seconds) {
        case .success(let bytes): output = bytes
        case .failure(let failure):
            CommandLineTool.printError(failure.message)
            return failure.status
        }
        if let failure = CommandLineTool.deliver(output, arguments: arguments, dataRoot: dataRoot) { return failure }
        if let share = options.failWastedShare {
            let wasteful = Self.wastefulImages(report, share: share)
            if !wasteful.isEmpty {
                for image in wasteful {
                    let percent = ((1 - (image.efficiency ?? 1)) * 1000).rounded() / 10
                    CommandLineTool.printError("image \(DisplayNames.shortID(image.id)) wastes \(percent)% of its bytes (more than --fail-wasted allows)")
                }
                return .wasteful
            }
        }
        if result.isPartial {
            let failures = report.warnings.filter { $0.code == .unreadable || $0.code == .corrupt }.count
            CommandLineTool.printError("\(failures) part\(failures == 1 ? "" : "s") could not be read or parsed; the report lists them under warnings")
            return .partial
        }
        return .success
    }

    private func render(_ report: Report, earlier: Report?, options: Options, scanSeconds: Double) -> Result<[UInt8], LoadFailure> {
        let exactBytes = arguments.flag("bytes")
        let width = CommandLineTool.outputWidth
        do {
            if let earlier {
                let comparison = try ReportComparison(old: earlier, new: report)
                switch options.format {
                case .json: return .success(try JSONRendering.render(comparison))
                case .html: return .success(Array(HTMLReport(report: report, comparison: comparison).render().utf8))
                default: return .success(Array(HumanComparison(comparison: comparison, exactBytes: exactBytes).render().utf8))
                }
            }
            switch options.format {
            case .json: return .success(try JSONRendering.render(report))
            case .html: return .success(Array(HTMLReport(report: report).render().utf8))
            case .prometheus: return .success(Array(PrometheusMetrics(report: report, scanSeconds: scanSeconds, topN: options.topN).render().utf8))
            case .table:
                return .success(Array(HumanReport(report: report, exactBytes: exactBytes, width: width, summaryOnly: arguments.flag("quiet"), verbose: arguments.flag("verbose")).render().utf8))
            }
        } catch let error as ReportComparisonError {
            return .failure(LoadFailure(message: "cannot compare with \(TerminalEscaping.escape(arguments.value("compare") ?? "")): \(error)", status: .dataError))
        } catch {
            return .failure(LoadFailure(message: "cannot encode the report: \(error)", status: .software))
        }
    }

    /// `10`, `2.5`: digits with at most one point, from 0 to 100.
    static func percent(_ text: String) -> Double? {
        guard !text.isEmpty, text.count <= 12, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              text.filter({ $0 == "." }).count <= 1, text.first != ".", text.last != ".",
              let value = Double(text), value >= 0, value <= 100 else { return nil }
        return value
    }

    /// Images whose hidden share of apparent bytes (1 - efficiency) is above `share`.
    static func wastefulImages(_ report: Report, share: Double) -> [ImageUsage] {
        report.images.filter { image in image.efficiency.map { 1 - $0 > share + 1e-9 } ?? false }
    }

    private func usage(_ message: String) -> ExitStatus {
        CommandLineTool.printError("\(TerminalEscaping.escape(message))\n\(OptionTable.usage(for: .report))")
        return .usage
    }

    struct LoadFailure: Error {
        var message: String
        var status: ExitStatus
    }

    /// The earlier report when this run's will be comparable with it: of the same data root,
    /// counted in the same size mode (what ``ReportComparison`` requires, checked before the scan).
    static func check(_ earlier: Report, comparableWith dataRoot: String, mode: SizeMode, path: String) -> Result<Report, LoadFailure> {
        let problem: ReportComparisonError? =
            earlier.dataRoot != dataRoot ? .dataRootDiffers(old: earlier.dataRoot, new: dataRoot)
            : earlier.sizeMode != mode ? .sizeModeDiffers(old: earlier.sizeMode, new: mode) : nil
        guard let problem else { return .success(earlier) }
        return .failure(LoadFailure(message: "cannot compare with \(TerminalEscaping.escape(path)): \(problem)", status: .dataError))
    }

    /// A report saved with `--json`, from a regular file of at most ``reportSizeLimit`` bytes;
    /// a FIFO or a device is refused at once rather than waited on or read without end.
    static func loadReport(_ path: String) -> Result<Report, LoadFailure> {
        let shown = TerminalEscaping.escape(path)
        let bytes: [UInt8]
        do throws(InputFileError) {
            bytes = try FileDescriptor.readRegularFile(atPath: path, limit: reportSizeLimit)
        } catch {
            let message: String
            switch error {
            case .cannotOpen(let errno), .cannotRead(let errno): message = "cannot read \(shown): \(errno)"
            case .notRegularFile(let kind): message = "cannot compare with \(shown): it is \(kind), not a report saved with --json"
            case .tooLarge(_, let limit):
                message = "cannot compare with \(shown): it is larger than \(limit >> 20) MiB, more than a dockdu report can be"
            }
            return .failure(LoadFailure(message: message, status: ExitStatus(error)))
        }
        do throws(ReportComparisonError) {
            return .success(try ReportComparison.decodeReport(bytes))
        } catch {
            guard case .notAReport = error else {
                return .failure(LoadFailure(message: "\(error)", status: .dataError))
            }
            // Decoded again for the decoder's own error, put in plain words.
            var reason = "it does not decode"
            do { _ = try JSONDecoder().decode(Report.self, from: Data(bytes)) } catch { reason = DecodingProblem.describe(error, in: bytes) }
            return .failure(LoadFailure(message: "\(shown) is not a dockdu report: \(reason); give a file written by dockdu report --json", status: .dataError))
        }
    }
}
