import FoundationEssentials

/// The report as an operator reads it on a bad day: terse tables like `docker system df` and
/// `du`, biggest first, no colours.
///
/// Every name and path goes through ``TerminalEscaping``, so the text holds no control
/// character but `\n`. Columns are aligned by character count, which is the display width for
/// the ASCII that escaped names mostly are.
public struct HumanReport: Sendable {
    /// Rows a section lists before summing up the rest in one line.
    public static let sectionLimit = 20
    /// Warnings listed by code and path before pointing to `--json`.
    public static let warningLimit = 5

    public var report: Report
    /// Print sizes as plain byte counts (`--bytes`).
    public var exactBytes: Bool
    /// Terminal columns; names (tags, container and volume names) are shortened in the middle to
    /// fit, with the short ID beside them. Paths are never shortened: they are printed last.
    public var width: Int
    /// Only the header, the summary and the warning count (`--quiet`).
    public var summaryOnly: Bool

    public init(report: Report, exactBytes: Bool, width: Int = 100, summaryOnly: Bool = false) {
        self.report = report
        self.exactBytes = exactBytes
        self.width = width
        self.summaryOnly = summaryOnly
    }

    public func render() -> String {
        let blocks = summaryOnly
            ? [header, summary, warnings]
            : [header, summary, images, containers, volumes, orphans, warnings]
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    // MARK: Sections

    private var header: [String] {
        let mode =
            switch report.sizeMode {
            case .disk: "disk (allocated blocks, as du -sx)"
            case .apparent: "apparent (st_size, as docker system df)"
            }
        return [
            "Data root \(TerminalEscaping.escape(report.dataRoot)); sizes: \(mode); "
                + "scanned \(TerminalEscaping.escape(report.generatedAt))"
        ]
    }

    private var summary: [String] {
        let reclaimable = report.reclaimable
        var table = TextTable(columns: [
            .init("CATEGORY"), .init("SIZE", .right), .init("RECLAIMABLE", .right),
            .init("ITEMS", .right), .init("UNUSED", .right),
        ])
        for category in Category.allCases {
            let entry = reclaimable[category]
            table.rows.append([
                category.label, size(report.categories[category]), size(entry.bytes),
                entry.itemCount.map(String.init) ?? "-",
                entry.reclaimableItemCount.map(String.init) ?? "-",
            ])
        }
        table.rows.append(["TOTAL", size(report.totalBytes), size(reclaimable.totalBytes), "", ""])
        return ["SUMMARY"] + table.render(width: width)
    }

    private var images: [String] {
        let sorted = report.images.sorted {
            ($0.uniqueBytes, $1.id) > ($1.uniqueBytes, $0.id)
        }
        var table = TextTable(columns: [
            .init("IMAGE ID"), .init("TAG", flexible: true), .init("SIZE", .right),
            .init("SHARED", .right), .init("UNIQUE", .right), .init("CONTAINERS", .right),
        ])
        for image in sorted.prefix(Self.sectionLimit) {
            let extra = image.tags.count > 1 ? " +\(image.tags.count - 1) more" : ""
            table.rows.append([
                Self.shortID(image.id), (Self.tag(of: image) ?? "<none>:<none>") + extra,
                size(image.bytes), size(image.sharedBytes), size(image.uniqueBytes),
                String(image.containers.count),
            ])
        }
        return section(
            "IMAGES", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.uniqueBytes), restUnit: " unique")
    }

    private var containers: [String] {
        let sorted = report.containers.sorted {
            ($0.totalBytes, $1.name, $1.id) > ($1.totalBytes, $0.name, $0.id)
        }
        let imagesByID = Dictionary(report.images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var table = TextTable(columns: [
            .init("CONTAINER ID"), .init("NAME", flexible: true), .init("IMAGE", flexible: true),
            .init("STATE"), .init("RW", .right), .init("LOGS", .right), .init("TOTAL", .right),
        ])
        for container in sorted.prefix(Self.sectionLimit) {
            let image = imagesByID[container.imageId].flatMap(Self.tag(of:))
            table.rows.append([
                Self.shortID(container.id), TerminalEscaping.escape(container.name),
                image ?? Self.shortID(container.imageId), container.state.rawValue,
                size(container.rwBytes), size(container.logBytes), size(container.totalBytes),
            ])
        }
        return section(
            "CONTAINERS", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.totalBytes))
    }

