/// The treemap: the whole data root by owner (category → image, container, volume, cache record
/// or orphan → layer), sized by bytes; a layer two images share appears once, in the images'
/// "shared layers", marked shared and naming its images.
extension HTMLReport {
    /// A box of the treemap. `label` and `title` are escaped HTML.
    struct TreemapNode {
        var label: String
        var title: String
        var bytes: Int64
        var category: Category
        var shared = false
        var children: [TreemapNode] = []
    }

    static let canvas = TreemapLayout.Rect(x: 0, y: 0, width: 1200, height: 640)

    var treemap: String {
        var svg = [
            "<svg class=\"treemap\" viewBox=\"0 0 1200 640\" role=\"img\" aria-labelledby=\"treemap-title\" xmlns=\"http://www.w3.org/2000/svg\">",
            "<title id=\"treemap-title\">Treemap of \(HTMLEscaping.escape(report.dataRoot)) by owner</title>",
            "<defs><pattern id=\"shared\" width=\"8\" height=\"8\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\">"
                + "<rect width=\"8\" height=\"8\" fill=\"#9cc3f0\"/><rect width=\"3\" height=\"8\" fill=\"#6f9fd6\"/></pattern></defs>",
        ]
        Self.draw(treemapNodes, in: Self.canvas, depth: 0, into: &svg)
        svg.append("</svg>")
        return Self.section(
            id: "treemap", title: "Treemap",
            note: "Every byte under the data root by owner; areas are proportional to bytes. Hatched cells are layers several images share "
                + "(hover or focus a cell to see which). Tab moves between cells.",
            table: svg.joined(separator: "\n"))
    }

    static func draw(_ nodes: [TreemapNode], in area: TreemapLayout.Rect, depth: Int, into svg: inout [String]) {
        let rects = TreemapLayout.squarify(nodes.map(\.bytes), in: area)
        for (node, rect) in zip(nodes, rects) where rect.width >= 0.5 && rect.height >= 0.5 {
            let group = !node.children.isEmpty && depth < 2
            let classes = node.shared ? "cell shared" : "cell c-\(node.category.rawValue)"
            svg.append(
                "<g><rect class=\"\(classes)\" tabindex=\"0\" x=\"\(coordinate(rect.x))\" y=\"\(coordinate(rect.y))\" "
                    + "width=\"\(coordinate(rect.width))\" height=\"\(coordinate(rect.height))\">"
                    + "<title>\(node.title): \(size(node.bytes)) (\(node.bytes) bytes)</title></rect>")
            if rect.width >= 50 && rect.height >= 14 {
                let characters = max(1, Int((rect.width - 6) / 7))
                let text = shortened(node.label, to: characters)
                svg.append("<text x=\"\(coordinate(rect.x + 3))\" y=\"\(coordinate(rect.y + 12))\">\(text)</text>")
            }
            if group, rect.width > 12, rect.height > 30 {
                let inner = TreemapLayout.Rect(x: rect.x + 2, y: rect.y + 16, width: rect.width - 4, height: rect.height - 18)
                draw(node.children, in: inner, depth: depth + 1, into: &svg)
                svg.append(
                    "<rect class=\"group\" x=\"\(coordinate(rect.x))\" y=\"\(coordinate(rect.y))\" "
                        + "width=\"\(coordinate(rect.width))\" height=\"\(coordinate(rect.height))\"/>")
            }
            svg.append("</g>")
        }
    }

    /// At most `limit` visible characters of escaped HTML, cut with `…` (a character reference
    /// counts as one and is never cut).
    static func shortened(_ html: String, to limit: Int) -> String {
        var pieces: [Substring] = []
        var index = html.startIndex
        while index < html.endIndex {
            var end = html.index(after: index)
            if html[index] == "&", let semicolon = html[index...].firstIndex(of: ";") { end = html.index(after: semicolon) }
            pieces.append(html[index..<end])
            index = end
        }
        guard pieces.count > limit else { return html }
        return pieces.prefix(max(0, limit - 1)).joined() + "…"
    }

