/// The plan as an operator reviews it: actions grouped by kind, what each frees and why, the
/// total, what was kept back and why, and how to carry it out.
public struct HumanPlan: Sendable {
    public var plan: CleanupPlan
    public var exactBytes: Bool

    public init(plan: CleanupPlan, exactBytes: Bool) {
        self.plan = plan
        self.exactBytes = exactBytes
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
            var rows = [["ACTION", "FREES", "TARGET", "REASON"]]
            for action in plan.actions {
                rows.append([Self.label(action.kind), size(action.reclaimableBytes), Self.shortened(TerminalEscaping.escape(action.target)), TerminalEscaping.escape(action.reason)])
            }
            rows.append(["TOTAL", size(plan.reclaimableBytes), "\(plan.actions.count) action\(plan.actions.count == 1 ? "" : "s")", ""])
            lines += table(rows, rightAligned: [1])
        }
        if !plan.skipped.isEmpty {
            lines += ["", "KEPT (\(plan.skipped.count))"]
            lines += table([["TARGET", "WHY"]] + plan.skipped.map { [TerminalEscaping.escape($0.target), TerminalEscaping.escape($0.reason)] }, rightAligned: [])
        }
        if !plan.warnings.isEmpty {
            lines += ["", "\(plan.warnings.count) warning\(plan.warnings.count == 1 ? "" : "s") from the scan; see dockdu report."]
        }
        if !plan.actions.isEmpty {
            lines += ["", "To carry it out: dockdu plan --script > cleanup.sh, read cleanup.sh, then sh cleanup.sh"]
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Image and volume IDs as `docker images` shows them: 12 hex digits.
    static func shortened(_ target: String) -> String {
        let hex = Set("0123456789abcdef")
        if target.hasPrefix("sha256:"), target.count == 71, target.dropFirst(7).allSatisfy(hex.contains) {
            return String(target.dropFirst(7).prefix(12))
        }
        if target.count == 64, target.allSatisfy(hex.contains) { return String(target.prefix(12)) + "…" }
        return target
    }

    private func size(_ bytes: Int64) -> String { ByteCount.format(bytes, exact: exactBytes) }

    private func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var widths = Array(repeating: 0, count: columns)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        return rows.map { row in
            var line = ""
            for (index, cell) in row.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                let isLast = index == row.count - 1
                line += rightAligned.contains(index) ? padding + cell : cell + (isLast ? "" : padding)
                if !isLast { line += "  " }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }
}