    private var volumes: [String] {
        let sorted = report.volumes.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        var table = TextTable(columns: [
            .init("VOLUME NAME", flexible: true), .init("SIZE", .right),
            .init("CONTAINERS", .right), .init("NOTE"),
        ])
        for volume in sorted.prefix(Self.sectionLimit) {
            var notes = [String]()
            if volume.anonymous { notes.append("anonymous") }
            if volume.containers.isEmpty { notes.append("unused") }
            table.rows.append([
                Self.volumeName(volume), size(volume.bytes), String(volume.containers.count),
                notes.joined(separator: ", "),
            ])
        }
        return section(
            "VOLUMES", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.bytes))
    }

    private var orphans: [String] {
        let sorted = report.orphans.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }
        // No Docker command names an orphan, so its path is printed whole, last, as `du` does.
        var table = TextTable(columns: [.init("SIZE", .right), .init("KIND"), .init("PATH")])
        for orphan in sorted.prefix(Self.sectionLimit) {
            table.rows.append([size(orphan.bytes), orphan.kind.rawValue, Self.path(of: orphan)])
        }
        return section(
            "ORPHANS", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.bytes))
    }

    private var warnings: [String] {
        let all = report.warnings
        guard !all.isEmpty else { return ["No warnings."] }
        let noun = all.count == 1 ? "warning" : "warnings"
        var lines = ["\(all.count) \(noun); run with --json for details:"]
        var table = TextTable(columns: [.init("CODE"), .init("PATH")])
        for warning in all.prefix(Self.warningLimit) {
            let path = warning.path.isEmpty ? "." : TerminalEscaping.escape(warning.path)
            table.rows.append([warning.code.rawValue, path])
        }
        lines += table.render(width: width - 2, header: false).map { "  " + $0 }
        if all.count > Self.warningLimit {
            lines.append("  … and \(all.count - Self.warningLimit) more")
        }
        return lines
    }

    // MARK: Pieces

    private func section(
        _ title: String, count: Int, table: TextTable, rest: [Int64], restUnit: String = ""
    ) -> [String] {
        guard count > 0 else { return ["\(title): none"] }
        var lines = ["\(title) (\(count))"] + table.render(width: width)
        if !rest.isEmpty {
            let restBytes = rest.reduce(0, +)
            let restSize = exactBytes ? "\(restBytes) bytes" : ByteCount.human(restBytes)
            lines.append("… and \(rest.count) more (\(restSize)\(restUnit))")
        }
        return lines
    }

    private func size(_ bytes: Int64) -> String {
        ByteCount.format(bytes, exact: exactBytes)
    }

    /// The first 12 hex digits, as `docker images` and `docker ps` show IDs.
    private static func shortID(_ id: String) -> String {
        let hex = id.hasPrefix("sha256:") ? id.dropFirst("sha256:".count) : Substring(id)
        return TerminalEscaping.escape(String(hex.prefix(12)))
    }

    /// The first `name:tag`, else a digest-only reference shown as `docker images` does
    /// (`name:<none>`); `nil` when the image has no reference at all.
    private static func tag(of image: ImageUsage) -> String? {
        if let tag = image.tags.first(where: { !$0.contains("@") }) {
            return TerminalEscaping.escape(tag)
        }
        guard let digested = image.tags.first, let at = digested.firstIndex(of: "@") else {
            return nil
        }
        return TerminalEscaping.escape(String(digested[..<at])) + ":<none>"
    }

    /// Anonymous volumes are named by 64 hex digits; 12 tell them apart.
    private static func volumeName(_ volume: VolumeUsage) -> String {
        let isHexName = volume.name.utf8.count == 64 && volume.name.utf8.allSatisfy(\.isHexDigit)
        if volume.anonymous && isHexName {
            return String(volume.name.prefix(12)) + "…"
        }
        return TerminalEscaping.escape(volume.name)
    }

    /// The path's exact bytes when the report carries them, so an invalid name shows as it is
    /// on disk rather than with U+FFFD.
    private static func path(of orphan: OrphanUsage) -> String {
        if let encoded = orphan.pathBase64, let bytes = Data(base64Encoded: encoded) {
            return TerminalEscaping.escape(bytes)
        }
        return TerminalEscaping.escape(orphan.path)
    }
}

extension Category {
    fileprivate var label: String {
        switch self {
        case .buildCache: "build cache"
        default: rawValue
        }
    }
}

extension UInt8 {
    fileprivate var isHexDigit: Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
            || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(self)
    }
}

/// Left- or right-aligned columns separated by two spaces, with the flexible (name) columns
/// shortened in the middle until the table fits the width. A column that is not flexible is
/// never shortened; put it last so a long value wraps only its own line.
private struct TextTable {
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

    func render(width: Int, header: Bool = true) -> [String] {
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
