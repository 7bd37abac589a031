/// The JSON document holds what the human table holds: besides the facts a ``Report`` stores, it
/// writes ``Report/reclaimable`` — a `summary` per category, the total `reclaimableBytes`, and on
/// every image, container, volume and orphan `reclaimable`, `reclaimableBytes` and
/// `reclaimReason`. They are derived at encoding time from the one computation, never stored, so
/// they cannot go stale or drift from the table; decoding an earlier report ignores them.
extension Report {
    private enum DocumentKeys: String, CodingKey {
        case schemaVersion, dataRoot, sizeMode, generatedAt, totalBytes, categories, images, containers, volumes
        case layers, orphans, warnings, metadataComplete, linkedFolders, stores, roots, blobs, containerdStore, buildCache
        case reclaimableBytes, summary
    }

    public func encode(to encoder: any Encoder) throws {
        let space = reclaimable
        var document = encoder.container(keyedBy: DocumentKeys.self)
        try document.encode(schemaVersion, forKey: .schemaVersion)
        try document.encode(dataRoot, forKey: .dataRoot)
        try document.encode(sizeMode, forKey: .sizeMode)
        try document.encode(generatedAt, forKey: .generatedAt)
        try document.encode(totalBytes, forKey: .totalBytes)
        try document.encode(categories, forKey: .categories)
        try document.encode(Judged.pair(images, space.images), forKey: .images)
        try document.encode(Judged.pair(containers, space.containers), forKey: .containers)
        try document.encode(Judged.pair(volumes, space.volumes), forKey: .volumes)
        try document.encode(layers, forKey: .layers)
        try document.encode(Judged.pair(orphans, space.orphans), forKey: .orphans)
        try document.encode(warnings, forKey: .warnings)
        try document.encodeIfPresent(metadataComplete, forKey: .metadataComplete)
        try document.encodeIfPresent(linkedFolders, forKey: .linkedFolders)
        try document.encodeIfPresent(stores, forKey: .stores)
        try document.encodeIfPresent(roots, forKey: .roots)
        try document.encodeIfPresent(blobs, forKey: .blobs)
        try document.encodeIfPresent(containerdStore, forKey: .containerdStore)
        if let buildCache { try document.encode(Judged.pair(buildCache, space.buildCache), forKey: .buildCache) }
        try document.encode(space.totalBytes, forKey: .reclaimableBytes)
        let summary = Dictionary(uniqueKeysWithValues: Category.allCases.map { category in
            (category.rawValue, CategorySummary(bytes: categories[category], entry: space[category]))
        })
        try document.encode(summary, forKey: .summary)
    }
}

/// One row of the SUMMARY table, as the document's `summary` writes it.
private struct CategorySummary: Encodable {
    var bytes: Int64
    var reclaimableBytes: Int64
    /// Absent where the table prints `-`.
    var items: Int?
    var unusedItems: Int?

    init(bytes: Int64, entry: ReclaimableSpace.Entry) {
        self.bytes = bytes
        reclaimableBytes = entry.bytes
        items = entry.itemCount
        unusedItems = entry.reclaimableItemCount
    }
}

/// An item's own keys and its verdict's, in one JSON object.
private struct Judged<Item: Encodable>: Encodable {
    var item: Item
    var verdict: ReclaimVerdict

    private enum VerdictKeys: String, CodingKey {
        case reclaimable, reclaimableBytes, reclaimReason
    }

    static func pair(_ items: [Item], _ verdicts: [ReclaimVerdict]) -> [Judged] {
        zip(items, verdicts).map { Judged(item: $0, verdict: $1) }
    }

    func encode(to encoder: any Encoder) throws {
        try item.encode(to: encoder)
        // JSONEncoder hands back the same keyed container on a second request, so the verdict's
        // keys join the item's (a test holds the encoded keys to the schema's).
        var container = encoder.container(keyedBy: VerdictKeys.self)
        try container.encode(verdict.isReclaimable, forKey: .reclaimable)
        try container.encode(verdict.bytes, forKey: .reclaimableBytes)
        try container.encode(verdict.reason, forKey: .reclaimReason)
    }
}
