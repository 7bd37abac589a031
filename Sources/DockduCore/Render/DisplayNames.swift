import FoundationEssentials

/// How the human views name things: short IDs as `docker` shows them, anonymous volumes
/// shortened, orphan paths from their exact bytes, every name escaped for the terminal.
enum DisplayNames {
    /// The first 12 hex digits, as `docker images` and `docker ps` show IDs.
    static func shortID(_ id: String) -> String {
        let hex = id.hasPrefix("sha256:") ? id.dropFirst("sha256:".count) : Substring(id)
        return TerminalEscaping.escape(String(hex.prefix(12)))
    }

    /// Anonymous volumes are named by 64 hex digits; 12 tell them apart.
    static func volumeName(_ name: String) -> String {
        isHexName(name) ? String(name.prefix(12)) + "…" : TerminalEscaping.escape(name)
    }

    static func volumeName(_ volume: VolumeUsage) -> String {
        volume.anonymous ? volumeName(volume.name) : TerminalEscaping.escape(volume.name)
    }

    /// The path's exact bytes when the document carries them, so an invalid name shows as it is
    /// on disk rather than with U+FFFD.
    static func path(_ path: String, base64: String?) -> String {
        if let base64, let bytes = Data(base64Encoded: base64) {
            return TerminalEscaping.escape(bytes)
        }
        return TerminalEscaping.escape(path)
    }

    static func path(of orphan: OrphanUsage) -> String { path(orphan.path, base64: orphan.pathBase64) }

    static func path(of orphan: ReportComparison.OrphanChange) -> String { path(orphan.path, base64: orphan.pathBase64) }

    static func isHexName(_ name: String) -> Bool {
        name.utf8.count == 64 && name.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
    }
}

extension Category {
    /// The category as the human views name it.
    var label: String {
        switch self {
        case .buildCache: "build cache"
        default: rawValue
        }
    }
}
