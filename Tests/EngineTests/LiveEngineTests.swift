import Foundation
import Testing

/// Phase `live`: the private engine runs, with running and paused containers whose `merged/`
/// directories are mounted inside the data root. dockdu must agree with Docker's own accounting
/// in apparent mode and with `du` in disk mode.
@Suite("Live engine", .serialized)
struct LiveEngineTests {
    @Test(
        "apparent mode equals Docker's /system/df to the byte",
        .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func apparentEqualsSystemDF() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let facts = try PopulateFacts.load(environment)
        // Docker computes SizeRw and volume sizes on each call; take it on both sides of dockdu
        // and insist they agree, so a moving tree cannot pass or fail by chance.
        let before = try SystemDF.fetchData(socket: environment.socket)
        let report = try Dockdu.report(environment, mode: .apparent)
        let after = try SystemDF.fetchData(socket: environment.socket)
        let df = try JSONDecoder().decode(SystemDF.self, from: after)
        let dfBefore = try JSONDecoder().decode(SystemDF.self, from: before)
        #expect(
            dfBefore.LayersSize == df.LayersSize
                && dfBefore.Containers.map { $0.SizeRw ?? 0 } == df.Containers.map { $0.SizeRw ?? 0 },
            "Docker's own figures moved while dockdu ran; the tree is not quiet")
        #expect(report.warnings.isEmpty, "warnings on a healthy tree: \(report.warnings.map { "\($0.code) \($0.path): \($0.message)" })")
        Compare.apparentAgainstSystemDF(report, df, facts: facts, checkStates: true)

