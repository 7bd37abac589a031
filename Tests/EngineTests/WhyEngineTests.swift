import Foundation
import Testing

/// `dockdu why` on the live engine (phase `live`): paths copied from a running container's
/// `merged/` and from `du` output, and IDs of every kind, each answered with the owner Docker's
/// own inspect names and with the bytes the full report gives that owner.
@Suite("why on a live engine", .serialized)
struct WhyEngineTests {
    @Test("why on merged/ paths, du paths and every kind of ID names Docker's owner, with the report's bytes",
          .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func everyKindOfTarget() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let facts = try PopulateFacts.load(environment)
        let root = environment.root
        let running = facts.containers.running
        let inspect = try DockerAPI.get("/containers/\(running)/json", environment, as: GraphInspect.self)
        let upper = try #require(inspect.GraphDriver.Data["UpperDir"])
        let mountID = URL(fileURLWithPath: upper).deletingLastPathComponent().lastPathComponent
        let merged = try #require(inspect.GraphDriver.Data["MergedDir"])
        let image = try DockerAPI.get("/images/\(inspect.Image)/json", environment, as: ImageInspect.self)
        let diffIDs = try #require(image.RootFS.Layers)
        let report = try Dockdu.report(environment, mode: .disk)
        let topLayer = try #require(report.layers.first { $0.diffId == diffIDs.last && report.images.first { $0.id == inspect.Image }?.layers.last == $0.chainId })
        let link = try String(contentsOfFile: "\(root)/overlay2/\(topLayer.cacheId)/link", encoding: .utf8)
        // A path as du prints it: the largest directory under the top layer's diff.
        let du = try CommandRunner.run(["du", "-x", "--block-size=1", "\(root)/overlay2/\(topLayer.cacheId)/diff"])
        var duLines: [(bytes: Int64, path: String)] = []
        for line in du.stdoutText.split(separator: "\n") {
            let fields = line.split(separator: "\t", maxSplits: 1)
            if fields.count == 2, let bytes = Int64(fields[0]) { duLines.append((bytes, String(fields[1]))) }
        }
        // The largest directory below diff itself.
        let duPath = try #require(duLines.filter { !$0.path.hasSuffix("/diff") }.max { $0.bytes < $1.bytes }?.path)
        let shortImage = String(inspect.Image.dropFirst(7).prefix(12))
        let targets: [(String, owner: String, kind: String)] = [
            (merged + "/bin/busybox", "imageLayer", "mergedPath"),
            (merged + "/work/data", "containerLayer", "mergedPath"),
            (merged + "/opt/deep/level1/new", "containerLayer", "mergedPath"),
            (duPath, "imageLayer", "path"),
            (topLayer.cacheId, "imageLayer", "overlayDirectory"),
            (link, "imageLayer", "link"),
            (topLayer.chainId, "imageLayer", "chainID"),
            (diffIDs[1], "imageLayer", "diffID"),
            (shortImage, "image", "imageID"),
            ("app:2", "image", "imageReference"),
            (String(running.prefix(12)), "container", "containerID"),
            ("running", "container", "containerName"),
            (mountID, "containerLayer", "overlayDirectory"),
            (mountID + "-init", "containerInitLayer", "overlayDirectory"),
            ("containers/\(running)/\(running)-json.log", "containerLogs", "path"),
            (facts.volumes.used, "volume", "volume"),
            (facts.volumes.anonymous[0], "volume", "volume"),
        ]
        let started = Date()
        let run = try CommandRunner.run([environment.binary, "why", "--root", root, "--json"] + targets.map(\.0) + ["no-such-target"])
        let whySeconds = Date().timeIntervalSince(started)
        #expect(run.status == 1, "an unknown target exits 1: \(run.summary)")
        #expect(run.stderrText.split(separator: "\n").count == 1 && run.stderrText.contains("no-such-target"), "\(run.stderrText)")
        let document = try JSONDecoder().decode(WhyDocument.self, from: run.stdout)
        #expect(document.unknownTargets.map(\.target) == ["no-such-target"])
        try #require(document.answers.count == targets.count, "\(document.unknownTargets)")
        for (answer, expected) in zip(document.answers, targets) {
            #expect(answer.owner.kind == expected.owner && answer.targetKind == expected.kind, "\(expected.0): \(answer.owner.kind) \(answer.targetKind)")
        }
        let answers = document.answers
        // merged/bin/busybox is in one of the image's layers; merged/work/data is the upper layer's.
        let busyboxChain = try #require(answers[0].owner.chainID)
        #expect(report.images.first { $0.id == inspect.Image }?.layers.contains(busyboxChain) == true)
        #expect(answers[1].path == "overlay2/\(mountID)/diff/work/data" && answers[1].owner.containerID == running)
        #expect((answers[1].pathBytes?.apparentBytes ?? 0) == 1_048_576)
        // The top layer, named four ways, is one layer of the report; its diff (what the report
        // counts as the layer's bytes, its link, lower and layerdb entry aside) has the report's bytes.
        #expect(answers[5].path == "overlay2/\(topLayer.cacheId)/diff")
        #expect(answers[5].pathBytes?.diskBytes == topLayer.bytes, "layer diff: why \(answers[5].pathBytes?.diskBytes ?? -1), report \(topLayer.bytes)")
        for answer in answers[3...6] {
            #expect(answer.owner.chainID == topLayer.chainId && answer.owner.cacheID == topLayer.cacheId && answer.owner.diffID == diffIDs.last)
            #expect(answer.ownerBytes == answers[3].ownerBytes && answer.ownerBytes.diskBytes > topLayer.bytes)
            #expect(answer.owner.positions?.contains { $0.imageID == inspect.Image && $0.position == diffIDs.count && $0.layers == diffIDs.count } == true)
        }
        #expect(answers[7].owner.diffID == diffIDs[1] && answers[7].owner.chainID != diffIDs[1])
        #expect(answers[8].owner.imageID == inspect.Image && answers[9].owner.imageID == inspect.Image)
        let container = try #require(report.container(running))
        for answer in answers[10...14] {
            #expect(answer.owner.containerID == running)
            #expect(answer.ownerBytes.diskBytes == container.totalBytes, "container bytes: why \(answer.ownerBytes.diskBytes), report \(container.totalBytes)")
            #expect(answer.toFree.steps.map(\.command) == [["docker", "container", "rm", "--force", "running"]])
        }
        let volume = try #require(report.volumes.first { $0.name == facts.volumes.used })
        let volumeData = try CommandRunner.run([environment.binary, "why", "--root", root, "--json", "volumes/\(facts.volumes.used)/_data"])
        let data = try JSONDecoder().decode(WhyDocument.self, from: volumeData.stdout)
        #expect(data.answers.first?.pathBytes?.diskBytes == volume.bytes && data.answers.first?.owner.kind == "volume")
        #expect(answers[15].ownerBytes.diskBytes > volume.bytes)
        #expect(Set(answers[15].sharedBy.containers) == Set(volume.containers.compactMap { id in report.container(id)?.name }))

        // A deleted file (a whiteout in the upper layer) is in no layer of the merged view.
        let whiteout = try CommandRunner.run([environment.binary, "why", "--root", root, merged + "/opt/app/blob.hardlink"])
        #expect(whiteout.status == 1 && whiteout.stderrText.contains("whiteout"), "\(whiteout.summary)")

        // Fast: the focused walks against a full report of the same tree.
        let reportStarted = Date()
        _ = try CommandRunner.run([environment.binary, "report", "--root", root, "--json", "--no-cache"])
        let reportSeconds = Date().timeIntervalSince(reportStarted)
        let single = try CommandRunner.run([environment.binary, "why", "--root", root, "--json", merged + "/work/data"])
        let singleDocument = try JSONDecoder().decode(WhyDocument.self, from: single.stdout)
        try? "why: \(targets.count + 1) targets \(String(whySeconds.description.prefix(5)))s, one merged/ path \(String(singleDocument.seconds.description.prefix(6)))s walking \(singleDocument.walkedPaths) paths; full report --no-cache \(String(reportSeconds.description.prefix(5)))s\n"
            .write(toFile: environment.dir + "/why-figures.txt", atomically: true, encoding: .utf8)
        #expect(singleDocument.walkedPaths < 10)
    }
}

