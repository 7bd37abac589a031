/// Images as columns, layers as rows: which images hold each layer, so "which images would I
/// have to remove to free this base layer" is one row's read.
extension HTMLReport {
    var layerSharing: String {
        let images = report.images.sorted { ($0.bytes, $1.id) > ($1.bytes, $0.id) }
        let layers = report.layers.filter { !$0.images.isEmpty }
            .sorted { ($0.images.count, $0.bytes, $1.chainId) > ($1.images.count, $1.bytes, $0.chainId) }
        guard !layers.isEmpty else {
            return "<section id=\"layer-sharing\"><h2>Layer sharing</h2><p>No image layers.</p></section>"
        }
        let namesByID = Dictionary(report.images.map { ($0.id, Self.name(of: $0)) }, uniquingKeysWith: { a, _ in a })
        var lines = [
            "<div class=\"scroll\"><table class=\"sortable\" id=\"layer-sharing-table\">",
            "<thead><tr><th scope=\"col\">Layer</th><th scope=\"col\">Size</th><th scope=\"col\">Images</th>"
                + images.map { "<th scope=\"col\">\(Self.name(of: $0))<br><code>\(Self.shortID($0.id))</code></th>" }.joined()
                + "<th scope=\"col\">To free it, remove</th></tr></thead>",
            "<tbody>",
        ]
        for layer in layers {
            let users = Set(layer.images)
            let marks = images.map { users.contains($0.id) ? "<td class=\"uses\">uses</td>" : "<td></td>" }.joined()
            let remove = layer.images.map { namesByID[$0] ?? Self.shortID($0) }.joined(separator: ", ")
            lines.append(
                "<tr><td><code>\(Self.shortID(layer.chainId))</code>\(layer.images.count > 1 ? " shared" : "")</td>"
                    + Self.cell(.bytes(layer.bytes)) + Self.cell(.count(layer.images.count)) + marks
                    + "<td class=\"name\">\(remove)</td></tr>")
        }
        lines.append("</tbody></table></div>")
        return Self.section(
            id: "layer-sharing", title: "Layer sharing (\(layers.count) layers, \(images.count) images)",
            note: "A row is a layer; \"uses\" marks each image whose chain includes it. A layer's bytes are freed only when every image that uses it is removed.",
            table: lines.joined(separator: "\n"))
    }
}
