import Foundation
import Testing

/// The plan's `docker builder prune`, carried out against the engine: what it frees, by `du` of
/// the root and by the engine's own account, against what the plan said in each size mode.
extension BuildKitEngineTests {
    static let pruneCommand = ["docker", "builder", "prune", "--force"]

    /// The plan's one build-cache action, checked against the report of the same mode.
    func buildCacheAction(_ engine: BuildKitEngine, _ mode: Dockdu.SizeMode) throws -> PlanEngineTests.PlanDocument.Action {
        let flags = ["--no-containers", "--no-images", "--no-orphans"] + (mode == .apparent ? ["--apparent-size"] : [])
        let plan = try engine.plan(flags)
        #expect(plan.dryRun)
        #expect(plan.actions.count == 1, "\(mode): plan \(flags) has actions \(plan.actions.map { "\($0.kind) \($0.target)" })")
        let action = try #require(plan.actions.first { $0.kind == "pruneBuildCache" }, "\(mode): the plan has no pruneBuildCache action")
        #expect(action.target == "build cache", "\(mode): target \(action.target)")
        #expect(action.command == Self.pruneCommand, "\(mode): command \(action.command)")
        #expect(plan.reclaimableBytes == action.reclaimableBytes, "\(mode): plan \(plan.reclaimableBytes), its action \(action.reclaimableBytes)")
        let (document, _) = try engine.report(mode)
        let reported = document.summary["buildCache"]?.reclaimableBytes
        #expect(action.reclaimableBytes == reported, "\(mode): the plan frees \(action.reclaimableBytes), the report's build cache reclaimable \(reported ?? -1)")
        // The script a person runs has the same command.
        let script = try CommandRunner.run([engine.environment.binary, "plan", "--root", engine.root, "--cache", engine.cache, "--script"] + flags)
        #expect(script.status == 0 && script.stdoutText.contains(action.command.joined(separator: " ")), "\(mode): the script lacks `\(action.command.joined(separator: " "))`: \(script.stdoutText.suffix(400))")
        return action
    }

    func pruneAsPlanned(_ engine: BuildKitEngine) throws {
        let (_, records) = try engine.report(.disk)
        let reclaimable = Set(records.filter(\.reclaimable).map(\.id))
        let reclaimableDirectories = Set(records.filter(\.reclaimable).compactMap(\.directory))
        let keptDirectories = Set(records.filter { !$0.reclaimable }.compactMap(\.directory))
        let disk = try buildCacheAction(engine, .disk)
        let apparent = try buildCacheAction(engine, .apparent)
        #expect(disk.reclaimableBytes > 0 && apparent.reclaimableBytes > 0, "nothing to prune: disk \(disk.reclaimableBytes), apparent \(apparent.reclaimableBytes)")

        try olderThanFilters(engine, plain: disk)

        let before = try engine.systemDF().records
        let duBefore = try Measure.du(engine.root)
        let databasesBefore = try Measure.du(engine.root + "/buildkit")
        _ = FileManager.default.createFile(atPath: engine.prunedMarker, contents: nil)
        let run = try engine.carryOut(disk.command)
        #expect(run.status == 0, "\(run.summary)")
        let duAfter = try Measure.du(engine.root)
        let databasesAfter = try Measure.du(engine.root + "/buildkit")
        let after = try engine.systemDF().records

        let afterIDs = Set(after.map(\.ID))
        let removed = before.filter { !afterIDs.contains($0.ID) }
        let removedIDs = Set(removed.map(\.ID))
        #expect(afterIDs.isSubset(of: Set(before.map(\.ID))), "records appeared: \(afterIDs.subtracting(before.map(\.ID)).sorted())")
        #expect(
            removedIDs == reclaimable,
            "the prune removed \(removedIDs.sorted()); dockdu marked reclaimable \(reclaimable.sorted())")
        let deleted = Set(run.stdoutText.split(separator: "\n").filter { BuildKitEngine.isSnapshotName(String($0)) }.map(String.init))
        #expect(deleted == removedIDs, "the CLI lists deleted \(deleted.sorted()), /system/df lost \(removedIDs.sorted())")