        // The paused (or running) and running containers are seen as Docker sees them.
        #expect(report.container(facts.containers.running)?.state == "running")
        #expect(report.container(facts.containers.paused)?.state == facts.pausedState)
        #expect(report.container(facts.containers.exited)?.state == "exited")
        #expect(report.container(facts.containers.created)?.state == "created")
    }

    @Test(
        "images' layers and times, containers' names, states, times, log drivers and volumes equal Docker's inspect",
        .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func detailsEqualInspect() throws {
        let environment = try EngineEnvironment.required()
        let report = try Dockdu.report(environment, mode: .disk)
        let diffIDs = Dictionary(report.layers.map { ($0.chainId, $0.diffId) }, uniquingKeysWith: { a, _ in a })

        for image in report.images {
            let inspect = try DockerAPI.get("/images/\(image.id)/json", environment, as: ImageInspect.self)
            let mine = image.layers.map { diffIDs[$0] ?? "missing \($0)" }
            #expect(mine == (inspect.RootFS.Layers ?? []), "image \(image.id): layers' diff ids \(mine), Docker \(inspect.RootFS.Layers ?? [])")
            #expect(
                image.created.flatMap(Compare.epochSeconds) == Compare.epochSeconds(inspect.Created),
                "image \(image.id): created \(image.created ?? "absent"), Docker \(inspect.Created)")
            for layer in image.layers {
                #expect(
                    report.layers.first { $0.chainId == layer }?.images.contains(image.id) == true,
                    "layer \(layer) does not list image \(image.id), whose chain includes it")
            }
        }
        for layer in report.layers {
            for id in layer.images {
                #expect(report.images.first { $0.id == id }?.layers.contains(layer.chainId) == true, "layer \(layer.chainId) lists image \(id) wrongly")
            }
        }

        var mountedBy: [String: Set<String>] = [:]
        for container in report.containers {
            let inspect = try DockerAPI.get("/containers/\(container.id)/json", environment, as: ContainerInspect.self)
            let name = String(inspect.Name.drop { $0 == "/" })
            #expect(container.name == name)
            #expect(container.state == inspect.State.Status, "container \(name): state \(container.state), Docker \(inspect.State.Status)")
            #expect(container.imageId == inspect.Image, "container \(name): imageId")
            #expect(container.logDriver == inspect.HostConfig.LogConfig.Type, "container \(name): logDriver \(container.logDriver ?? "absent"), Docker \(inspect.HostConfig.LogConfig.Type)")
            let volumes = Set(inspect.Mounts.filter { $0.Type == "volume" }.compactMap(\.Name))
            #expect(Set(container.volumes) == volumes, "container \(name): volumes \(container.volumes), Docker \(volumes.sorted())")
            #expect(container.volumes == container.volumes.sorted(), "container \(name): volumes not sorted")
            for volume in volumes { mountedBy[volume, default: []].insert(container.id) }
            #expect(
                container.created.flatMap(Compare.epochSeconds) == Compare.epochSeconds(inspect.Created),
                "container \(name): created \(container.created ?? "absent"), Docker \(inspect.Created)")
            let stopped = !["running", "paused", "restarting"].contains(inspect.State.Status)
                && !inspect.State.FinishedAt.hasPrefix("0001-01-01")
            if stopped {
                #expect(
                    container.finishedAt.flatMap(Compare.epochSeconds) == Compare.epochSeconds(inspect.State.FinishedAt),
                    "container \(name): finishedAt \(container.finishedAt ?? "absent"), Docker \(inspect.State.FinishedAt)")
            } else {
                #expect(container.finishedAt == nil, "container \(name) (\(inspect.State.Status)): finishedAt \(container.finishedAt ?? "")")
            }
        }
        for volume in report.volumes {
            #expect(Set(volume.containers) == mountedBy[volume.name, default: []], "volume \(volume.name): containers \(volume.containers)")
        }
    }

    @Test(
        "each layer's apparent bytes equal the size Docker recorded in layerdb",
        .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func layerBytesEqualLayerdbSize() throws {
        let environment = try EngineEnvironment.required()
        let report = try Dockdu.report(environment, mode: .apparent)
        #expect(!report.layers.isEmpty)
        for layer in report.layers {
            let layerdb = "\(environment.root)/image/overlay2/layerdb/sha256/\(layer.chainId.dropFirst(7))"
            let recorded = try #require(Int64(try readText("\(layerdb)/size")), "layerdb size of \(layer.chainId)")
            #expect(layer.bytes == recorded, "layer \(layer.chainId): bytes \(layer.bytes), layerdb size \(recorded)")
            #expect(layer.diffId == (try readText("\(layerdb)/diff")), "layer \(layer.chainId): diffId")
            #expect(try Measure.apparentBytes("\(environment.root)/overlay2/\(layer.cacheId)/diff") == layer.bytes)
        }
    }

    @Test(
        "disk mode: layers, volumes, logs and writable layers equal du",
        .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func diskFiguresEqualDu() throws {
        let environment = try EngineEnvironment.required()
        let facts = try PopulateFacts.load(environment)
        let report = try Dockdu.report(environment, mode: .disk)
        try Compare.diskAgainstDu(report, environment)
        // Logs really exist for the containers that logged, on both drivers.
        #expect((report.container(facts.containers.running)?.logBytes ?? 0) > 0)
        #expect((report.container(facts.containers.exited)?.logBytes ?? 0) > 0)
        #expect((report.container(facts.containers.paused)?.logBytes ?? 0) > 0)
        #expect(report.container(facts.containers.paused)?.logDriver == "local")
        #expect(report.container(facts.containers.running)?.logDriver == "json-file")
        #expect(report.categories.logs > 0 && report.categories.volumes > 0 && report.categories.images > 0)
    }

    @Test(
        "disk mode: totalBytes equals du -sx of the data root (mounts skipped)",
        .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func totalEqualsDu() throws {
        let environment = try EngineEnvironment.required()
        // The running containers' merged/ directories are mounted inside the root now.
        let mounts = try Measure.mounts()
        #expect(mounts.contains(" \(environment.root)/overlay2/"), "no container is mounted; the live phase proves less than it should")
        #expect(mounts.contains("/mounts/shm "), "no container has its shm mount inside the root")
        let report = try Compare.totalAgainstDu(environment)
        #expect(report.warnings.isEmpty, "warnings: \(report.warnings.map { "\($0.code) \($0.path)" })")
        #expect(report.orphans.isEmpty, "orphans on a healthy tree: \(report.orphans.map(\.path))")
    }

    @Test(
        "the document: schema version, root, modes, identifiers",
        .enabled(if: EngineEnvironment.isPhase(.live), PhaseReason.live))
    func documentShape() throws {
        let environment = try EngineEnvironment.required()
        for mode in [Dockdu.SizeMode.disk, .apparent] {
            let report = try Dockdu.report(environment, mode: mode)
            #expect(Compare.schemaProblems(report).isEmpty, "\(Compare.schemaProblems(report))")
            #expect(report.schemaVersion == 1)
            #expect(report.dataRoot == environment.root)
            #expect(report.sizeMode == mode.rawValue)
            #expect(report.generatedAt.wholeMatch(of: #/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/#) != nil, "generatedAt \(report.generatedAt)")
            for image in report.images {
                #expect(image.id.wholeMatch(of: #/sha256:[0-9a-f]{64}/#) != nil, "image id \(image.id)")
            }
            for container in report.containers {
                #expect(container.id.wholeMatch(of: #/[0-9a-f]{64}/#) != nil, "container id \(container.id)")
                #expect(!container.name.hasPrefix("/"), "container name \(container.name)")
            }
            for layer in report.layers {
                #expect(layer.chainId.wholeMatch(of: #/sha256:[0-9a-f]{64}/#) != nil, "chain id \(layer.chainId)")
            }
        }
        let human = try Dockdu.run(environment, json: false)
        #expect(human.result.status == 0, "\(human.result.summary)")
        #expect(!human.result.stdout.isEmpty, "dockdu report printed nothing")
    }
}
