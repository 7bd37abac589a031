/// Left- or right-aligned columns separated by two spaces, with the flexible (name) columns
/// shortened in the middle until the table fits the width. A column that is not flexible is
/// never shortened; put it last so a long value wraps only its own line. A last column that
/// wraps (a reason, a message) is word-wrapped under its own start; when too little room is left
/// for it there, it goes on indented lines below its row instead.
struct TextTable {
    enum Alignment { case left, right }

    struct Column {
        var header: String
        var alignment: Alignment
        var isFlexible: Bool
        /// Only for the last column: word-wrapped to the width rather than running past it.
        var wraps: Bool

        init(_ header: String, _ alignment: Alignment = .left, flexible: Bool = false, wraps: Bool = false) {
            self.header = header
            self.alignment = alignment
            self.isFlexible = flexible
            self.wraps = wraps
        }
    }

    /// A flexible column is never shortened below this, however narrow the terminal.
    static let minimumFlexibleWidth = 12
    /// A wrapping column narrower than this moves below its row.
    static let minimumWrappingWidth = 24
    static let gap = "  "

    var columns: [Column]
    var rows: [[String]] = []

    func render(width: Int = .max, header: Bool = true) -> [String] {
        let allRows = header ? [columns.map(\.header)] + rows : rows
        var widths = columns.indices.map { index in
            allRows.map { $0[index].count }.max() ?? 0
        }
        let wrapping = columns.last?.wraps == true ? columns.count - 1 : nil
        let fixed = Self.gap.count * (columns.count - 1)
        func needed() -> Int {
            widths.indices.reduce(fixed) { sum, index in
                sum + (index == wrapping ? min(widths[index], Self.minimumWrappingWidth) : widths[index])
            }
        }
        while needed() > width {
            let widest = columns.indices
                .filter { columns[$0].isFlexible && widths[$0] > Self.minimumFlexibleWidth }
                .max { widths[$0] < widths[$1] }
            guard let widest else { break }
            widths[widest] -= 1
        }
        let start = widths.dropLast().reduce(fixed, +)
        return allRows.flatMap { row in
            let cells = columns.indices.map { index in
                let text = index == wrapping ? row[index] : Self.shorten(row[index], to: widths[index])
                let padding = String(repeating: " ", count: max(0, widths[index] - text.count))
                return columns[index].alignment == .left ? text + padding : padding + text
            }
            guard let wrapping, width != .max, start + row[wrapping].count > width else {
                return [Self.trimmingTrailingSpaces(cells.joined(separator: Self.gap))]
            }
            let others = cells.dropLast().joined(separator: Self.gap)
            if width - start >= Self.minimumWrappingWidth {
                let lines = TextWrapping.wrap(row[wrapping], width: width - start)
                let indent = String(repeating: " ", count: start)
                return [others + Self.gap + lines[0]] + lines.dropFirst().map { indent + $0 }
            }
            return [Self.trimmingTrailingSpaces(others)] + TextWrapping.wrap(row[wrapping], width: width, first: "    ", rest: "    ")
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
