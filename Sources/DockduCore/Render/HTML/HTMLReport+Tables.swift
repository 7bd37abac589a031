import FoundationEssentials

/// The human report's tables, complete (no "… and N more"), in its order: biggest first.
extension HTMLReport {
    var images: String {
        let sorted = report.images.sorted { ($0.uniqueBytes, $1.id) > ($1.uniqueBytes, $0.id) }
        let reasons = Dictionary(zip(report.images.map(\.id), report.reclaimable.images.map(\.reason)), uniquingKeysWith: { a, _ in a })
        // Wasted bytes per image (issue 13's other half) get their column here.
        let rows: [[Cell]] = sorted.map { image in
            [
                .html("<code>\(Self.shortID(image.id))</code>"),
                .html(image.tags.isEmpty ? "&lt;none&gt;:&lt;none&gt;" : image.tags.map(HTMLEscaping.escape).joined(separator: "<br>")),
                .bytes(image.bytes), .bytes(image.sharedBytes), .bytes(image.uniqueBytes),
                .count(image.containers.count), .text(reasons[image.id]?.rawValue ?? ""),
            ]
        }
        return Self.section(
            id: "images", title: "Images (\(sorted.count))",
            note: "Shared: bytes of layers another image also uses. Unique: what removing this image alone frees.",
            table: Self.table(id: "images-table", headers: ["Image ID", "Tags", "Size", "Shared", "Unique", "Containers", "Verdict"], rows: rows))
    }

    var containers: String {
        let sorted = report.containers.sorted { ($0.totalBytes, $1.name, $1.id) > ($1.totalBytes, $0.name, $0.id) }
        let imagesByID = Dictionary(report.images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let reasons = Dictionary(zip(report.containers.map(\.id), report.reclaimable.containers.map(\.reason)), uniquingKeysWith: { a, _ in a })
        let rows: [[Cell]] = sorted.map { container in
            [
                .html("<code>\(Self.shortID(container.id))</code>"), .name(container.name),
                .html(imagesByID[container.imageId].map(Self.name(of:)) ?? "<code>\(Self.shortID(container.imageId))</code>"),
                .text(container.state.rawValue), .bytes(container.rwBytes), .bytes(container.logBytes), .bytes(container.totalBytes),
                .text(reasons[container.id]?.rawValue ?? ""),
            ]
        }
        return Self.section(
            id: "containers", title: "Containers (\(sorted.count))",
            table: Self.table(id: "containers-table", headers: ["Container ID", "Name", "Image", "State", "RW", "Logs", "Total", "Verdict"], rows: rows))
    }

    var volumes: String {
        let sorted = report.volumes.sorted { ($0.bytes, $1.name) > ($1.bytes, $0.name) }
        let reasons = Dictionary(zip(report.volumes.map(\.name), report.reclaimable.volumes.map(\.reason)), uniquingKeysWith: { a, _ in a })
        let rows: [[Cell]] = sorted.map { volume in
            [
                .name(volume.name), .bytes(volume.bytes), .count(volume.containers.count),
                .text(volume.anonymous ? "yes" : "no"), .text(reasons[volume.name]?.rawValue ?? ""),
            ]
        }
        return Self.section(
            id: "volumes", title: "Volumes (\(sorted.count))",
            table: Self.table(id: "volumes-table", headers: ["Volume name", "Size", "Containers", "Anonymous", "Verdict"], rows: rows))
    }

    var buildCache: String {
        let records = report.buildCache ?? []
        let reasons = Dictionary(zip(records.map(\.id), report.reclaimable.buildCache.map(\.reason)), uniquingKeysWith: { a, _ in a })
        let sorted = records.sorted { ($0.bytes, $1.id) > ($1.bytes, $0.id) }
        let rows: [[Cell]] = sorted.map { record in
            [
                .html("<code>\(HTMLEscaping.escape(String(record.id.prefix(12))))</code>"), .name(record.type), .bytes(record.bytes),
                .text(record.countedUnder != nil ? "image" : record.shared ? "yes" : "no"),
                .text(reasons[record.id]?.rawValue ?? ""), .name(record.description),
            ]
        }
        return Self.section(
            id: "build-cache", title: "Build cache (\(sorted.count))",
            table: Self.table(id: "build-cache-table", headers: ["Cache ID", "Type", "Size", "Shared", "Verdict", "Description"], rows: rows))
    }

    var orphans: String {
        let sorted = report.orphans.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }
        let rows: [[Cell]] = sorted.map { orphan in
            [.bytes(orphan.bytes), .text(orphan.kind.rawValue), .html(Self.path(of: orphan))]
        }
        return Self.section(
            id: "orphans", title: "Orphans (\(sorted.count))",
            note: "Nothing under the root owns these, and no Docker command frees them.",
            table: Self.table(id: "orphans-table", headers: ["Size", "Kind", "Path"], rows: rows))
    }

    /// The path's exact bytes when the document carries them (an invalid name shows as on disk).
    static func path(of orphan: OrphanUsage) -> String {
        if let base64 = orphan.pathBase64, let bytes = Data(base64Encoded: base64) {
            return HTMLEscaping.escape(bytes)
        }
        return HTMLEscaping.escape(orphan.path)
    }
}
