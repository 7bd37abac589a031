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
    /// Warnings listed (code, path and message) before pointing to `--json`.
    public static let warningLimit = 5

    public var report: Report
    /// Print sizes as plain byte counts (`--bytes`).
    public var exactBytes: Bool
    /// Terminal columns; names (tags, container and volume names) are shortened in the middle to
    /// fit, with the short ID beside them. Paths are never shortened: they are printed last.
    public var width: Int
    /// Only the header, the summary and the warning count (`--quiet`).
    public var summaryOnly: Bool
    /// Also each image's hidden files and the build steps that added and hid them (`--verbose`).
    public var verbose: Bool

    public init(report: Report, exactBytes: Bool, width: Int = 100, summaryOnly: Bool = false, verbose: Bool = false) {
        self.report = report
        self.exactBytes = exactBytes
        self.width = width
        self.summaryOnly = summaryOnly
        self.verbose = verbose
    }

    public func render() -> String {
        let blocks = summaryOnly
            ? [header, summary, warnings]
            : [header, summary, images] + (verbose ? [wastedFiles] : []) + [containers, volumes] + (report.buildCache == nil ? [] : [buildCache]) + [orphans, warnings]
        return blocks.map { $0.joined(separator: "\n") }.joined(separator: "\n\n") + "\n"
    }

    // MARK: Sections

    private var header: [String] {
        let mode =
            switch report.sizeMode {
            case .disk: "disk (allocated blocks, as du -sx)"
            case .apparent: "apparent (st_size, as docker system df)"
            }
        var lines = [
            "Data root \(TerminalEscaping.escape(report.dataRoot)); sizes: \(mode); "
                + "scanned \(TerminalEscaping.escape(report.generatedAt))"
        ]
        // Each store and its root, so the totals can be held against du -sx of each.
        let roots = Dictionary((report.roots ?? []).map { ($0.path, $0.bytes) }, uniquingKeysWith: { a, _ in a })
        for store in report.stores ?? [] where store.name != .overlay2 || (report.stores?.count ?? 0) > 1 {
            var line = "\(store.name.rawValue) store at \(TerminalEscaping.escape(store.root))"
            if let bytes = roots[store.root], store.root != report.dataRoot { line += " (\(size(bytes)))" }
            if let namespace = store.namespace { line += ", namespace \(TerminalEscaping.escape(namespace))" }
            line += ": \(TerminalEscaping.escape(store.rule))"
            lines.append(line)
        }
        if let summary = report.containerdStore, summary.compressedCopiesBytes > 0 {
            lines.append("compressed copies of unpacked layers: \(size(summary.compressedCopiesBytes)) (containerd keeps both)")
        }
        // Bytes du -sx ROOT does not see, so the operator can reconcile the two totals.
        for folder in report.linkedFolders ?? [] {
            let place = folder.otherFilesystem ? "another filesystem" : "the same filesystem"
            lines.append(
                "\(folder.name)/ is a link to \(TerminalEscaping.escape(folder.target)) on \(place): its \(size(folder.bytes)) "
                    + "are counted here; du -sx of the data root does not see them")
        }
        return lines
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
        // The containerd store keeps a packed copy beside the unpacked layers: show both.
        let content = report.images.contains { $0.contentBytes != nil }
        var columns: [TextTable.Column] = [.init("IMAGE ID"), .init("TAG", flexible: true), .init("SIZE", .right)]
        if content { columns.append(.init("CONTENT", .right)) }
        columns += [.init("SHARED", .right), .init("UNIQUE", .right)]
        // Measured for overlay2 images only; absent from reports of other stores and older ones.
        // Like containers' LAST USED it needs 90 columns beside the tag; narrower, --json has it.
        let wasted = width >= 90 && report.images.contains { $0.wastedBytes != nil }
        if wasted { columns.append(.init("WASTED", .right)) }
        columns += [.init("CONTAINERS", .right), .init("LAST USED", .right)]
        var table = TextTable(columns: columns)
        for image in sorted.prefix(Self.sectionLimit) {
            let extra = image.tags.count > 1 ? " +\(image.tags.count - 1) more" : ""
            var row = [DisplayNames.shortID(image.id), (Self.tag(of: image) ?? "<none>:<none>") + extra, size(image.bytes)]
            if content { row.append(size(image.contentBytes ?? 0)) }
            let shared = image.sharedBytes +| (image.sharedContentBytes ?? 0)
            let unique = image.uniqueBytes +| ((image.contentBytes ?? 0) -| (image.sharedContentBytes ?? 0))
            row += [size(shared), size(unique)]
            if wasted { row.append(image.wastedBytes.map(size) ?? "-") }
            row += [String(image.containers.count), lastUsed(image.lastUsedAt, image.lastUsedSource)]
            table.rows.append(row)
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
        ] + (showsContainerLastUse ? [.init("LAST USED", .right)] : []))
        for container in sorted.prefix(Self.sectionLimit) {
            let image = imagesByID[container.imageId].flatMap(Self.tag(of:))
            table.rows.append([
                DisplayNames.shortID(container.id), TerminalEscaping.escape(container.name),
                image ?? DisplayNames.shortID(container.imageId), container.state.rawValue,
                size(container.rwBytes), size(container.logBytes), size(container.totalBytes),
            ] + (showsContainerLastUse ? [lastUsed(container.lastUsedAt, container.lastUsedSource)] : []))
        }
        return section(
            "CONTAINERS", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.totalBytes))
    }

    private var volumes: [String] {
        let sorted = report.volumes.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        // The note says what the summary counts: "unused" only when the verdict lets it go.
        let reasons = Dictionary(
            zip(report.volumes.map(\.name), report.reclaimable.volumes.map(\.reason)), uniquingKeysWith: { a, _ in a })
        var table = TextTable(columns: [
            .init("VOLUME NAME", flexible: true), .init("SIZE", .right),
            .init("CONTAINERS", .right), .init("LAST USED", .right), .init("NOTE"),
        ])
        for volume in sorted.prefix(Self.sectionLimit) {
            var notes = [String]()
            if volume.anonymous { notes.append("anonymous") }
            switch reasons[volume.name] {
            case .unused: notes.append("unused")
            case .containersUnknown: notes.append("mounts unknown")
            default: break
            }
            table.rows.append([
                DisplayNames.volumeName(volume), size(volume.bytes), String(volume.containers.count),
                lastUsed(volume.lastUsedAt, volume.lastUsedSource), notes.joined(separator: ", "),
            ])
        }
        return section(
            "VOLUMES", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.bytes))
    }

    /// BuildKit's records as `docker system df -v` lists them, biggest first.
    private var buildCache: [String] {
        let records = report.buildCache ?? []
        let reasons = Dictionary(
            zip(records.map(\.id), report.reclaimable.buildCache.map(\.reason)), uniquingKeysWith: { a, _ in a })
        let sorted = records.sorted { ($0.bytes, $1.id) > ($1.bytes, $0.id) }
        let now = Timestamp.parse(report.generatedAt) ?? 0
        var table = TextTable(columns: [
            .init("CACHE ID"), .init("TYPE"), .init("SIZE", .right), .init("SHARED"), .init("LAST USED", .right),
            .init("NOTE"), .init("DESCRIPTION", wraps: true),
        ])
        for record in sorted.prefix(Self.sectionLimit) {
            // Its data is an image's layer: its SIZE is counted under that image.
            let shared = record.countedUnder != nil ? "image" : record.shared ? "yes" : "no"
            let lastUsed = record.lastUsedAt.flatMap(Timestamp.parse).map { "\(Duration.describe(max(0, now - $0))) ago" } ?? "never"
            let note: String =
                switch reasons[record.id] {
                case .inUse: "in use"
                case .unused: "unused"
                case .keptType: "kept"
                case .childKept: "under kept"
                default: ""
                }
            table.rows.append([
                String(record.id.prefix(12)), TerminalEscaping.escape(record.type), size(record.bytes), shared, lastUsed,
                note, Self.shortened(TerminalEscaping.escape(record.description), to: 60),
            ])
        }
        return section(
            "BUILD CACHE", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.bytes))
    }

    private var orphans: [String] {
        let sorted = report.orphans.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }
        // No Docker command names an orphan, so its path is printed whole, last, as `du` does.
        var table = TextTable(columns: [.init("SIZE", .right), .init("KIND"), .init("PATH")])
        for orphan in sorted.prefix(Self.sectionLimit) {
            // Under another store's root, the path is printed whole.
            let base = orphan.base.flatMap { base in report.stores?.first { $0.name.rawValue == base.rawValue }?.root }
            table.rows.append([size(orphan.bytes), orphan.kind.rawValue, base.map { TerminalEscaping.escape($0) + "/" } .map { $0 + DisplayNames.path(of: orphan) } ?? DisplayNames.path(of: orphan)])
        }
        return section(
            "ORPHANS", count: sorted.count, table: table,
            rest: sorted.dropFirst(Self.sectionLimit).map(\.bytes))
    }

    /// Each warning as `code path: message`, the message wrapped under a hanging indent; the
    /// path whole (it is what to look at), the message escaped (it may quote a name).
    private var warnings: [String] {
        let all = report.warnings
        guard !all.isEmpty else { return ["No warnings."] }
        let noun = all.count == 1 ? "warning" : "warnings"
        var lines = ["\(all.count) \(noun); run with --json for details:"]
        let shown = all.prefix(Self.warningLimit)
        let codeWidth = shown.map(\.code.rawValue.count).max() ?? 0
        for warning in shown {
            let code = warning.code.rawValue + String(repeating: " ", count: codeWidth - warning.code.rawValue.count)
            let path = warning.path.isEmpty ? "." : TerminalEscaping.escape(warning.path)
            let message = TerminalEscaping.escape(warning.message)
            lines += TextWrapping.wrap(
                "\(path): \(message)", width: width, first: "  \(code)  ", rest: "      ")
        }
        if all.count > Self.warningLimit {
            lines.append("  … and \(all.count - Self.warningLimit) more")
        }
        return lines
    }

    // MARK: Pieces

    /// At most `limit` characters, cut at the end with `…` (a build step's description: its start
    /// says which step; `--json` has it whole).
    private static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    private func section(
        _ title: String, count: Int, table: TextTable, rest: [Int64], restUnit: String = ""
    ) -> [String] {
        guard count > 0 else { return ["\(title): none"] }
        var lines = ["\(title) (\(count))"] + table.render(width: width)
        if !rest.isEmpty {
            let restBytes = rest.sumOfBytes { $0 }
            let restSize = exactBytes ? "\(restBytes) bytes" : ByteCount.human(restBytes)
            lines.append("… and \(rest.count) more (\(restSize)\(restUnit))")
        }
        return lines
    }

    /// Containers' LAST USED needs 90 columns beside two names; narrower, `--json` has it.
    private var showsContainerLastUse: Bool { width >= 90 }

    /// `now` for what a running container uses, `3d ago` otherwise, `-` when nothing says.
    private func lastUsed(_ time: String?, _ source: LastUseSource?) -> String {
        if source == .running { return "now" }
        guard let seconds = time.flatMap(Timestamp.parse), let now = Timestamp.parse(report.generatedAt) else { return "-" }
        if seconds >= now { return "now" }
        return "\(Duration.describe(max(0, now - seconds))) ago"
    }

    func size(_ bytes: Int64) -> String {
        ByteCount.format(bytes, exact: exactBytes)
    }

    /// The first `name:tag`, else a digest-only reference shown as `docker images` does
    /// (`name:<none>`); `nil` when the image has no reference at all.
    static func tag(of image: ImageUsage) -> String? {
        if let tag = image.tags.first(where: { !$0.contains("@") }) {
            return TerminalEscaping.escape(tag)
        }
        guard let digested = image.tags.first, let at = digested.firstIndex(of: "@") else {
            return nil
        }
        return TerminalEscaping.escape(String(digested[..<at])) + ":<none>"
    }

}
