import Foundation
import Testing

@testable import DockduCore

/// `dockdu why` on the hand-made root: every kind of target resolves to the right owner, and the
/// focused walks give the same bytes as the full scan, slot for slot.
@Suite struct WhyTests {
    let root: HandMadeDataRoot
    let scan: DataRootScan.Result

    init() throws {
        root = try HandMadeDataRoot()
        // The live container's view, as if mounted: its lower layers nearest first.
        try root.write("overlay2/\(root.liveMount)/lower", "l/\(root.links[1]):l/\(root.links[0])")
        try root.tree.directory("overlay2/\(root.liveMount)/merged")
        scan = try DataRootScan(dataRoot: root.tree.path, workerCount: 2).run()
    }

    func answer(_ targets: [String]) throws -> WhyDocument {
        try Why(dataRoot: root.tree.path, workerCount: 2).answer(targets, generatedAt: "2026-01-01T00:00:00Z")
    }

    /// What the full scan counts in these slots, in both modes.
    func scanned(_ owners: [SlotOwner]) -> WhyBytes {
        scan.tally.bytes(of: owners, rules: scan.rules)
    }

    var webSlots: [SlotOwner] {
        [.containerDiff(id: root.liveContainer), .containerRest(id: root.liveContainer), .containerLogs(id: root.liveContainer)]
    }

    var layerSlots: [SlotOwner] {
        root.chain.flatMap { [SlotOwner.layerDiff(chainID: $0), .layerRest(chainID: $0)] }
    }

    @Test func everyKindOfTargetFindsItsOwner() throws {
        let image = "sha256:" + root.imageHex
        let targets = [
            root.tree.path + "/overlay2/\(root.layers[0])/diff/content", "overlay2/\(root.liveMount)/merged/content",
            "overlay2/\(root.liveMount)/merged/written", root.layers[1], root.links[0], root.chain[1], root.diff0,
            String(root.imageHex.prefix(6)), "app:1", String(root.liveContainer.prefix(8)), "web", "/web", "data",
            "\(root.liveMount)-init", "overlay2/leftover/junk", root.snapshot, "containers/\(root.liveContainer)/\(root.liveContainer)-json.log.1",
            "image/overlay2/repositories.json",
        ]
        let document = try answer(targets)
        #expect(document.unknownTargets == [])
        let found = document.answers.map { ($0.targetKind, $0.owner.kind) }
        let expected: [(WhyAnswer.TargetKind, WhyOwner.Kind)] = [
            (.path, .imageLayer), (.mergedPath, .imageLayer), (.mergedPath, .containerLayer), (.overlayDirectory, .imageLayer),
            (.link, .imageLayer), (.chainID, .imageLayer), (.chainID, .imageLayer), (.imageID, .image), (.imageReference, .image),
            (.containerID, .container), (.containerName, .container), (.containerName, .container),
            (.volume, .volume), (.overlayDirectory, .containerInitLayer), (.path, .orphan), (.overlayDirectory, .buildCacheRecord),
            (.path, .containerLogs), (.path, .other),
        ]
        #expect(found.count == expected.count)
        for (index, (got, want)) in zip(found, expected).enumerated() {
            #expect(got == want, "\(targets[index])")
        }
        let answers = document.answers
        #expect(answers[1].path == "overlay2/\(root.layers[1])/diff/content", "merged/ resolves to the nearest lower layer that has it")
        #expect(answers[0].owner.chainID == root.chain[0] && answers[0].owner.positions == [WhyLayerPosition(imageID: image, image: "app:1", position: 1, layers: 2)])
        #expect(answers[0].owner.description.contains("layer 1 of 2 of app:1"))
        #expect(answers[7].owner.imageID == image)
        #expect(answers[12].sharedBy.containers == ["web"])
        #expect(answers[17].toFree.steps.isEmpty && answers[17].toFree.note != nil)
    }

