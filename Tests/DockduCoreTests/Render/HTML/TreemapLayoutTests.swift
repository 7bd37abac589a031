import Testing

@testable import DockduCore

@Suite struct TreemapLayoutTests {
    static let canvas = TreemapLayout.Rect(x: 10, y: 20, width: 1200, height: 640)

    static func overlap(_ a: TreemapLayout.Rect, _ b: TreemapLayout.Rect) -> Double {
        let width = min(a.x + a.width, b.x + b.width) - max(a.x, b.x)
        let height = min(a.y + a.height, b.y + b.height) - max(a.y, b.y)
        return max(0, width) * max(0, height)
    }

    static let cases: [[Int64]] = [
        [1], [6, 6, 4, 3, 2, 2, 1], [1_000_000_000, 1, 1, 1], [5, 0, 5, 0], (1...60).map { Int64($0 * $0) },
        [Int64.max / 4, Int64.max / 4, 1],
    ]

    @Test(arguments: Self.cases)
    func areasAreProportionalInsideTheCanvasWithoutOverlap(weights: [Int64]) {
        let rects = TreemapLayout.squarify(weights, in: Self.canvas)
        #expect(rects.count == weights.count)
        let total = weights.reduce(0.0) { $0 + Double(max(0, $1)) }
        let tolerance = 1e-6 * Self.canvas.area
        for (weight, rect) in zip(weights, rects) {
            let expected = Self.canvas.area * Double(max(0, weight)) / total
            #expect(abs(rect.area - expected) <= tolerance + expected * 1e-9, "weight \(weight): \(rect)")
            #expect(rect.x >= Self.canvas.x - 1e-9 && rect.y >= Self.canvas.y - 1e-9)
            #expect(rect.x + rect.width <= Self.canvas.x + Self.canvas.width + 1e-6)
            #expect(rect.y + rect.height <= Self.canvas.y + Self.canvas.height + 1e-6)
        }
        for i in rects.indices {
            for j in rects.indices where j > i {
                #expect(Self.overlap(rects[i], rects[j]) <= tolerance, "\(rects[i]) and \(rects[j]) overlap")
            }
        }
        // Together they tile the canvas.
        #expect(abs(rects.reduce(0) { $0 + $1.area } - Self.canvas.area) <= tolerance)
    }

    /// The paper's example: squarified rows keep every box within an aspect ratio of 3.
    @Test func boxesAreNearlySquare() {
        let rects = TreemapLayout.squarify([6, 6, 4, 3, 2, 2, 1], in: TreemapLayout.Rect(x: 0, y: 0, width: 6, height: 4))
        for rect in rects {
            #expect(max(rect.width / rect.height, rect.height / rect.width) <= 3)
        }
    }

    @Test func nothingToDrawGivesEmptyBoxes() {
        #expect(TreemapLayout.squarify([0, 0], in: Self.canvas).allSatisfy { $0.area == 0 })
        #expect(TreemapLayout.squarify([], in: Self.canvas).isEmpty)
    }
}