    /// The tree the treemap draws, each category's remainder (metadata, what no item names) as
    /// its own box, so the boxes sum to the category.
    var treemapNodes: [TreemapNode] {
        Category.allCases.map { category in
            let children = ownerNodes(category)
            var node = TreemapNode(
                label: "\(category.label) \(Self.size(report.categories[category]))", title: category.label,
                bytes: report.categories[category], category: category, children: children)
            let counted = children.reduce(Int64(0)) { $0 +| $1.bytes }
            if !children.isEmpty, report.categories[category] > counted {
                node.children.append(TreemapNode(
                    label: "metadata and the rest", title: "\(category.label): metadata and files no item names",
                    bytes: report.categories[category] - counted, category: category))
            }
            return node
        }
    }

    private func ownerNodes(_ category: Category) -> [TreemapNode] {
        switch category {
        case .images: return imageNodes
        case .containers:
            return report.containers.map { container in
                TreemapNode(
                    label: HTMLEscaping.escape(container.name), title: "container \(HTMLEscaping.escape(container.name))",
                    bytes: container.totalBytes -| container.logBytes, category: category)
            }
        case .logs:
            return report.containers.filter { $0.logBytes > 0 }.map { container in
                TreemapNode(
                    label: HTMLEscaping.escape(container.name), title: "logs of container \(HTMLEscaping.escape(container.name))",
                    bytes: container.logBytes, category: category)
            }
        case .volumes:
            return report.volumes.map { volume in
                TreemapNode(label: HTMLEscaping.escape(volume.name), title: "volume \(HTMLEscaping.escape(volume.name))", bytes: volume.bytes, category: category)
            }
        case .buildCache:
            return (report.buildCache ?? []).filter { $0.countedUnder == nil }.map { record in
                TreemapNode(
                    label: HTMLEscaping.escape(record.type), title: "build cache record \(HTMLEscaping.escape(record.id)) (\(HTMLEscaping.escape(record.type)))",
                    bytes: record.bytes, category: category)
            }
        case .orphans:
            return report.orphans.map { orphan in
                TreemapNode(label: Self.path(of: orphan), title: "orphan \(orphan.kind.rawValue) \(Self.path(of: orphan))", bytes: orphan.bytes, category: category)
            }
        case .other:
            return []
        }
    }

    /// Each image with its own layers, then one box of the layers images share, each once.
    private var imageNodes: [TreemapNode] {
        let namesByID = Dictionary(report.images.map { ($0.id, Self.name(of: $0)) }, uniquingKeysWith: { a, _ in a })
        let layers = report.layers.sorted { ($0.bytes, $1.chainId) > ($1.bytes, $0.chainId) }
        var nodes: [TreemapNode] = report.images.map { image in
            let own = layers.filter { $0.images == [image.id] }.map { layer in
                TreemapNode(
                    label: "layer \(Self.shortID(layer.chainId))", title: "layer \(Self.shortID(layer.chainId)) of \(Self.name(of: image)) only",
                    bytes: layer.bytes, category: .images)
            }
            return TreemapNode(
                label: Self.name(of: image), title: "image \(Self.name(of: image)) (\(Self.shortID(image.id))), its own layers",
                bytes: own.reduce(Int64(0)) { $0 +| $1.bytes }, category: .images, children: own)
        }
        let shared = layers.filter { $0.images.count > 1 }.map { layer in
            let names = layer.images.map { namesByID[$0] ?? Self.shortID($0) }.joined(separator: ", ")
            return TreemapNode(
                label: "shared \(Self.shortID(layer.chainId))", title: "shared layer \(Self.shortID(layer.chainId)), used by \(names)",
                bytes: layer.bytes, category: .images, shared: true)
        }
        if !shared.isEmpty {
            nodes.append(TreemapNode(
                label: "shared layers", title: "layers several images share", bytes: shared.reduce(Int64(0)) { $0 +| $1.bytes },
                category: .images, shared: true, children: shared))
        }
        let unlisted = layers.filter(\.images.isEmpty).reduce(Int64(0)) { $0 +| $1.bytes }
        if unlisted > 0 {
            nodes.append(TreemapNode(label: "layers of no listed image", title: "layers of no listed image", bytes: unlisted, category: .images))
        }
        return nodes
    }
}