    @Test func bytesAndFreedBytesEqualTheFullScansSlotForSlot() throws {
        let document = try answer([root.chain[0], "app:1", "web", "data", "overlay2/leftover"])
        let layer = document.answers[0]
        let web = webSlots
        let image = [SlotOwner.imageMetadata(id: "sha256:" + root.imageHex)]
        #expect(layer.ownerBytes == scanned([.layerDiff(chainID: root.chain[0]), .layerRest(chainID: root.chain[0])]))
        // Freeing the base layer takes the image and the container created from it; both layers go.
        #expect(layer.toFree.steps.map(\.command) == [["docker", "container", "rm", "web"], ["docker", "image", "rm", "app:1"]])
        #expect(layer.toFree.freesBytes == scanned(web + image + layerSlots))
        #expect(layer.toFree.freesBytes.diskBytes > 0)
        #expect(document.answers[1].toFree.freesBytes == layer.toFree.freesBytes)
        #expect(document.answers[1].ownerBytes == scanned(image + layerSlots))
        let container = document.answers[2]
        #expect(container.ownerBytes == scanned(web) && container.toFree.freesBytes == scanned(web))
        let volume = document.answers[3]
        #expect(volume.ownerBytes == scanned([.volumeData(name: "data"), .volumeRest(name: "data")]))
        #expect(volume.toFree.freesBytes == scanned(web + [.volumeData(name: "data"), .volumeRest(name: "data")]))
        #expect(volume.toFree.steps.map(\.command) == [["docker", "container", "rm", "web"], ["docker", "volume", "rm", "data"]])
        let orphan = document.answers[4]
        let index = try #require(scan.rules.orphans.firstIndex { $0.path == Array("overlay2/leftover".utf8) })
        #expect(orphan.toFree.freesBytes == scanned([.orphan(index: index)]) && orphan.toFree.freesBytes.apparentBytes == 6000)
        #expect(orphan.toFree.steps.first?.command.prefix(3) == ["rm", "-rf", "--"])
        // Only the owners' directories were walked: the container's two layers, its directory and
        // its layerdb entry.
        #expect(try answer(["web"]).walkedPaths == 4)
    }

    @Test func aPathsOwnBytesAreTheFilesAlone() throws {
        let answer = try #require(try answer(["overlay2/\(root.layers[1])/diff/content"]).answers.first)
        #expect(answer.pathBytes?.apparentBytes == 20_000)
        #expect((answer.pathBytes?.apparentBytes ?? 0) < answer.ownerBytes.apparentBytes + 1)
    }

    @Test func unknownAndAmbiguousTargetsAreOneLineEachAndTheOthersAreAnswered() throws {
        let document = try answer(["no-such-thing", "/elsewhere/file", "overlay2/missing/diff", "", "app:1"])
        #expect(document.answers.map(\.target) == ["app:1"])
        #expect(document.unknownTargets.map(\.target) == ["no-such-thing", "/elsewhere/file", "overlay2/missing/diff", ""])
        #expect(document.unknownTargets.allSatisfy { !$0.message.contains("\n") })
        #expect(document.unknownTargets[1].message.contains("not under the data root"))
    }

    @Test func namesAreEscapedForTheTerminal() throws {
        try root.tree.directory("overlay2/bad\u{1B}[2Jname")
        let document = try answer(["overlay2/bad\u{1B}[2Jname"])
        let text = HumanWhy(document: document, exactBytes: true, width: 80).render()
        #expect(!text.contains("\u{1B}"))
        #expect(text.contains("owner      orphan"))
    }

    @Test func theCommandLineExitsOneWhenATargetIsUnknown() throws {
        let output = root.tree.path + "-why.json"
        defer { try? FileManager.default.removeItem(atPath: output) }
        #expect(CommandLineTool.run(arguments: ["why", "--root", root.tree.path, "--json", "--output", output, "web", "nothing-here"]) == 1)
        let document = try JSONDecoder().decode(WhyDocument.self, from: Data(contentsOf: URL(fileURLWithPath: output)))
        #expect(document.answers.map(\.target) == ["web"])
        #expect(CommandLineTool.run(arguments: ["why", "--root", root.tree.path, "--output", output, "web"]) == 0)
        #expect(CommandLineTool.run(arguments: ["why", "--root", root.tree.path]) == 64)
        #expect(CommandLineTool.run(arguments: ["report", "--root", root.tree.path, "web"]) == 64)
    }
}
