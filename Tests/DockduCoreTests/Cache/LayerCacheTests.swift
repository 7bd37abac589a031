import Foundation
import Testing
@testable import DockduCore

private func scan(_ root: HandMadeDataRoot, cache: String?, version: String = "test") throws -> DataRootScan.Result {
    try DataRootScan(dataRoot: root.tree.path, cacheDirectory: cache, version: version).run()
}

/// The report in both modes, with the time of the scan and cache warnings left out: what a
/// cached run must share with a full walk.
private func figures(_ result: DataRootScan.Result, _ root: HandMadeDataRoot) -> [Report] {
    [SizeMode.disk, .apparent].map { mode in
        var report = result.report(dataRoot: root.tree.path, mode: mode)
        report.generatedAt = ""
        report.warnings.removeAll { $0.code == .cache }
        return report
    }
}

@Suite struct LayerCacheTests {
    @Test func aCachedRunEqualsAFullWalkAndSkipsImageLayers() throws {
        let root = try HandMadeDataRoot()
        try root.tree.hardLink("overlay2/layer0/diff/content", "overlay2/layer0/diff/content-again")
        let cacheDirectory = try TemporaryTree()
        let first = try scan(root, cache: cacheDirectory.path + "/cache")
        #expect(first.tally.cachedSubtrees == 0)
        let cacheFiles = try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path + "/cache")
        #expect(cacheFiles.count == 1 && cacheFiles[0].hasPrefix("layers-"))

        let second = try scan(root, cache: cacheDirectory.path + "/cache")
        #expect(second.tally.cachedSubtrees == 2)
        #expect(second.tally.inodes == first.tally.inodes)
        let full = try scan(root, cache: nil)
        #expect(figures(second, root) == figures(full, root))
        #expect(figures(first, root) == figures(full, root))
    }

    @Test func eachHardLinkedInodeIsCachedOnceAsFourNumbers() throws {
        let root = try HandMadeDataRoot()
        // Three links to one inode inside layer0, and one inode linked from layer0 and layer1.
        try root.tree.hardLink("overlay2/layer0/diff/content", "overlay2/layer0/diff/content-2")
        try root.tree.hardLink("overlay2/layer0/diff/content", "overlay2/layer0/diff/content-3")
        try root.tree.file("overlay2/layer0/diff/shared", size: 5000)
        try root.tree.hardLink("overlay2/layer0/diff/shared", "overlay2/layer1/diff/shared")
        let cacheDirectory = try TemporaryTree()
        _ = try scan(root, cache: cacheDirectory.path)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path).first)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: cacheDirectory.path + "/" + name))) as? [String: Any])
        let layers = try #require(document["layers"] as? [String: [String: Any]])
        var linkCounts: [Int] = []
        for entry in layers.values {
            let links = try #require((entry["subtree"] as? [String: Any])?["hardLinks"] as? [[Int]])
            #expect(links.allSatisfy { $0.count == 4 })
            #expect(Set(links.map { $0[1] }).count == links.count, "an inode once per layer")
            linkCounts.append(links.count)
        }
        #expect(linkCounts.sorted() == [1, 2], "layer0: content and shared; layer1: shared")

        let cached = try scan(root, cache: cacheDirectory.path)
        #expect(cached.tally.cachedSubtrees == 2)
        #expect(figures(cached, root) == figures(try scan(root, cache: nil), root))

        // A hard link of five numbers is a cache that does not parse: ignored and rebuilt.
        var damaged = layers
        let (cacheID, entry) = try #require(layers.first { (($0.value["subtree"] as? [String: Any])?["hardLinks"] as? [[Int]])?.isEmpty == false })
        var subtree = try #require(entry["subtree"] as? [String: Any])
        subtree["hardLinks"] = [[1, 2, 3, 4, 5]]
        damaged[cacheID]?["subtree"] = subtree
        var damagedDocument = document
        damagedDocument["layers"] = damaged
        try JSONSerialization.data(withJSONObject: damagedDocument).write(to: URL(fileURLWithPath: cacheDirectory.path + "/" + name))
        let ignored = try scan(root, cache: cacheDirectory.path)
        #expect(ignored.tally.cachedSubtrees == 0)
        #expect(ignored.model.warnings.contains { $0.code == .cache && $0.message.contains("does not parse") })
    }

    @Test func whatCanChangeIsWalkedAgain() throws {
        let root = try HandMadeDataRoot()
        let cacheDirectory = try TemporaryTree()
        _ = try scan(root, cache: cacheDirectory.path)
        try root.tree.file("overlay2/live/diff/written", size: 90_000)
        try root.tree.file("volumes/data/_data/more", size: 12_345)
        try root.tree.file("containers/\(root.liveContainer)/\(root.liveContainer)-json.log", size: 70_000)
        // A layer that changed behind Docker's back is walked again too: its diff's mtime moved.
        try root.tree.file("overlay2/layer1/diff/added", size: 4444)
        let cached = try scan(root, cache: cacheDirectory.path)
        #expect(cached.tally.cachedSubtrees == 1)
        let full = try scan(root, cache: nil)
        #expect(figures(cached, root) == figures(full, root))
        let report = cached.report(dataRoot: root.tree.path, mode: .apparent)
        #expect(report.containers.first?.rwBytes == 90_000)
        #expect(report.volumes.first?.bytes == Int64(62_345))
        #expect(report.totalBytes == full.report(dataRoot: root.tree.path, mode: .apparent).totalBytes)
    }

    @Test func aBadCacheIsIgnoredWithAWarningAndRebuilt() throws {
        let root = try HandMadeDataRoot()
        let cacheDirectory = try TemporaryTree()
        _ = try scan(root, cache: cacheDirectory.path)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path).first)
        let path = cacheDirectory.path + "/" + name
        let full = try scan(root, cache: nil)

        for damage in ["{\"format\": 3", "not json at all", "{}"] {
            try Data(damage.utf8).write(to: URL(fileURLWithPath: path))
            let result = try scan(root, cache: cacheDirectory.path)
            #expect(result.tally.cachedSubtrees == 0)
            #expect(result.model.warnings.contains { $0.code == .cache && $0.message.contains("ignoring") })
            #expect(!result.isPartial)
            #expect(figures(result, root) == figures(full, root))
            #expect(try scan(root, cache: cacheDirectory.path).tally.cachedSubtrees == 2, "rebuilt after \(damage)")
        }

        // Another dockdu version's cache is not trusted either.
        let foreign = try scan(root, cache: cacheDirectory.path, version: "other")
        #expect(foreign.tally.cachedSubtrees == 0)
        #expect(foreign.model.warnings.contains { $0.code == .cache && $0.message.contains("written by dockdu test") })
        #expect(figures(foreign, root) == figures(full, root))
    }

    @Test func theCacheIsNeverWrittenUnderTheDataRoot() throws {
        let root = try HandMadeDataRoot()
        let before = try root.tree.du()
        let result = try scan(root, cache: root.tree.path + "/cache-here")
        #expect(result.model.warnings.contains { $0.code == .cache && $0.message.contains("under the data root") })
        #expect(!FileManager.default.fileExists(atPath: root.tree.path + "/cache-here"))
        #expect(try root.tree.du() == before)
    }
}
