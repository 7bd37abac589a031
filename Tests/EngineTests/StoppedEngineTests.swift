import Foundation
import Testing

/// Phase `stopped`: the engine has been stopped cleanly and nothing mounts or writes under the
/// root. dockdu, reading only the disk, must match `du` exactly, still agree with the figures
/// Docker gave while it ran, and leave every byte and timestamp of the tree as it was.
@Suite("Stopped engine", .serialized)
struct StoppedEngineTests {
    @Test(
        "disk mode: totalBytes equals du -sx exactly on the quiet tree",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped))
    func totalEqualsDu() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let mounts = try Measure.mounts()
        #expect(!mounts.contains(" \(environment.dir)/"), "something is still mounted under the engine folder")
        let run = try Dockdu.run(environment, mode: .disk)
        #expect(run.result.status == 0, "\(run.result.summary)")
        let report = try Compare.totalAgainstDu(environment)
        #expect(report.warnings.isEmpty, "warnings: \(report.warnings.map { "\($0.code) \($0.path): \($0.message)" })")
        #expect(report.orphans.isEmpty, "orphans on a healthy tree: \(report.orphans.map(\.path))")
        #expect(Compare.schemaProblems(report).isEmpty, "\(Compare.schemaProblems(report))")
        try Compare.diskAgainstDu(report, environment)
    }

    @Test(
        "apparent mode: totalBytes is every inode's st_size once, and Docker's live figures still hold",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped))
    func apparentStillEqualsLiveSystemDF() throws {
        let environment = try EngineEnvironment.required()
        let facts = try PopulateFacts.load(environment)
        let report = try Dockdu.report(environment, mode: .apparent)
        let measured = try Measure.apparentBytes(environment.root)
        #expect(report.totalBytes == measured, "apparent totalBytes \(report.totalBytes), st_size of every non-directory inode once \(measured)")
        #expect(report.categories.sum == report.totalBytes)
        // Stopping the engine changes container states but no layer, volume or writable layer.
        let live = try SystemDF.savedLive(environment)
        Compare.apparentAgainstSystemDF(report, live, facts: facts, checkStates: false)
    }

    @Test(
        "container states are read from disk: what the engine wrote when it stopped",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped))
    func statesFromDisk() throws {
        let environment = try EngineEnvironment.required()
        let facts = try PopulateFacts.load(environment)
        let live = try SystemDF.savedLive(environment)
        let report = try Dockdu.report(environment, mode: .disk)
        #expect(report.containers.count == live.Containers.count)
        for container in live.Containers {
            let mine = try #require(report.container(container.Id), "container \(container.Id) is missing")
            // A clean engine stop ends running and paused containers; the rest keep their state.
            let expected = ["running", "paused", "restarting"].contains(container.State) ? "exited" : container.State
            #expect(mine.state == expected, "container \(mine.name): state \(mine.state), expected \(expected) (was \(container.State) while the engine ran)")
            let onDisk = try Compare.stateOnDisk(of: container.Id, root: environment.root)
            #expect(mine.state == onDisk.state, "container \(mine.name): state \(mine.state), config.v2.json says \(onDisk.state)")
            if let finishedAt = onDisk.finishedAt {
                let mineSeconds = mine.finishedAt.flatMap(Compare.epochSeconds)
                #expect(mineSeconds != nil, "container \(mine.name): finishedAt \(mine.finishedAt ?? "absent"), config.v2.json \(finishedAt)")
                if let mineSeconds, let diskSeconds = Compare.epochSeconds(finishedAt) {
                    #expect(mineSeconds == diskSeconds, "container \(mine.name): finishedAt \(mine.finishedAt ?? ""), config.v2.json \(finishedAt)")
                }
            } else {
                #expect(mine.finishedAt == nil, "container \(mine.name) never ran but has finishedAt \(mine.finishedAt ?? "")")
            }
        }
        #expect(report.container(facts.containers.created)?.state == "created")
        #expect(report.container(facts.containers.created)?.finishedAt == nil)
        #expect(report.container(facts.containers.exited)?.state == "exited")
    }

    @Test(
        "the root given with a trailing slash, through a symlink or relative gives the same figures",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped))
    func rootSpellings() throws {
        let environment = try EngineEnvironment.required()
        let reference = try Dockdu.report(environment, mode: .disk)
        let link = "\(environment.scratch)/root-link"
        try? FileManager.default.removeItem(atPath: link)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: environment.root)
        defer { try? FileManager.default.removeItem(atPath: link) }
        for (root, cwd) in [
            (environment.root + "/", "/"), (link, "/"), (link + "/", "/"), ("root", environment.dir), ("./root/", environment.dir),
        ] {
            let run = try Dockdu.run(environment, root: root, mode: .disk, currentDirectory: cwd)
            #expect(run.result.status == 0, "--root \(root): \(run.result.summary)")
            guard let report = run.report else {
                Issue.record("--root \(root): JSON did not parse: \(run.decodingError ?? "")")
                continue
            }
            #expect(report.dataRoot == root, "--root \(root): dataRoot \(report.dataRoot)")
            #expect(report.totalBytes == reference.totalBytes, "--root \(root): totalBytes \(report.totalBytes), \(reference.totalBytes) with the plain path")
            #expect(report.categories.sum == reference.categories.sum)
            #expect(report.images.map(\.id) == reference.images.map(\.id), "--root \(root): images differ")
            #expect(report.containers.map(\.totalBytes) == reference.containers.map(\.totalBytes), "--root \(root): containers differ")
            #expect(report.orphans.map(\.path) == reference.orphans.map(\.path), "--root \(root): orphans \(report.orphans.map(\.path))")
        }
    }

    @Test(
        "dockdu is read-only: the tree's manifest is identical before and after every kind of report",
        .enabled(if: EngineEnvironment.isPhase(.stopped), PhaseReason.stopped))
    func readOnly() throws {
        let environment = try EngineEnvironment.required()
        let before = try Measure.manifest(environment.root)
        #expect(before.count > 100, "the manifest is suspiciously small: \(before.count) entries")
        for json in [false, true] {
            for mode in [Dockdu.SizeMode.disk, .apparent] {
                let run = try Dockdu.run(environment, json: json, mode: mode)
                #expect(run.result.status == 0, "\(run.result.summary)")
            }
        }
        let after = try Measure.manifest(environment.root)
        let removed = Set(before).subtracting(after).sorted()
        let added = Set(after).subtracting(before).sorted()
        #expect(
            before == after,
            "the tree changed: \(removed.count) entries differ; before: \(removed.prefix(10)); after: \(added.prefix(10))")
    }
}