        // The directories of the records dockdu called reclaimable are gone; the others stay.
        let onDisk = try BuildKitEngine.snapshotDirectories(root: engine.root)
        for directory in reclaimableDirectories {
            #expect(!onDisk.contains(String(directory.dropFirst("overlay2/".count))), "\(directory) of a reclaimable record is still there")
        }
        for directory in keptDirectories {
            #expect(onDisk.contains(String(directory.dropFirst("overlay2/".count))), "\(directory) of a kept record is gone")
        }

        // Disk: du's drop against the disk plan; apparent: the engine's own figure against the
        // apparent plan (BuildKit reports the records' Size, the apparent size of their diffs).
        let freedOnDisk = duBefore - duAfter
        let engineFreed = removed.reduce(0) { $0 + $1.Size }
        let totalLine = run.stdoutText.split(separator: "\n").first { $0.hasPrefix("Total reclaimed space:") }
        let printed = totalLine.map { String($0.dropFirst("Total reclaimed space:".count)).trimmingCharacters(in: .whitespaces) }
        let parsed = printed.flatMap(humanSizeBytes)
        #expect(parsed != nil, "no 'Total reclaimed space:' line the test can read: \(run.stdoutText.suffix(300))")
        if let parsed {
            #expect(
                abs(parsed.bytes - Double(engineFreed)) <= parsed.tolerance,
                "the CLI says \(printed ?? "") reclaimed, the removed records' Sizes add up to \(engineFreed)")
        }
        // BuildKit's databases (`other` in dockdu's figures) may grow or shrink by a page as the
        // prune writes them; outside buildkit/ the drop is the removed directories alone.
        let databasesGrew = databasesAfter - databasesBefore
        let freedOutsideDatabases = freedOnDisk + databasesGrew
        engine.record("disk: plan \(disk.command.joined(separator: " ")) predicts \(disk.reclaimableBytes) bytes; du -sx of the root fell \(freedOnDisk) bytes (\(duBefore) -> \(duAfter)); difference \(freedOnDisk - disk.reclaimableBytes) (\(percent(freedOnDisk - disk.reclaimableBytes, of: disk.reclaimableBytes))); buildkit/'s databases changed by \(databasesGrew) bytes, so outside them \(freedOutsideDatabases) bytes went")
        #expect(
            freedOutsideDatabases == disk.reclaimableBytes,
            "disk: planned \(disk.reclaimableBytes); outside buildkit/'s databases du fell \(freedOutsideDatabases) (the root \(freedOnDisk), buildkit/ changed \(databasesGrew))")
        engine.record("apparent: plan predicts \(apparent.reclaimableBytes) bytes; the engine freed \(engineFreed) bytes (Size of the \(removed.count) records gone from /system/df; CLI: \"\(totalLine ?? "-")\"); difference \(engineFreed - apparent.reclaimableBytes) (\(percent(engineFreed - apparent.reclaimableBytes, of: apparent.reclaimableBytes)))")
        #expect(
            abs(freedOnDisk - disk.reclaimableBytes) * 100 <= disk.reclaimableBytes,
            "disk: planned \(disk.reclaimableBytes), du -sx fell \(freedOnDisk)")
        #expect(
            abs(engineFreed - apparent.reclaimableBytes) * 100 <= apparent.reclaimableBytes,
            "apparent: planned \(apparent.reclaimableBytes), the engine freed \(engineFreed)")

        // Afterwards dockdu agrees with the engine again: only the exported records are left.
        let (document, left) = try engine.report(.disk)
        #expect(Set(left.map(\.id)) == afterIDs, "after the prune: dockdu lists \(left.map(\.id).sorted()), the engine \(afterIDs.sorted())")
        #expect(left.filter(\.reclaimable).isEmpty, "after the prune: still reclaimable \(left.filter(\.reclaimable).map(\.id))")
        #expect(document.warnings.isEmpty, "after the prune: warnings \(document.warnings.map { "\($0.code) \($0.path): \($0.message)" })")
        #expect(document.orphans.isEmpty, "after the prune: orphans \(document.orphans.map { "\($0.kind) \($0.path)" })")
        #expect(document.totalBytes == duAfter, "after the prune: totalBytes \(document.totalBytes), du -sx \(duAfter)")
        let plan = try engine.plan(["--no-containers", "--no-images", "--no-orphans"])
        #expect(!plan.actions.contains { $0.kind == "pruneBuildCache" && $0.reclaimableBytes > 0 }, "after the prune the plan still frees build cache: \(plan.actions.map { "\($0.kind) \($0.reclaimableBytes)" })")
    }

    /// `--older-than`: the plan adds `--filter until=` of that age, and counts only records last
    /// used before it. With `1h` nothing here is old enough, and the plan has no build-cache step
    /// at all (dockdu proposes no command that frees no record); carried out by hand, the engine
    /// agrees and removes nothing. With a second every record is old enough: the step is the
    /// plain one plus the filter, freeing the same bytes.
    func olderThanFilters(_ engine: BuildKitEngine, plain disk: PlanEngineTests.PlanDocument.Action) throws {
        let records = try engine.systemDF().records
        let before = Set(records.map(\.ID))
        for mode in [Dockdu.SizeMode.disk, .apparent] {
            let plan = try engine.plan(["--no-containers", "--no-images", "--no-orphans", "--older-than", "1h"] + (mode == .apparent ? ["--apparent-size"] : []))
            let actions = plan.actions.filter { $0.kind == "pruneBuildCache" }
            #expect(actions.isEmpty, "\(mode): --older-than 1h, yet every record was used minutes ago: \(actions.map { "\($0.command) \($0.reclaimableBytes)" })")
        }
        let run = try engine.carryOut(Self.pruneCommand + ["--filter", "until=1h"])
        #expect(run.status == 0, "\(run.summary)")
        let after = Set(try engine.systemDF().records.map(\.ID))
        #expect(after == before, "a prune with until=1h removed \(before.subtracting(after).sorted())")
        let total = run.stdoutText.split(separator: "\n").first { $0.hasPrefix("Total reclaimed space:") }
        engine.record("--older-than 1h: no build-cache step in either mode; docker builder prune --force --filter until=1h carried out: \(total ?? "no total line"), \(before.subtracting(after).count) records removed")

        // Every record was last used over a second ago (the builds ended before the tests began).
        let newest = records.compactMap { $0.LastUsedAt.flatMap(Instant.init) }.max()
        let now = Instant(try CommandRunner.bashChecked("date -u +%Y-%m-%dT%H:%M:%S.%NZ").stdoutText.trimmingCharacters(in: .whitespacesAndNewlines))
        if let newest, let now, now.seconds - newest.seconds < 2 { Thread.sleep(forTimeInterval: 2) }
        let plan = try engine.plan(["--no-containers", "--no-images", "--no-orphans", "--older-than", "1s"])
        let action = plan.actions.first { $0.kind == "pruneBuildCache" }
        #expect(action?.command == Self.pruneCommand + ["--filter", "until=1s"], "--older-than 1s: command \(action?.command ?? [])")
        #expect(action?.reclaimableBytes == disk.reclaimableBytes, "--older-than 1s frees \(action?.reclaimableBytes ?? -1), the plain prune \(disk.reclaimableBytes)")
        engine.record("--older-than 1s: \(action?.command.joined(separator: " ") ?? "no step"), \(action?.reclaimableBytes ?? 0) bytes (the plain step: \(disk.reclaimableBytes))")
    }
}
