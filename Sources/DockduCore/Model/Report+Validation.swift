/// Checks of a ``Report`` read back from a file (`--compare`): the figures dockdu writes are never
/// negative and add up, so a document where they do not was damaged or edited, and is refused
/// rather than trusted.
extension Report {
    /// What is wrong with the document, in words; nil when it is a report dockdu could have
    /// written.
    public var validationProblem: String? {
        if schemaVersion < 1 { return "schemaVersion \(schemaVersion) is not a version dockdu writes" }
        var figures: [(String, Int64)] = [("totalBytes", totalBytes)]
        for category in Category.allCases { figures.append(("categories.\(category.rawValue)", categories[category])) }
        for (index, image) in images.enumerated() {
            figures += [("images[\(index)].bytes", image.bytes), ("images[\(index)].sharedBytes", image.sharedBytes), ("images[\(index)].uniqueBytes", image.uniqueBytes)]
        }
        for (index, container) in containers.enumerated() {
            figures += [("containers[\(index)].rwBytes", container.rwBytes), ("containers[\(index)].logBytes", container.logBytes), ("containers[\(index)].totalBytes", container.totalBytes)]
        }
        for (index, volume) in volumes.enumerated() { figures.append(("volumes[\(index)].bytes", volume.bytes)) }
        for (index, layer) in layers.enumerated() { figures.append(("layers[\(index)].bytes", layer.bytes)) }
        for (index, orphan) in orphans.enumerated() { figures.append(("orphans[\(index)].bytes", orphan.bytes)) }
        if let (field, value) = figures.first(where: { $0.1 < 0 }) {
            return "\(field) is \(value), and a byte count is never negative"
        }
        if categories.sum != totalBytes {
            return "totalBytes \(totalBytes) is not the sum of its categories, \(categories.sum)"
        }
        for (index, image) in images.enumerated() where image.sharedBytes > image.bytes || image.uniqueBytes != image.bytes -| image.sharedBytes {
            return "images[\(index)] has sharedBytes \(image.sharedBytes) and uniqueBytes \(image.uniqueBytes), which do not add up to bytes \(image.bytes)"
        }
        for (index, container) in containers.enumerated() where container.logBytes > container.totalBytes || container.rwBytes > container.totalBytes {
            return "containers[\(index)] has rwBytes or logBytes larger than its totalBytes \(container.totalBytes)"
        }
        return nil
    }
}