/// The fields of `GET /containers/{id}/json` that name its layers.
struct GraphInspect: Decodable {
    struct GraphDriver: Decodable { let Data: [String: String] }
    let Image: String
    let GraphDriver: GraphDriver
}

/// What the tests read of `dockdu why --json`.
struct WhyDocument: Decodable {
    struct Bytes: Decodable, Equatable {
        let diskBytes: Int64
        let apparentBytes: Int64
    }
    struct Position: Decodable {
        let imageID: String
        let position: Int
        let layers: Int
    }
    struct Owner: Decodable {
        let kind: String
        let description: String
        let chainID: String?
        let diffID: String?
        let cacheID: String?
        let imageID: String?
        let containerID: String?
        let positions: [Position]?
    }
    struct Step: Decodable {
        let command: [String]
    }
    struct Freeing: Decodable {
        let steps: [Step]
        let freesBytes: Bytes
    }
    struct Sharing: Decodable {
        let images: [String]
        let containers: [String]
    }
    struct Answer: Decodable {
        let target: String
        let targetKind: String
        let path: String?
        let pathBytes: Bytes?
        let owner: Owner
        let ownerBytes: Bytes
        let sharedBy: Sharing
        let toFree: Freeing
    }
    struct Problem: Decodable {
        let target: String
        let message: String
    }
    let answers: [Answer]
    let unknownTargets: [Problem]
    let seconds: Double
    let walkedPaths: Int
}
