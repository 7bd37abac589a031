/// Word wrapping for what an operator reads on a terminal: help text, warnings, the reasons in
/// a plan. Breaks at spaces only; a word longer than the line (a path) is left whole on a line
/// of its own rather than cut, so it can still be copied.
enum TextWrapping {
    /// `text` as lines of at most `width` characters: the first starting with `first`, the rest
    /// with `rest` (a hanging indent). Widths count characters, as ``TextTable`` does.
    static func wrap(_ text: String, width: Int, first: String = "", rest: String = "") -> [String] {
        wrap(words: text.split(separator: " ", omittingEmptySubsequences: true), width: width, first: first, rest: rest)
    }

    /// Whole `words` (which may hold spaces of their own: synopsis labels, shell words) on lines
    /// of at most `width`, as ``wrap(_:width:first:rest:)`` lays them out.
    static func wrap(words: [some StringProtocol], width: Int, first: String = "", rest: String = "") -> [String] {
        var lines: [String] = []
        var line = first
        var lineHasWord = false
        for word in words {
            if lineHasWord && line.count + 1 + word.count > width {
                lines.append(line)
                line = rest
                lineHasWord = false
            }
            line += (lineHasWord ? " " : "") + word
            lineHasWord = true
        }
        lines.append(line)
        return lines
    }
}
