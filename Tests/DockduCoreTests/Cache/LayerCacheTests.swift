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
