import FoundationEssentials

/// `dockdu report --format html`: one self-contained page (inline CSS, inline SVG, one small
/// script) to open from a mail or a jump host, with no network access at all.
///
/// Everything is in the static HTML: the treemap is SVG laid out here (``TreemapLayout``), the
/// tables are complete and in the human report's order, and the script only adds click-to-sort
/// on table headers, so the page reads the same with JavaScript off. Every name goes through
/// ``HTMLEscaping``; the Content-Security-Policy forbids every load and every script but the
/// page's own (by its hash), so a name that slipped through could still not run.
public struct HTMLReport: Sendable {
    public var report: Report
    /// What changed since an earlier report (`--compare`): adds growth bars per owner.
    public var comparison: ReportComparison?

    public init(report: Report, comparison: ReportComparison? = nil) {
        self.report = report
        self.comparison = comparison
    }

    public func render() -> String {
        let title = "dockdu report of \(HTMLEscaping.escape(report.dataRoot))"
        var body = [
            "<header><h1>\(title)</h1>", "<p>\(headerLine)</p></header>",
            "<main>", summary, treemap,
        ]
        if comparison != nil { body.append(growth) }
        body += [images, layerSharing, containers, volumes]
        if report.buildCache != nil { body.append(buildCache) }
        body += [orphans, warnings, "</main>"]
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="\(Self.contentSecurityPolicy)">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>
            \(body.joined(separator: "\n"))
            <script>\(Self.sortScript)</script>
            </body>
            </html>

            """
    }

    /// No load of any kind; inline styles; only the page's own script, named by its hash.
    static var contentSecurityPolicy: String {
        let hash = Data(SHA256.digest(Array(sortScript.utf8))).base64EncodedString()
        return "default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-\(hash)'; img-src data:; base-uri 'none'; form-action 'none'"
    }

    private var headerLine: String {
        let mode =
            switch report.sizeMode {
            case .disk: "disk (allocated blocks, as du -sx)"
            case .apparent: "apparent (st_size, as docker system df)"
            }
        return "Sizes: \(mode). Scanned \(HTMLEscaping.escape(report.generatedAt)). Total \(Self.size(report.totalBytes))."
    }

    // MARK: Summary and warnings

    private var summary: String {
        let reclaimable = report.reclaimable
        var rows: [[Cell]] = Category.allCases.map { category in
            let entry = reclaimable[category]
            return [
                .text(category.label), .bytes(report.categories[category]), .bytes(entry.bytes),
                entry.itemCount.map { .count($0) } ?? .text("-"),
                entry.reclaimableItemCount.map { .count($0) } ?? .text("-"),
            ]
        }
        rows.append([.text("TOTAL"), .bytes(report.totalBytes), .bytes(reclaimable.totalBytes), .text(""), .text("")])
        return Self.section(
            id: "summary", title: "Summary",
            table: Self.table(id: "summary-table", headers: ["Category", "Size", "Reclaimable", "Items", "Unused"], rows: rows))
    }

    private var warnings: String {
        guard !report.warnings.isEmpty else {
            return "<section id=\"warnings\"><h2>Warnings</h2><p>No warnings.</p></section>"
        }
        let rows: [[Cell]] = report.warnings.map { warning in
            [.text(warning.code.rawValue), .name(warning.path.isEmpty ? "." : warning.path), .name(warning.message)]
        }
        return Self.section(
            id: "warnings", title: "Warnings (\(report.warnings.count))",
            table: Self.table(id: "warnings-table", headers: ["Code", "Path", "Message"], rows: rows))
    }

    // MARK: Pieces

    /// One table cell: a size carries its exact bytes in `data-v` (what sorting and tests read)
    /// and shows them human and exact.
    enum Cell {
        /// dockdu's own text.
        case text(String)
        /// A name from the data root, escaped here.
        case name(String)
        /// Already escaped HTML.
        case html(String)
        case bytes(Int64)
        case count(Int)
    }

    static func table(id: String, headers: [String], rows: [[Cell]]) -> String {
        var lines = ["<div class=\"scroll\"><table class=\"sortable\" id=\"\(id)\">",
                     "<thead><tr>" + headers.map { "<th scope=\"col\">\(HTMLEscaping.entities($0))</th>" }.joined() + "</tr></thead>", "<tbody>"]
        for row in rows {
            lines.append("<tr>" + row.map(cell).joined() + "</tr>")
        }
        lines.append("</tbody></table></div>")
        return lines.joined(separator: "\n")
    }

    static func cell(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): "<td>\(HTMLEscaping.entities(text))</td>"
        case .name(let name): "<td class=\"name\">\(HTMLEscaping.escape(name))</td>"
        case .html(let html): "<td class=\"name\">\(html)</td>"
        case .bytes(let bytes): "<td class=\"num\" data-v=\"\(bytes)\" title=\"\(bytes) bytes\">\(size(bytes))</td>"
        case .count(let count): "<td class=\"num\" data-v=\"\(count)\">\(count)</td>"
        }
    }

    static func section(id: String, title: String, note: String? = nil, table: String) -> String {
        var parts = ["<section id=\"\(id)\"><h2>\(HTMLEscaping.entities(title))</h2>"]
        if let note { parts.append("<p class=\"note\">\(note)</p>") }
        parts += [table, "</section>"]
        return parts.joined(separator: "\n")
    }

    static func size(_ bytes: Int64) -> String { ByteCount.human(bytes) }

    /// The first `name:tag`, else `name:<none>` for a digest-only reference, else
    /// `<none>:<none>`; escaped.
    static func name(of image: ImageUsage) -> String {
        if let tag = image.tags.first(where: { !$0.contains("@") }) { return HTMLEscaping.escape(tag) }
        if let digested = image.tags.first, let at = digested.firstIndex(of: "@") {
            return HTMLEscaping.escape(String(digested[..<at])) + ":&lt;none&gt;"
        }
        return "&lt;none&gt;:&lt;none&gt;"
    }

    static func shortID(_ id: String) -> String {
        let hex = id.hasPrefix("sha256:") ? id.dropFirst("sha256:".count) : Substring(id)
        return HTMLEscaping.escape(String(hex.prefix(12)))
    }

    /// A coordinate with one decimal, from integers, so the output is the same everywhere.
    static func coordinate(_ value: Double) -> String {
        let tenths = Int64((max(0, value) * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}
