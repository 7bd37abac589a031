extension HumanReport {
    /// Most hidden files listed per image with `--verbose`; `--json` has ten.
    static let wastedPathLimit = 5

    /// `--verbose`: for each image that hides bytes, biggest waste first, its efficiency and its
    /// largest hidden files, each with the build steps that added and hid it.
    var wastedFiles: [String] {
        let wasteful = report.images.filter { ($0.wastedBytes ?? 0) > 0 }.sorted {
            ($0.wastedBytes ?? 0, $1.id) > ($1.wastedBytes ?? 0, $0.id)
        }
        guard !wasteful.isEmpty else { return ["WASTED FILES: none"] }
        var lines = ["WASTED FILES (\(wasteful.count) image\(wasteful.count == 1 ? "" : "s"))"]
        for image in wasteful.prefix(Self.sectionLimit) {
            let efficiency = ((image.efficiency ?? 1) * 1000).rounded() / 10
            lines.append(
                "\(DisplayNames.shortID(image.id)) \(Self.tag(of: image) ?? "<none>:<none>"): "
                    + "\(size(image.wastedBytes ?? 0)) hidden, efficiency \(efficiency)%")
            for path in (image.wasted ?? []).prefix(Self.wastedPathLimit) {
                lines.append("  \(size(path.bytes))  \(TerminalEscaping.escape(path.path)) (\(path.hiding.rawValue))")
                lines.append("    added by layer \(path.addedBy.index): \(Self.step(path.addedBy))")
                lines.append("    hidden by layer \(path.hiddenBy.index): \(Self.step(path.hiddenBy))")
            }
        }
        if wasteful.count > Self.sectionLimit { lines.append("… and \(wasteful.count - Self.sectionLimit) more") }
        return lines
    }

    /// A history line, shortened to one line of reasonable length.
    private static func step(_ step: WastedPath.Step) -> String {
        guard let command = step.createdBy else { return "(no history)" }
        let escaped = TerminalEscaping.escape(command)
        return escaped.count <= 100 ? escaped : String(escaped.prefix(99)) + "…"
    }
}
