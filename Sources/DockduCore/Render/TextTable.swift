/// Left- or right-aligned columns separated by two spaces, with the flexible (name) columns
/// shortened in the middle until the table fits the width. A column that is not flexible is
/// never shortened; put it last so a long value wraps only its own line.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        var header: String
        var alignment: Alignment
        var isFlexible: Bool

        init(_ header: String, _ alignment: Alignment = .left, flexible: Bool = false) {
            self.header = header
            self.alignment = alignment
            self.isFlexible = flexible
        }
    }

    /// A flexible column is never shortened below this, however narrow the terminal.
    static let minimumFlexibleWidth = 12
    static let gap = "  "

    var columns: [Column]
    var rows: [[String]] = []

    func render(width: Int = .max, header: Bool = true) -> [String] {
        let allRows = header ? [columns.map(\.header)] + rows : rows
        var widths = columns.indices.map { index in
            allRows.map { $0[index].count }.max() ?? 0
        }
        let fixed = Self.gap.count * (columns.count - 1)
        while widths.reduce(fixed, +) > width {
            let widest = columns.indices
                .filter { columns[$0].isFlexible && widths[$0] > Self.minimumFlexibleWidth }
                .max { widths[$0] < widths[$1] }
            guard let widest else { break }
            widths[widest] -= 1
        }
        return allRows.map { row in
            let cells = columns.indices.map { index in
                let text = Self.shorten(row[index], to: widths[index])
                let padding = String(repeating: " ", count: widths[index] - text.count)
                return columns[index].alignment == .left ? text + padding : padding + text
            }
            return Self.trimmingTrailingSpaces(cells.joined(separator: Self.gap))
        }
    }

    /// Keeps both ends, which tell names apart best: `project_…_data`.
    private static func shorten(_ text: String, to width: Int) -> String {
        guard text.count > width else { return text }
        guard width > 1 else { return String(text.prefix(width)) }
        let head = width / 2
        let tail = width - 1 - head
        return String(text.prefix(head)) + "…" + String(text.suffix(tail))
    }

    private static func trimmingTrailingSpaces(_ line: String) -> String {
        var line = Substring(line)
        while line.last == " " { line.removeLast() }
        return String(line)
    }
}
