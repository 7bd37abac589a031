/// A squarified treemap (Bruls, Huizing and van Wijk, 2000): rectangles whose areas are
/// proportional to their weights, tiling a canvas, as close to squares as a greedy row layout
/// gets them, so each can carry a label.
public enum TreemapLayout {
    public struct Rect: Sendable, Equatable {
        public var x: Double
        public var y: Double
        public var width: Double
        public var height: Double

        public init(x: Double, y: Double, width: Double, height: Double) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        public var area: Double { width * height }
    }

    /// One rectangle per weight, in the order of `weights`, together tiling `canvas` in
    /// proportion. A weight of zero or less gets an empty rectangle at the canvas's origin.
    public static func squarify(_ weights: [Int64], in canvas: Rect) -> [Rect] {
        var result = [Rect](repeating: Rect(x: canvas.x, y: canvas.y, width: 0, height: 0), count: weights.count)
        let total = weights.reduce(0.0) { $0 + Double(max(0, $1)) }
        guard total > 0, canvas.area > 0 else { return result }
        let scale = canvas.area / total
        // Biggest first, ties by position, so the layout is the same on every run.
        let order = weights.indices.filter { weights[$0] > 0 }.sorted { (weights[$0], $1) > (weights[$1], $0) }
        var free = canvas
        var row: [Int] = []
        var rowArea = 0.0
        for index in order {
            let area = Double(weights[index]) * scale
            let side = min(free.width, free.height)
            if row.isEmpty || worst(row.map { Double(weights[$0]) * scale } + [area], side: side)
                <= worst(row.map { Double(weights[$0]) * scale }, side: side) {
                row.append(index)
                rowArea += area
                continue
            }
            free = place(row, areas: row.map { Double(weights[$0]) * scale }, total: rowArea, in: free, into: &result)
            row = [index]
            rowArea = area
        }
        if !row.isEmpty {
            _ = place(row, areas: row.map { Double(weights[$0]) * scale }, total: rowArea, in: free, into: &result)
        }
        return result
    }

    /// The worst aspect ratio of a row of `areas` laid along a side of length `side`.
    private static func worst(_ areas: [Double], side: Double) -> Double {
        let sum = areas.reduce(0, +)
        guard let largest = areas.max(), let smallest = areas.min(), sum > 0, side > 0, smallest > 0 else {
            return .infinity
        }
        let sideSquared = side * side
        return max(sideSquared * largest / (sum * sum), (sum * sum) / (sideSquared * smallest))
    }

    /// Lays a row along the shorter side of `free` and returns what is left of it.
    private static func place(_ row: [Int], areas: [Double], total: Double, in free: Rect, into result: inout [Rect]) -> Rect {
        if free.width >= free.height {
            // A column at the left, as wide as the row's area needs.
            let width = free.height > 0 ? min(free.width, total / free.height) : 0
            var y = free.y
            for (index, area) in zip(row, areas) {
                let height = width > 0 ? area / width : 0
                result[index] = Rect(x: free.x, y: y, width: width, height: height)
                y += height
            }
            return Rect(x: free.x + width, y: free.y, width: max(0, free.width - width), height: free.height)
        }
        let height = free.width > 0 ? min(free.height, total / free.width) : 0
        var x = free.x
        for (index, area) in zip(row, areas) {
            let width = height > 0 ? area / height : 0
            result[index] = Rect(x: x, y: free.y, width: width, height: height)
            x += width
        }
        return Rect(x: free.x, y: free.y + height, width: free.width, height: max(0, free.height - height))
    }
}
