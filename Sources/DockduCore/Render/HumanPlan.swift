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
            "",
        ]
        if plan.actions.isEmpty {
            lines.append("Nothing to clean up under this policy.")
        } else {
            var table = TextTable(columns: [.init("ACTION"), .init("FREES", .right), .init("TARGET"), .init("REASON", wraps: true)])
            for action in plan.actions {
                table.rows.append([Self.label(action.kind), size(action.reclaimableBytes), Self.shortened(action), TerminalEscaping.escape(action.reason)])
            }
            table.rows.append(["TOTAL", size(plan.reclaimableBytes), "\(plan.actions.count) action\(plan.actions.count == 1 ? "" : "s")", ""])
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
}
