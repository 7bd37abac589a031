import Foundation
import Testing
@testable import DockduCore

@Suite struct DataRootScanTests {
    @Test func everyByteHasOneOwnerAndTheTotalIsDu() throws {
        let root = try HandMadeDataRoot()
        let result = try DataRootScan(dataRoot: root.tree.path).run()
        let disk = result.report(dataRoot: root.tree.path, mode: .disk)
        #expect(disk.totalBytes == (try root.tree.du()))
        #expect(disk.categories.sum == disk.totalBytes)
        #expect(disk.categories.volumes == (try root.tree.du("volumes/data")))
        #expect(disk.categories.buildCache == (try root.tree.du("overlay2/\(root.snapshot)")))

        let apparent = result.report(dataRoot: root.tree.path, mode: .apparent)
        let image = try #require(apparent.images.first)
        #expect(apparent.images.count == 1)
        #expect(image.tags == ["app:1"])
        #expect(image.layers == root.chain)
        #expect(image.bytes == 30_000)
        #expect(image.uniqueBytes == 30_000)
        #expect(image.containers == [root.liveContainer])
        #expect(Dictionary(uniqueKeysWithValues: apparent.layers.map { ($0.chainId, $0.bytes) }) == [root.chain[0]: 10_000, root.chain[1]: 20_000])

        let container = try #require(apparent.containers.first)
        #expect(apparent.containers.count == 1)
        #expect(container.name == "web")
        #expect(container.state == .exited)
        #expect(container.rwBytes == 3000)
        #expect(container.logBytes == 16_000)
        #expect(container.volumes == ["data"])
        var volume = VolumeUsage(name: "data", bytes: 50_000, containers: [root.liveContainer], anonymous: false)
        // Last used when web, which mounts it, last ran (or the volume was made, if later).
        volume.lastUsedAt = apparent.volumes.first?.lastUsedAt
        volume.lastUsedSource = apparent.volumes.first?.lastUsedSource
        #expect(apparent.volumes == [volume])
        #expect(container.lastUsedSource != nil && image.lastUsedSource != nil && volume.lastUsedSource != nil)
    }

    @Test func orphansAreFoundAndBuildKitIsNotOne() throws {
        let root = try HandMadeDataRoot()
        let report = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: .apparent)
        let kinds = Dictionary(uniqueKeysWithValues: report.orphans.map { ($0.path, $0.kind) })
        #expect(kinds == [
            "overlay2/leftover": .overlayDirectory,
            "overlay2/\(root.goneMount)": .containerLayer,
            "overlay2/\(root.goneMount)-init": .containerLayer,
            "image/overlay2/layerdb/mounts/\(root.goneContainer)": .mountMetadata,
        ])
        #expect(report.orphans.first { $0.path == "overlay2/leftover" }?.bytes == 6000)
        #expect(report.orphans.first { $0.path == "overlay2/\(root.goneMount)" }?.bytes == 3000)
        #expect(!report.orphans.contains { $0.path.contains(root.snapshot) })
        #expect(report.categories.buildCache == 4000)
    }

    @Test func aContainerDirectoryWithoutConfigOrLayersIsAnOrphan() throws {
        let root = try HandMadeDataRoot()
        let stray = String(repeating: "f", count: 64)
        try root.tree.directory("containers/\(stray)")
        try root.tree.file("containers/\(stray)/\(stray)-json.log", size: 8000)
        // Missing, not corrupt, but with its layers still recorded: still a container.
        try FileManager.default.removeItem(atPath: root.tree.path + "/containers/\(root.liveContainer)/config.v2.json")
        let report = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: .apparent)
        #expect(report.orphans.first { $0.path == "containers/\(stray)" }?.kind == .containerDirectory)
        #expect(report.orphans.first { $0.path == "containers/\(stray)" }?.bytes == 8000)
        #expect(report.containers.map(\.id) == [root.liveContainer])
        #expect(report.containers.first?.state == .unknown)
    }

    @Test func whatAppearsAfterTheMetadataWasReadIsOtherNotAnOrphan() throws {
        let root = try HandMadeDataRoot()
        let descriptor = try FileDescriptor.openDirectory(atPath: root.tree.path)
        defer { descriptor.close() }
        let model = DataRootLoader(files: DataRootFiles(root: descriptor)).load()
        let rules = OwnershipRules(model: model)
        // A layer being made while dockdu walks.
        try root.tree.directory("overlay2/brand-new")
        try root.tree.file("overlay2/brand-new/part", size: 3000)
        let tally = try TreeWalker(classifier: rules, workerCount: 2).walk(root: descriptor)
        let appeared = try #require(rules.slot(of: .appeared))
        #expect(tally.inodeCounts[appeared] == 2)
        #expect(tally.apparentBytes[appeared] == 3000)
        let report = ReportBuilder(model: model, rules: rules, tally: tally).build(dataRoot: root.tree.path, mode: .disk, generatedAt: "")
        #expect(!report.orphans.contains { $0.path == "overlay2/brand-new" })
        #expect(report.totalBytes == (try root.tree.du()))
    }

    @Test func inconsistenciesAreWarningsNotFailures() throws {
        let root = try HandMadeDataRoot()
        try root.write("containers/\(root.liveContainer)/config.v2.json", "{ not json")
        let result = try DataRootScan(dataRoot: root.tree.path).run()
        let report = result.report(dataRoot: root.tree.path, mode: .disk)
        let codes = Set(report.warnings.map { "\($0.code.rawValue) \($0.path)" })
        #expect(codes.contains("brokenLink overlay2/l/DANGLING"))
        #expect(codes.contains("brokenLink overlay2/\(root.layers[1])/lower"))
        #expect(codes.contains("corrupt containers/\(root.liveContainer)/config.v2.json"))
        #expect(result.isPartial)
        // The container is still listed, and its bytes still counted, with its state unknown.
        #expect(report.containers.first?.state == .unknown)
        #expect(report.totalBytes == (try root.tree.du()))
    }

    @Test func aMissingRootSaysSo() {
        #expect(throws: ScanError.self) { try DataRootScan(dataRoot: "/nonexistent/dockdu-root").run() }
        do {
            _ = try DataRootScan(dataRoot: "/nonexistent/dockdu-root").run()
        } catch {
            #expect(error.kind == .missing)
            #expect(error.message.contains("--root"))
        }
    }
}
