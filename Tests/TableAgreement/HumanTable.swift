/// The sections of `dockdu report --bytes` read back: each titled block's header and rows, cells
/// found by where the header puts them. Written from the table's shape (two-space gaps, numbers
/// right-aligned under their header, names left-aligned, paths last), not from DockduCore, so it
/// checks the binary from outside and survives other column widths.
public struct HumanTable: Sendable {
    public struct Section: Sendable {
        /// `IMAGES`, `SUMMARY`, …
        public var title: String
        /// The count in `IMAGES (6)`; 0 for `IMAGES: none`; nil for `SUMMARY`.
        public var count: Int?
        public var header: String
        public var rows: [String]
        /// `… and N more (X bytes…)`: N and X.
        public var rest: (items: Int, bytes: Int64)?
    }

    public var sections: [String: Section] = [:]

    public init(_ text: String) {
        for block in text.split(separator: "\n\n", omittingEmptySubsequences: true) {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let first = lines.first, let title = first.split(separator: " ").first.map(String.init)?
                .trimmingSuffix(":"), title.allSatisfy({ $0.isUppercase }) else { continue }
            var section = Section(title: title, count: nil, header: "", rows: [], rest: nil)
            if first.hasSuffix(": none") {
                section.count = 0
            } else if let open = first.firstIndex(of: "("), let close = first.lastIndex(of: ")") {
                section.count = Int(first[first.index(after: open)..<close])
            }
            var body = Array(lines.dropFirst())
            if let last = body.last, last.hasPrefix("… and ") {
                section.rest = Self.rest(last)
                body.removeLast()
            }
            if let header = body.first {
                section.header = header
                section.rows = Array(body.dropFirst())
            }
            sections[title] = section
        }
    }

    /// `… and 5 more (15728640 bytes)` or `(… bytes unique)`.
    private static func rest(_ line: String) -> (Int, Int64)? {
        let words = line.split(separator: " ")
        guard words.count >= 5, let items = Int(words[2]), words[3] == "more" else { return nil }
        return Int64(words[4].dropFirst()).map { (items, $0) }
    }

    /// The cell of `column` in `row`. A right-aligned column's cell is the run of non-spaces that
    /// ends where its header ends; a left-aligned one starts where its header starts and runs
    /// to the next two-space gap, or, when `toEnd`, to the end of the line (paths, notes).
    public static func cell(_ row: String, header: String, column: String, rightAligned: Bool, toEnd: Bool = false) -> String? {
        let headerCharacters = Array(header)
        let characters = Array(row)
        guard let start = Self.find(Array(column), in: headerCharacters) else { return nil }
        if rightAligned {
            let end = start + column.count
            // A row is trimmed after its last cell, so an empty cell may end past the row.
            guard end <= characters.count, end > 0, characters[end - 1] != " " else { return "" }
            var first = end - 1
            while first > 0 && characters[first - 1] != " " { first -= 1 }
            return String(characters[first..<end])
        }
        guard start < characters.count else { return "" }
        var end = start
        if toEnd {
            end = characters.count
        } else {
            while end < characters.count && !(characters[end] == " " && end + 1 < characters.count && characters[end + 1] == " ") {
                end += 1
            }
        }
        return String(characters[start..<end]).trimmingSuffix(" ")
    }

    /// The text of a row before the right-aligned `column`'s cell: a left-aligned name column
    /// that may hold single spaces and is followed by a number.
    public static func text(_ row: String, before column: String, header: String) -> String? {
        guard let number = cell(row, header: header, column: column, rightAligned: true),
            let start = find(Array(column), in: Array(header))
        else { return nil }
        let characters = Array(row)
        let end = start + column.count - number.count
        guard end >= 0, end <= characters.count else { return nil }
        return String(characters[0..<end]).trimmingSuffix(" ")
    }

    /// Where a column's header is: a whole word or words, bounded by the line or two spaces.
    private static func find(_ needle: [Character], in line: [Character]) -> Int? {
        guard needle.count <= line.count else { return nil }
        for start in 0...(line.count - needle.count) where Array(line[start..<start + needle.count]) == needle {
            let before = start == 0 || (start >= 2 && line[start - 1] == " " && line[start - 2] == " ") || (start == 1 && line[0] == " ")
                || line[..<start].allSatisfy { $0 == " " }
            let afterIndex = start + needle.count
            let after = afterIndex == line.count || (afterIndex + 1 < line.count && line[afterIndex] == " " && line[afterIndex + 1] == " ")
                || line[afterIndex...].allSatisfy { $0 == " " }
            if before && after { return start }
        }
        return nil
    }
}

extension String {
    func trimmingSuffix(_ character: Character) -> String {
        var text = Substring(self)
        while text.last == character { text.removeLast() }
        return String(text)
    }
}
