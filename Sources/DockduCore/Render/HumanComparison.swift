import FoundationEssentials

/// A comparison as an operator reads it when a disk alert fires: how much the data root grew
/// since the earlier report, then, section by section, what grew most.
///
/// ```
/// Since 2026-11-28T03:15:00Z (23h ago): +1.2 GiB
/// ```
///
/// Each section lists what grew, biggest first, then what shrank, biggest first, up to
/// ``sectionLimit`` rows, and sums up the rest in one line. Differences are signed (`+1.2 GiB`,
/// `−300 MiB`, with a true minus sign) and round up in magnitude like every size dockdu prints;
/// an item that is new or gone shows `-` for the size it does not have. Names, IDs and paths
/// come from report files and go through ``TerminalEscaping``; they are printed last on their
/// line and never shortened.
public struct HumanComparison: Sendable {
    /// Rows a section lists before summing up the rest in one line.
    public static let sectionLimit = 10

    public var comparison: ReportComparison
    /// Print sizes as plain byte counts (`--bytes`): `+1288490188`, `-314572800`.
    public var exactBytes: Bool

    public init(comparison: ReportComparison, exactBytes: Bool = false) {
        self.comparison = comparison
        self.exactBytes = exactBytes
    }

    public func render() -> String {
        var blocks = [header, categories, images, containers, logs, volumes, orphans]
        if let warnings { blocks.append(warnings) }
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    // MARK: Sections

    private var header: [String] {
        let since = TerminalEscaping.escape(comparison.oldGeneratedAt)
        let mode =
            switch comparison.sizeMode {
            case .disk: "disk (allocated blocks, as du -sx)"
            case .apparent: "apparent (st_size, as docker system df)"
            }
        let total = comparison.total
        return [
            "Since \(since)\(elapsed): \(signed(total.deltaBytes))",
            "Data root \(TerminalEscaping.escape(comparison.dataRoot)): \(size(total.newBytes)), "
                + "was \(size(total.oldBytes)); sizes: \(mode); "
                + "scanned \(TerminalEscaping.escape(comparison.newGeneratedAt))",
        ]
    }

    /// ` (23h ago)`, or nothing when a time is not one dockdu writes.
    private var elapsed: String {
        guard let old = Timestamp.parse(comparison.oldGeneratedAt),
              let new = Timestamp.parse(comparison.newGeneratedAt)
        else { return "" }
        let seconds = new &- old
        return seconds >= 0
            ? " (\(Duration.describe(seconds)) ago)"
            : " (\(Duration.describe(0 &- seconds)) after this scan)"
    }

    private var categories: [String] {
        var table = TextTable(columns: [
            .init("CATEGORY"), .init("CHANGE", .right), .init("NOW", .right), .init("WAS", .right),
        ])
        for change in Self.growthFirst(comparison.categories, delta: \.deltaBytes) {
            table.rows.append([
                change.category.label, signed(change.deltaBytes), size(change.newBytes),
                size(change.oldBytes),
            ])
        }
        return ["BY CATEGORY"] + table.render()
    }

    private var images: [String] {
        itemSection("IMAGES", comparison.images, identity: [.init("LAST USED", .right), .init("IMAGE ID"), .init("IMAGE")]) {
            [lastUsed($0), DisplayNames.shortID($0.id), TerminalEscaping.escape($0.name)]
        }
    }

    private var containers: [String] {
        itemSection(
            "CONTAINERS (logs aside)", comparison.containers,
            identity: [.init("LAST USED", .right), .init("CONTAINER ID"), .init("NAME")]
        ) {
            [lastUsed($0), DisplayNames.shortID($0.id), TerminalEscaping.escape($0.name)]
        }
    }

    private var logs: [String] {
        itemSection("LOGS", comparison.logs, identity: [.init("CONTAINER ID"), .init("NAME")]) {
            [DisplayNames.shortID($0.id), TerminalEscaping.escape($0.name)]
        }
    }

    private var volumes: [String] {
        itemSection("VOLUMES", comparison.volumes, identity: [.init("LAST USED", .right), .init("VOLUME NAME")]) {
            [lastUsed($0), DisplayNames.volumeName($0.name)]
        }
    }

    private var orphans: [String] {
        let rows = comparison.orphans.map { orphan in
            Row(status: orphan.status, deltaBytes: orphan.deltaBytes, oldBytes: orphan.oldBytes,
                newBytes: orphan.newBytes, identity: [orphan.kind.rawValue, DisplayNames.path(of: orphan)])
        }
        return section("ORPHANS", rows, identity: [.init("KIND"), .init("PATH")])
    }

    /// Only when a scan could not read everything: then an item may look removed only because
    /// it could not be read.
    private var warnings: [String]? {
        let old = comparison.oldWarningCount
        let new = comparison.newWarningCount
        guard old > 0 || new > 0 else { return nil }
        return [
            "This scan had \(new) \(new == 1 ? "warning" : "warnings") and the earlier one \(old): "
                + "what a scan could not read may show as added or removed; see dockdu report."
        ]
    }

    // MARK: Pieces

    /// How long before the later scan it was last used; `-` when the report does not say.
    private func lastUsed(_ change: ReportComparison.ItemChange) -> String {
        guard let seconds = change.lastUsedAt.flatMap(Timestamp.parse), let now = Timestamp.parse(comparison.newGeneratedAt) else { return "-" }
        return seconds >= now ? "now" : "\(Duration.describe(now - seconds)) ago"
    }

    /// One changed item, whatever its section.
    private struct Row {
        var status: ReportComparison.Status
        var deltaBytes: Int64
        var oldBytes: Int64
        var newBytes: Int64
        var identity: [String]
    }

    private func itemSection(
        _ title: String, _ changes: [ReportComparison.ItemChange], identity: [TextTable.Column],
        _ describe: (ReportComparison.ItemChange) -> [String]
    ) -> [String] {
        let rows = changes.map { change in
            Row(status: change.status, deltaBytes: change.deltaBytes, oldBytes: change.oldBytes,
                newBytes: change.newBytes, identity: describe(change))
        }
        return section(title, rows, identity: identity)
    }

    private func section(_ title: String, _ rows: [Row], identity: [TextTable.Column]) -> [String] {
        guard !rows.isEmpty else { return ["\(title): no change"] }
        let sorted = Self.growthFirst(rows, delta: \.deltaBytes)
        var table = TextTable(
            columns: [.init("CHANGE", .right), .init("NOW", .right), .init("WAS", .right)] + identity)
        for row in sorted.prefix(Self.sectionLimit) {
            table.rows.append(
                [
                    signed(row.deltaBytes),
                    row.status == .removed ? "-" : size(row.newBytes),
                    row.status == .added ? "-" : size(row.oldBytes),
                ] + row.identity)
        }
        let counts = ReportComparison.Status.allCases.compactMap { status -> String? in
            let count = rows.count(where: { $0.status == status })
            return count == 0 ? nil : "\(count) \(status.rawValue)"
        }
        var lines = ["\(title): " + counts.joined(separator: ", ")] + table.render()
        let rest = sorted.dropFirst(Self.sectionLimit)
        if !rest.isEmpty {
            let grown = rest.filter { $0.deltaBytes > 0 }.reduce(Int64(0)) { $0 &+ $1.deltaBytes }
            let shrunk = rest.filter { $0.deltaBytes < 0 }.reduce(Int64(0)) { $0 &+ $1.deltaBytes }
            let sums = [grown > 0 ? signed(grown) : nil, shrunk < 0 ? signed(shrunk) : nil].compactMap { $0 }
            let detail = sums.isEmpty ? "" : " (" + sums.joined(separator: ", ") + ")"
            lines.append("… and \(rest.count) more\(detail)")
        }
        return lines
    }

    /// What grew, biggest first; then what did not change size; then what shrank, biggest
    /// first. Ties keep their order (the comparison's, which is by ID).
    private static func growthFirst<Element>(_ elements: [Element], delta: (Element) -> Int64) -> [Element] {
        func rank(_ bytes: Int64) -> (direction: Int, smallness: UInt64) {
            (bytes > 0 ? 0 : bytes == 0 ? 1 : 2, UInt64.max - bytes.magnitude)
        }
        return elements.enumerated()
            .sorted {
                let (left, right) = (rank(delta($0.element)), rank(delta($1.element)))
                return (left.direction, left.smallness, $0.offset) < (right.direction, right.smallness, $1.offset)
            }
            .map(\.element)
    }

    private func size(_ bytes: Int64) -> String {
        ByteCount.format(bytes, exact: exactBytes)
    }

    /// `+1.2 GiB`, `−300 MiB` (U+2212), `0 B`; with `--bytes`, `+1234` and `-1234` in ASCII
    /// so that they stay numbers a script can read.
    private func signed(_ bytes: Int64) -> String {
        if exactBytes { return bytes > 0 ? "+\(bytes)" : String(bytes) }
        let magnitude = ByteCount.human(bytes == .min ? .max : abs(bytes))
        return bytes > 0 ? "+" + magnitude : bytes < 0 ? "\u{2212}" + magnitude : magnitude
    }
}
