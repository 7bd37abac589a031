/// With `--compare OLD.json`: what grew and shrank per category and per owner, as bars whose
/// lengths are proportional to the change, each with its figure in words.
extension HTMLReport {
    var growth: String {
        guard let comparison else { return "" }
        var rows: [(String, String, ReportComparison.Status?, Int64, Int64, Int64)] = comparison.categories.map {
            ("category", HTMLEscaping.entities($0.category.label), nil, $0.oldBytes, $0.newBytes, $0.deltaBytes)
        }
        let items: [(String, [ReportComparison.ItemChange])] = [
            ("image", comparison.images), ("container", comparison.containers), ("logs", comparison.logs), ("volume", comparison.volumes),
        ]
        for (kind, changes) in items {
            rows += changes.map { (kind, HTMLEscaping.escape($0.name), $0.status, $0.oldBytes, $0.newBytes, $0.deltaBytes) }
        }
        rows += comparison.orphans.map { ("orphan", HTMLEscaping.escape($0.path), $0.status, $0.oldBytes, $0.newBytes, $0.deltaBytes) }
        let largest = max(1, rows.map { $0.5.magnitude }.max() ?? 1)
        var lines = [
            "<div class=\"scroll\"><table class=\"sortable\" id=\"growth-table\">",
            "<thead><tr><th scope=\"col\">Kind</th><th scope=\"col\">Name</th><th scope=\"col\">Status</th><th scope=\"col\">Before</th>"
                + "<th scope=\"col\">Now</th><th scope=\"col\">Change</th><th scope=\"col\">Growth</th></tr></thead>",
            "<tbody>",
        ]
        for (kind, name, status, old, new, delta) in rows {
            let percent = Double(delta.magnitude) * 100 / Double(largest)
            let sign = delta > 0 ? "+" : delta < 0 ? "-" : ""
            let bar = delta == 0 ? "" : "<span class=\"bar \(delta > 0 ? "grow" : "shrink")\" style=\"width:\(Self.coordinate(percent))%\"></span>"
            lines.append(
                "<tr><td>\(kind)</td><td class=\"name\">\(name)</td><td>\(status?.rawValue ?? "")</td>" + Self.cell(.bytes(old)) + Self.cell(.bytes(new))
                    + "<td class=\"num\" data-v=\"\(delta)\">\(sign)\(Self.size(Int64(clamping: delta.magnitude)))</td>"
                    + "<td style=\"min-width:10em\">\(bar) \(delta > 0 ? "grew" : delta < 0 ? "shrank" : "same")</td></tr>")
        }
        lines.append("</tbody></table></div>")
        return Self.section(
            id: "growth", title: "Since \(TerminalEscaping.escape(comparison.oldGeneratedAt))",
            note: "Total \(delta(comparison.total.deltaBytes)): \(Self.size(comparison.total.oldBytes)) then, \(Self.size(comparison.total.newBytes)) now.",
            table: lines.joined(separator: "\n"))
    }

    private func delta(_ bytes: Int64) -> String {
        bytes > 0 ? "grew by \(Self.size(bytes))" : bytes < 0 ? "shrank by \(Self.size(Int64(clamping: bytes.magnitude)))" : "unchanged"
    }
}
