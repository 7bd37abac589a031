import Foundation
import Testing

/// Phase `plan`, before the plan itself: `dockdu why` says what removing a target would free;
/// carrying out exactly the steps it shows (docker commands against the private engine) frees
/// what `du -sx` says, set-wise (a layer with the last image and container on it).
extension PlanEngineTests {
    func whyFreesWhatItSays() throws {
        let context = try Context.required()
        let facts = try JSONDecoder().decode(WhyFacts.self, from: Data(contentsOf: URL(fileURLWithPath: context.dir + "/facts.json")))
        let report = try CommandRunner.run([context.binary, "report", "--root", context.root, "--json", "--cache", context.cache])
        let document = try JSONDecoder().decode(ReportDocument.self, from: report.stdout)
        // The pinned image's top layer, as du prints its diff directory.
        let topChain = try #require(document.images.first { $0.id == facts.pinned.image }?.layers.last)
        let cacheID = try #require(document.layers.first { $0.chainId == topChain }?.cacheId)
        let du = try CommandRunner.run(["du", "-x", "--block-size=1", "\(context.root)/overlay2/\(cacheID)/diff"])
        let duPath = try #require(du.stdoutText.split(separator: "\n").last?.split(separator: "\t", maxSplits: 1).last.map(String.init))

        for target in [duPath, facts.danglingImage, facts.volumes.unused, "tools:latest"] {
            let run = try CommandRunner.run([context.binary, "why", "--root", context.root, "--json", target])
            #expect(run.status == 0, "\(run.summary)")
            let answer = try #require(try JSONDecoder().decode(WhyDocument.self, from: run.stdout).answers.first)
            #expect(!answer.toFree.steps.isEmpty, "\(target): no steps")
            let before = try Measure.du(context.root)
            for step in answer.toFree.steps {
                let result = try CommandRunner.run(step.command, environment: ["DOCKER_HOST": "unix://" + context.socket, "DOCKER_CONFIG": context.dir + "/client-config"])
                #expect(result.status == 0, "\(target): \(result.summary)")
            }
            let freed = before - (try Measure.du(context.root))
            let predicted = answer.toFree.freesBytes.diskBytes
            let difference = freed - predicted
            context.record("why \(answer.targetKind) \(answer.owner.kind): \(answer.toFree.steps.count) steps, predicted \(predicted) bytes, freed (du -sx before - after) \(freed) bytes, difference \(difference)")
            #expect(predicted > 0)
            // The engine also rewrites its own metadata files (repositories.json, the volume
            // database) as it removes: a few blocks either way, outside any removed item.
            #expect(abs(difference) <= max(predicted / 100, 16384), "\(target): predicted \(predicted), freed \(freed)")
        }
    }
}

/// The part of facts.json the test reads.
private struct WhyFacts: Decodable {
    struct Pinned: Decodable { let container: String; let image: String }
    struct Volumes: Decodable { let unused: String }
    let pinned: Pinned
    let danglingImage: String
    let volumes: Volumes
}
