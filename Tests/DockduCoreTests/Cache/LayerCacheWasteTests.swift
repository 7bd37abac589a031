import Foundation
import Testing
@testable import DockduCore

/// Wasted bytes kept in the layer cache: a chain's figures stand in for the second pass only while
/// every one of its layers is answered from the cache too, and never for a layer walked again.
@Suite struct LayerCacheWasteTests {
    /// The hand-made root (layer 1 writes `content` over layer 0's) with layer 1 deleting `gone`.
    let root: HandMadeDataRoot

    init() throws {
        root = try HandMadeDataRoot()
        try root.tree.file("overlay2/\(root.layers[0])/diff/gone", size: 3000)
        try root.tree.whiteout("overlay2/\(root.layers[1])/diff/gone")
    }

    private func scan(cache: TemporaryTree?, wasted: Bool = true, maxAge: Int64 = DataRootScan.defaultCacheMaxAgeSeconds) throws -> DataRootScan.Result {
        var scan = DataRootScan(dataRoot: root.tree.path, cacheDirectory: cache?.path, version: "test", cacheMaxAgeSeconds: maxAge)
        scan.findsWaste = wasted
        return try scan.run()
    }

    private var imageID: String { "sha256:" + root.imageHex }

    private func cacheDocument(_ directory: TemporaryTree) throws -> (URL, [String: Any]) {
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: directory.path).first)
        let url = URL(fileURLWithPath: directory.path + "/" + name)
        return (url, try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]))
    }

    /// Sets the cached chain's wasted apparent bytes (and the field `key` of its entry, if given).
    private func editWasteEntry(_ directory: TemporaryTree, _ edit: (inout [String: Any]) throws -> Void) throws {
        var (url, document) = try cacheDocument(directory)
        var wasted = try #require(document["wasted"] as? [String: Any])
        #expect(wasted.count == 1)
        for (key, value) in wasted {
            var entry = try #require(value as? [String: Any])
            try edit(&entry)
            wasted[key] = entry
        }
        document["wasted"] = wasted
        try JSONSerialization.data(withJSONObject: document).write(to: url)
    }

    private func setWasted(_ bytes: Int, in entry: inout [String: Any]) throws {
        var waste = try #require(entry["waste"] as? [String: Any])
        waste["wastedApparentBytes"] = bytes
        entry["waste"] = waste
    }

    @Test func aCachedChainEqualsAMeasurementAndIsKeptByIt() throws {
        let measured = try #require(try scan(cache: nil).waste[imageID])
        #expect(measured.paths.map { String(decoding: $0.path, as: UTF8.self) }.sorted() == ["/content", "/gone"])
        #expect(measured.wastedApparentBytes == 10_000 + 3000)

        let cache = try TemporaryTree()
        let first = try scan(cache: cache)
        #expect(first.waste[imageID] == measured)
        let (_, document) = try cacheDocument(cache)
        let wasted = try #require(document["wasted"] as? [String: Any])
        #expect(wasted.keys.sorted() == [root.layers.joined(separator: "/")])
        let second = try scan(cache: cache)
        #expect(second.tally.cachedSubtrees == 2)
        #expect(second.waste[imageID] == measured)
    }

    /// The proof that the entry stands in: a figure edited into it is what the next run reports.
    @Test func theEntryStandsInOnlyWhileEveryLayerIsAnsweredFromTheCache() throws {
        let measured = try #require(try scan(cache: nil).waste[imageID])
        let cache = try TemporaryTree()
        _ = try scan(cache: cache)
        try editWasteEntry(cache) { try setWasted(3001, in: &$0) }
        #expect(try scan(cache: cache).waste[imageID]?.wastedApparentBytes == 3001)

        // A layer whose entry aged out is walked again, and so is the chain measured again.
        var (url, document) = try cacheDocument(cache)
        var layers = try #require(document["layers"] as? [String: Any])
        var entry = try #require(layers[root.layers[0]] as? [String: Any])
        entry["verifiedAt"] = try #require(entry["verifiedAt"] as? Int) - 8 * 86_400
        layers[root.layers[0]] = entry
        document["layers"] = layers
        try JSONSerialization.data(withJSONObject: document).write(to: url)
        let again = try scan(cache: cache)
        #expect(again.tally.cachedSubtrees == 1)
        #expect(again.waste[imageID] == measured)
    }

    @Test func aLayerDirectoryThatChangedIsMeasuredAgain() throws {
        let cache = try TemporaryTree()
        _ = try scan(cache: cache)
        try editWasteEntry(cache) { try setWasted(3001, in: &$0) }
        // A new file in the top layer's diff/ changes the directory's times.
        try root.tree.file("overlay2/\(root.layers[1])/diff/new", size: 100)
        let rescanned = try scan(cache: cache)
        let measured = try #require(try scan(cache: nil).waste[imageID])
        #expect(rescanned.waste[imageID] == measured)
        #expect(measured.wastedApparentBytes != 3001)
    }

    @Test func entriesOutliveARunWithoutTheSecondPassButNotTheirAge() throws {
        let cache = try TemporaryTree()
        _ = try scan(cache: cache)
        try editWasteEntry(cache) { try setWasted(3001, in: &$0) }
        let plain = try scan(cache: cache, wasted: false)
        #expect(plain.waste.isEmpty)
        #expect(try scan(cache: cache).waste[imageID]?.wastedApparentBytes == 3001)
        // Older than the maximum age: measured again.
        let measured = try #require(try scan(cache: nil).waste[imageID])
        #expect(try scan(cache: cache, maxAge: 0).waste[imageID] == measured)
    }

    @Test func impossibleEntriesAreDroppedWithAWarning() throws {
        let measured = try #require(try scan(cache: nil).waste[imageID])
        let cache = try TemporaryTree()
        _ = try scan(cache: cache)
        // More hidden than shipped.
        try editWasteEntry(cache) { try setWasted(Int(measured.totalApparentBytes) + 1, in: &$0) }
        let rescanned = try scan(cache: cache)
        #expect(rescanned.waste[imageID] == measured)
        let warning = try #require(rescanned.model.warnings.first { $0.code == .cache })
        #expect(warning.message.contains("1 entry"), "\(warning.message)")
        // A path said to be hidden by a layer the chain does not have.
        try editWasteEntry(cache) { entry in
            var waste = try #require(entry["waste"] as? [String: Any])
            var paths = try #require(waste["paths"] as? [[String: Any]])
            paths[0]["hiddenBy"] = 7
            waste["paths"] = paths
            entry["waste"] = waste
        }
        #expect(try scan(cache: cache).waste[imageID] == measured)
    }
}
