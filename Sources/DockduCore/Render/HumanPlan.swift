/// The plan as an operator reviews it: actions grouped by kind, what each frees and why, the
/// total, what was kept back and why, and how to carry it out.
public struct HumanPlan: Sendable {
    public var plan: CleanupPlan
    public var exactBytes: Bool
    /// Terminal columns: reasons are wrapped to fit, the exact text staying in `--json`.
    public var width: Int

    public init(plan: CleanupPlan, exactBytes: Bool, width: Int = 80) {
        self.plan = plan
        self.exactBytes = exactBytes
        self.width = width
    }

    static func label(_ kind: PlanAction.Kind) -> String {
        switch kind {
        case .removeContainer: "remove container"
        case .removeVolume: "remove volume"
        case .removeImage: "remove image"
        case .pruneBuildCache: "prune build cache"
        case .truncateLog: "truncate log"
        case .removeOrphan: "remove orphan"
        }
    }

    public func render() -> String {
        let mode = plan.sizeMode == .disk ? "disk (allocated blocks, as du -sx)" : "apparent (st_size, as docker system df)"
        var lines = [
            "Cleanup plan for \(TerminalEscaping.escape(plan.dataRoot)): a dry run, nothing has been removed.",
            "Sizes: \(mode); scanned \(plan.generatedAt).",
        ]
        lines += targetLines.flatMap { TextWrapping.wrap($0, width: width) }
        lines.append("")
        if plan.target?.belowHighWater == true {
            lines.append("Nothing to clean up: the file system is under its high-water mark.")
        } else if plan.actions.isEmpty {
            lines.append(plan.target == nil ? "Nothing to clean up under this policy." : "Nothing to clean up to reach the target.")
        } else {
            // With a target the order is least recently used first: show what it rests on.
            let showAge = plan.target?.requestedBytes != nil
            var columns: [TextTable.Column] = [.init("ACTION"), .init("FREES", .right)]
            if showAge { columns.append(.init("LAST USED", .right)) }
            columns += [.init("TARGET"), .init("REASON", wraps: true)]
            var table = TextTable(columns: columns)
            for action in plan.actions {
                var row = [Self.label(action.kind), size(action.reclaimableBytes)]
                if showAge { row.append(age(action.lastUsedAt)) }
                table.rows.append(row + [Self.shortened(action), TerminalEscaping.escape(action.reason)])
            }
            var total = ["TOTAL", size(plan.reclaimableBytes)]
            if showAge { total.append("") }
            table.rows.append(total + ["\(plan.actions.count) action\(plan.actions.count == 1 ? "" : "s")", ""])
            lines += table.render(width: width)
        }
        if !plan.skipped.isEmpty {
            lines += ["", "KEPT (\(plan.skipped.count))"]
            let kept = TextTable(columns: [.init("TARGET"), .init("WHY", wraps: true)], rows: plan.skipped.map { [TerminalEscaping.escape($0.target), TerminalEscaping.escape($0.reason)] })
            lines += kept.render(width: width)
        }
        if !plan.notes.isEmpty {
            lines += ["", "LEFT OUT"] + plan.notes.map { "  " + TerminalEscaping.escape($0) }
        }
        if !plan.warnings.isEmpty {
            lines += ["", "\(plan.warnings.count) warning\(plan.warnings.count == 1 ? "" : "s") from the scan; see dockdu report."]
        }
        if !plan.actions.isEmpty {
            lines += [""] + TextWrapping.wrap("To carry it out: dockdu plan --script > cleanup.sh; read it, then sh cleanup.sh", width: width)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Image IDs as `docker images` shows them, anonymous volumes shortened, orphan paths from
    /// their exact bytes; escaped.
    static func shortened(_ action: PlanAction) -> String {
        switch action.kind {
        case .removeImage where action.target.hasPrefix("sha256:"): DisplayNames.shortID(action.target)
        case .removeVolume: DisplayNames.volumeName(action.target)
        default: DisplayNames.path(action.target, base64: action.targetBase64)
        }
    }

    private func size(_ bytes: Int64) -> String { ByteCount.format(bytes, exact: exactBytes) }

    private func age(_ time: String?) -> String {
        guard let seconds = time.flatMap(Timestamp.parse), let now = Timestamp.parse(plan.generatedAt) else { return "-" }
        return seconds >= now ? "now" : "\(Duration.describe(now - seconds)) ago"
    }

    /// What `--free`, `--until-free` or `--high-water` asked and what the plan makes of it.
    private var targetLines: [String] {
        guard let target = plan.target else { return [] }
        var lines: [String] = []
        if let filesystem = target.filesystem {
            lines.append("File system: \(size(filesystem.sizeBytes)), \(size(filesystem.availableBytes)) available, \(Int(filesystem.usedPercent.rounded(.up)))% used.")
        }
        if let highWater = target.highWaterPercent, target.belowHighWater == true {
            lines.append("Under --high-water \(CleanupPlanner.percent(highWater)): nothing is planned until it is used more.")
        }
        if let requested = target.requestedBytes {
            let planned = target.plannedBytes ?? 0
            // --until-free's bytes come from the file system: say them; --free's are the rule.
            let wanted = target.rule.hasPrefix("--free") ? target.rule : "\(target.rule) (\(size(requested)))"
            let taken = "\(plan.actions.count) least recently used of \(target.candidates ?? 0) allowed removal\(target.candidates == 1 ? "" : "s")"
            if requested == 0 {
                lines.append("Target \(target.rule): already reached; nothing needs to go.")
            } else if target.reached == true {
                lines.append("Target \(wanted): reached by the \(taken), freeing \(size(planned)).")
            } else {
                lines.append("Target \(wanted): cannot be reached; every allowed removal frees \(size(planned)), \(size(target.shortBytes ?? 0)) short.")
            }
        }
        return lines
    }
}
