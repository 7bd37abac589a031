import Foundation
import Testing
@testable import DockduCore

private func scan(_ root: HandMadeDataRoot, cache: String?, version: String = "test", maxAge: Int64 = DataRootScan.defaultCacheMaxAgeSeconds) throws -> DataRootScan.Result {
    try DataRootScan(dataRoot: root.tree.path, cacheDirectory: cache, version: version, cacheMaxAgeSeconds: maxAge).run()
}

/// The cache file's JSON, edited by `edit`, written back.
private func editCache(_ directory: TemporaryTree, _ edit: (inout [String: Any]) throws -> Void) throws {
    let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first)
    let url = URL(fileURLWithPath: directory.path + "/" + name)
    var document = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    try edit(&document)
    try JSONSerialization.data(withJSONObject: document).write(to: url)
}

/// The report in both modes, with the time of the scan and cache warnings left out: what a
/// cached run must share with a full walk.
private func figures(_ result: DataRootScan.Result, _ root: HandMadeDataRoot) -> [Report] {
    [SizeMode.disk, .apparent].map { mode in
        var report = result.report(dataRoot: root.tree.path, mode: mode)
        report.generatedAt = ""
        report.warnings.removeAll { $0.code == .cache || $0.code == .layerChanged }
        return report
    }
}

@Suite struct LayerCacheTests {
    @Test func aCachedRunEqualsAFullWalkAndSkipsImageLayers() throws {
        let root = try HandMadeDataRoot()
        try root.tree.hardLink("overlay2/\(root.layers[0])/diff/content", "overlay2/\(root.layers[0])/diff/content-again")
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
        try root.tree.hardLink("overlay2/\(root.layers[0])/diff/content", "overlay2/\(root.layers[0])/diff/content-2")
        try root.tree.hardLink("overlay2/\(root.layers[0])/diff/content", "overlay2/\(root.layers[0])/diff/content-3")
        try root.tree.file("overlay2/\(root.layers[0])/diff/shared", size: 5000)
        try root.tree.hardLink("overlay2/\(root.layers[0])/diff/shared", "overlay2/\(root.layers[1])/diff/shared")
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
        try root.tree.file("overlay2/\(root.liveMount)/diff/written", size: 90_000)
        try root.tree.file("volumes/data/_data/more", size: 12_345)
        try root.tree.file("containers/\(root.liveContainer)/\(root.liveContainer)-json.log", size: 70_000)
        // A layer that changed behind Docker's back is walked again too: its diff's mtime moved.
        try root.tree.file("overlay2/\(root.layers[1])/diff/added", size: 4444)
        let cached = try scan(root, cache: cacheDirectory.path)
        #expect(cached.tally.cachedSubtrees == 1)
        let full = try scan(root, cache: nil)
        #expect(figures(cached, root) == figures(full, root))
        let report = cached.report(dataRoot: root.tree.path, mode: .apparent)
        // A committed layer that changed is itself a finding.
        #expect(report.warnings.contains { $0.code == .layerChanged && $0.path == "overlay2/\(root.layers[1])/diff" })
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

    @Test func absurdEntriesAreDroppedAndWalkedAgain() throws {
        let root = try HandMadeDataRoot()
        let cacheDirectory = try TemporaryTree()
        let full = try scan(root, cache: cacheDirectory.path)
        try editCache(cacheDirectory) { document in
            var layers = try #require(document["layers"] as? [String: Any])
            for (key, value) in layers {
                var entry = try #require(value as? [String: Any])
                var subtree = try #require(entry["subtree"] as? [String: Any])
                subtree["allocatedBytes"] = key == root.layers[0] ? -5_000_000 : Int64.max
                subtree["inodes"] = key == root.layers[0] ? 1 : 0
                entry["subtree"] = subtree
                layers[key] = entry
            }
            document["layers"] = layers
        }
        let cached = try scan(root, cache: cacheDirectory.path)
        #expect(cached.tally.cachedSubtrees == 0)
        #expect(figures(cached, root) == figures(full, root))
        let warning = try #require(cached.model.warnings.first { $0.code == .cache })
        #expect(warning.message.contains("2 entries"), "\(warning.message)")
        // Rebuilt: the next run uses it again.
        #expect(try scan(root, cache: cacheDirectory.path).tally.cachedSubtrees == 2)
    }

    @Test func entriesOlderThanTheMaximumAgeAreWalkedAgain() throws {
        let root = try HandMadeDataRoot()
        let cacheDirectory = try TemporaryTree()
        _ = try scan(root, cache: cacheDirectory.path)
        #expect(try scan(root, cache: cacheDirectory.path).tally.cachedSubtrees == 2)
        // Eight days old: past the default week.
        try editCache(cacheDirectory) { document in
            var layers = try #require(document["layers"] as? [String: Any])
            for (key, value) in layers {
                var entry = try #require(value as? [String: Any])
                entry["verifiedAt"] = try #require(entry["verifiedAt"] as? Int) - 8 * 86_400
                layers[key] = entry
            }
            document["layers"] = layers
        }
        #expect(try scan(root, cache: cacheDirectory.path, maxAge: 30 * 86_400).tally.cachedSubtrees == 2)
        let rewalked = try scan(root, cache: cacheDirectory.path)
        #expect(rewalked.tally.cachedSubtrees == 0)
        #expect(!rewalked.model.warnings.contains { $0.code == .layerChanged })
        // The re-walk verified them again, so they are fresh once more.
        #expect(try scan(root, cache: cacheDirectory.path).tally.cachedSubtrees == 2)
        #expect(try scan(root, cache: cacheDirectory.path, maxAge: 0).tally.cachedSubtrees == 0)
    }

    /// The premise the cache cannot check by times alone: a file appended deep in a layer changes
    /// only its own directory's times, so the cached figure goes stale until the entry ages out;
    /// then the re-walk finds it and says so.
    @Test func aLayerChangedDeepInsideIsFoundWhenItsEntryAgesOut() throws {
        let root = try HandMadeDataRoot()
        try root.tree.directory("overlay2/\(root.layers[0])/diff/deep")
        try root.tree.file("overlay2/\(root.layers[0])/diff/deep/file", size: 1000)
        let cacheDirectory = try TemporaryTree()
        _ = try scan(root, cache: cacheDirectory.path)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: root.tree.path + "/overlay2/\(root.layers[0])/diff/deep/file"))
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(count: 200_000))
        try handle.close()
        let stale = try scan(root, cache: cacheDirectory.path)
        #expect(stale.tally.cachedSubtrees == 2, "the diff directory's own times did not change")
        let verified = try scan(root, cache: cacheDirectory.path, maxAge: 0)
        #expect(figures(verified, root) == figures(try scan(root, cache: nil), root))
        let warning = try #require(verified.model.warnings.first { $0.code == .layerChanged })
        #expect(warning.path == "overlay2/\(root.layers[0])/diff")
    }

    @Test func aFIFOInPlaceOfTheCacheIsRefusedWithoutWaiting() throws {
        let root = try HandMadeDataRoot()
        let cacheDirectory = try TemporaryTree()
        _ = try scan(root, cache: cacheDirectory.path)
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: cacheDirectory.path).first)
        let path = cacheDirectory.path + "/" + name
        try FileManager.default.removeItem(atPath: path)
        #expect(mkfifo(path, 0o600) == 0)
        let started = Date()
        let result = try scan(root, cache: cacheDirectory.path)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(result.model.warnings.contains { $0.code == .cache && $0.message.contains("FIFO") })
        #expect(result.tally.cachedSubtrees == 0)
    }
}
