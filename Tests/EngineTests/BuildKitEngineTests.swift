import Foundation
import Testing

/// Phase `buildkit` (issue 11, BuildKit's cache record by record): a private engine of its own,
/// running and idle, with the build cache of two real BuildKit builds (`Tests/Engine/buildkit.sh`:
/// a two-stage Dockerfile, a cache mount written on each build, COPY from the context, a rebuild
/// that supersedes the first build's stage records; bkcache:1 and bkcache:2 share layers with
/// records). dockdu's `buildCache[]` is held to the engine's `/system/df` `BuildCache[]` record by
/// record, each record's bytes to `du` of its snapshot directory, and its plan to a carried-out
/// `docker builder prune`. The last test prunes; the others must run before it (a serialized suite
/// runs in source order).
@Suite("BuildKit's cache on a real engine", .serialized)
struct BuildKitEngineTests {
    /// Types `docker builder prune` keeps without `--all` (moby's `toBuildkitPruneInfo`).
    static let keptTypes: Set<String> = ["internal", "frontend"]

    @Test(
        "records: IDs, types, shared, in use, times, uses, parents and descriptions equal /system/df's BuildCache[]",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit))
    func recordsEqualSystemDF() throws {
        let engine = try BuildKitEngine.required()
        try markPhaseRan(engine.environment)
        try engine.requireNotPruned()
        // Twice: the second run reads the layer cache the first wrote (the exported layers'
        // cache-ids are BuildKit's names, which the cache must take as well as the walk does).
        let cold = try engine.report(.disk).document
        let (document, mine) = try engine.report(.disk)
        let (_, theirs) = try engine.systemDF()
        #expect(cold.warnings.isEmpty, "warnings on a healthy tree, first run: \(cold.warnings.map { "\($0.code) \($0.path): \($0.message)" })")

        // The rig made what the proof needs; a weaker rig would prove less.
        #expect(Set(theirs.map(\.Type)).isSuperset(of: ["regular", "source.local", "exec.cachemount"]), "rig: types \(Set(theirs.map(\.Type)).sorted())")
        #expect(theirs.contains { $0.Shared } && theirs.contains { !$0.Shared }, "rig: not both shared and private records")
        #expect(Set(theirs.map(\.ID)) == Set(try engine.savedSystemDF().map(\.ID)), "rig: the engine's records changed since buildkit.sh")

        #expect(document.warnings.isEmpty, "warnings on a healthy tree, second run (the layer cache warm): \(document.warnings.map { "\($0.code) \($0.path): \($0.message)" })")
        #expect(document.orphans.isEmpty, "orphans on a healthy tree: \(document.orphans.map { "\($0.kind) \($0.path)" })")
        #expect(Compare.schemaProblems(document).isEmpty, "\(Compare.schemaProblems(document))")
        #expect(mine.map(\.id) == mine.map(\.id).sorted(), "buildCache[] is not sorted by id: \(mine.map(\.id))")

        let myIDs = Set(mine.map(\.id))
        let theirIDs = Set(theirs.map(\.ID))
        #expect(myIDs.count == mine.count, "a record is listed twice")
        #expect(
            myIDs == theirIDs,
            "records differ: only dockdu \(myIDs.subtracting(theirIDs).sorted()), only the engine \(theirIDs.subtracting(myIDs).sorted())")
        let byID = Dictionary(mine.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        for record in theirs {
            guard let my = byID[record.ID] else { continue }
            let name = "record \(record.ID) (\(record.Type) \"\(record.Description.prefix(40))\")"
            #expect(my.type == record.Type, "\(name): type \(my.type), engine \(record.Type)")
            #expect(my.description == record.Description, "\(name): description \"\(my.description)\", engine \"\(record.Description)\"")
            #expect(my.shared == record.Shared, "\(name): shared \(my.shared), engine \(record.Shared)")
            #expect(my.inUse == record.InUse, "\(name): inUse \(my.inUse), engine \(record.InUse)")
            #expect(!record.InUse, "rig: \(name) is in use, yet no build runs")
            #expect(my.usageCount == record.UsageCount, "\(name): usageCount \(my.usageCount), engine \(record.UsageCount)")
            #expect(my.parent == record.parentID, "\(name): parent \(my.parent ?? "absent"), engine \(record.parentID ?? "none")")
            // BuildKit keeps times to the nanosecond and the engine prints all their digits.
            let created = try #require(Instant(record.CreatedAt), "\(name): the engine's CreatedAt \(record.CreatedAt)")
            #expect(
                my.createdAt.flatMap(Instant.init) == created,
                "\(name): createdAt \(my.createdAt ?? "absent"), engine \(record.CreatedAt)")
            let lastUsed = record.LastUsedAt.flatMap(Instant.init)
            #expect(
                my.lastUsedAt.flatMap(Instant.init) == lastUsed,
                "\(name): lastUsedAt \(my.lastUsedAt ?? "absent"), engine \(record.LastUsedAt ?? "absent")")
            if let createdAt = my.createdAt {
                #expect(createdAt.hasSuffix("Z"), "\(name): createdAt \(createdAt) is not in UTC")
            }
        }

        let summary = try #require(document.summary["buildCache"], "summary has no buildCache row")
        #expect(summary.items == mine.count, "summary.buildCache.items \(summary.items.map(String.init) ?? "absent"), \(mine.count) records")
        let unused = mine.filter(\.reclaimable).count
        #expect(summary.unusedItems == unused, "summary.buildCache.unusedItems \(summary.unusedItems.map(String.init) ?? "absent"), \(unused) reclaimable records")
    }

    @Test(
        "sizes: a record's bytes are du of its overlay2 directory and l/ link, an exported record's are its image's",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit))
    func recordBytesEqualDu() throws {
        let engine = try BuildKitEngine.required()
        try engine.requireNotPruned()
        let root = engine.root
        // The engine runs but nothing writes: totalBytes is du -sx of the root.
        let document = try Compare.totalAgainstDu(engine.environment)
        let mine = try #require(document.buildCache, "dockdu's report has no buildCache[]")
        try Compare.diskAgainstDu(document, engine.environment)
        let (df, theirs) = try engine.systemDF()
        let shared = Set(theirs.filter(\.Shared).map(\.ID))
        let imageIDs = Set(df.Images.map(\.Id))
        let cacheIDs = try BuildKitEngine.layerCacheIDs(root: root)

        var directories: [String: Int64] = [:]
        for record in mine {
            let name = "record \(record.id) (\(record.type))"
            let countedUnder = record.countedUnder ?? []
            if let directory = record.directory {
                #expect(countedUnder.isEmpty, "\(name): both a directory \(directory) and countedUnder \(countedUnder)")
                let snapshot = String(directory.dropFirst("overlay2/".count))
                #expect(directory.hasPrefix("overlay2/") && BuildKitEngine.isSnapshotName(snapshot), "\(name): directory \(directory)")
                #expect(!cacheIDs.values.contains(snapshot), "\(name): its directory \(directory) is an image layer's, yet it is not countedUnder")
                let measured = try Measure.overlayDirectory(root: root, name: Array(snapshot.utf8))
                #expect(record.bytes == measured, "\(name): bytes \(record.bytes), du of \(directory) and its l/ link \(measured)")
                if let diffBytes = record.diffBytes {
                    let diff = try Measure.du("\(root)/\(directory)/diff")
                    #expect(diffBytes == diff, "\(name): diffBytes \(diffBytes), du of \(directory)/diff \(diff)")
                }
                #expect(directories[snapshot] == nil || directories[snapshot] == record.bytes, "\(name): \(directory) is listed twice with other bytes")
                directories[snapshot] = record.bytes
            } else {
                #expect(!countedUnder.isEmpty, "\(name): no directory and not countedUnder an image: its data is unknown on a healthy tree")
                #expect(record.bytes == 0, "\(name): countedUnder \(countedUnder) but bytes \(record.bytes)")
                #expect(Set(countedUnder).isSubset(of: imageIDs), "\(name): countedUnder \(countedUnder), images \(imageIDs.sorted())")
                #expect(countedUnder == countedUnder.sorted(), "\(name): countedUnder not sorted")
            }
        }
        // Every BuildKit directory is a record's own or an image layer's: none is left unclaimed.
        let onDisk = try BuildKitEngine.snapshotDirectories(root: root)
        let layerDirectories = Set(cacheIDs.values.filter(BuildKitEngine.isSnapshotName))
        #expect(
            onDisk == Set(directories.keys).union(layerDirectories),
            "overlay2/ has BuildKit directories \(onDisk.sorted()); records' \(directories.keys.sorted()), image layers' \(layerDirectories.sorted())")
        #expect(!layerDirectories.isEmpty, "rig: no image layer is a BuildKit snapshot (bkcache:2 exports its records)")
        // Here every shared record's data is an exported layer (the final stage is exported whole,
        // its base record is base:latest's layer), so countedUnder and Shared pick the same records.
        let counted = Set(mine.filter { !($0.countedUnder ?? []).isEmpty }.map(\.id))
        #expect(counted == shared, "countedUnder records \(counted.sorted()), the engine's shared ones \(shared.sorted())")

        let sum = directories.values.reduce(0, +)
        #expect(document.categories.buildCache == sum, "categories.buildCache \(document.categories.buildCache), sum of the records' distinct directories \(sum)")
        #expect(document.summary["buildCache"]?.bytes == document.categories.buildCache, "summary.buildCache.bytes \(document.summary["buildCache"]?.bytes ?? -1)")
    }

    @Test(
        "apparent sizes: a private record's bytes are BuildKit's Size plus overlay2's bookkeeping files, images are /system/df's",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit))
    func apparentBytesAgainstEngineSize() throws {
        let engine = try BuildKitEngine.required()
        try engine.requireNotPruned()
        let (document, mine) = try engine.report(.apparent)
        let (df, theirs) = try engine.systemDF()
        let sizes = Dictionary(theirs.map { ($0.ID, $0.Size) }, uniquingKeysWith: { first, _ in first })
        var totalMine: Int64 = 0
        var totalTheirs: Int64 = 0
        for record in mine {
            guard let size = sizes[record.id] else { continue }
            let name = "record \(record.id) (\(record.type))"
            if let recorded = record.recordedBytes {
                #expect(recorded == size, "\(name): recordedBytes \(recorded), the engine's Size \(size) (it stored the size it served)")
            }
            guard let directory = record.directory else { continue }
            let snapshot = String(directory.dropFirst("overlay2/".count))
            // BuildKit's Size is the apparent size of the snapshot's diff (moby's
            // directory.Size); dockdu's bytes are the whole directory's: diff plus the link and
            // lower files and the l/ symlink, a few dozen bytes per record.
            let diff = try Measure.apparentBytes("\(engine.root)/overlay2/\(snapshot)/diff")
            #expect(size == diff, "rig: \(name): the engine's Size \(size), st_size of \(directory)/diff \(diff)")
            let measured = try Measure.apparentOverlayDirectory(root: engine.root, name: snapshot)
            #expect(record.bytes == measured, "\(name): apparent bytes \(record.bytes), st_size of \(directory) and its l/ link \(measured)")
            #expect(record.diffBytes == size, "\(name): apparent diffBytes \(record.diffBytes.map(String.init) ?? "absent"), the engine's Size \(size)")
            #expect(record.bytes >= size && record.bytes - size <= 512, "\(name): apparent bytes \(record.bytes), the engine's Size \(size)")
            engine.record("apparent, per record: \(record.id) \(record.type): dockdu \(record.bytes) bytes, engine Size \(size), difference \(record.bytes - size) (link, lower, l/ symlink)")
            totalMine += record.bytes
            totalTheirs += size
        }
        #expect(totalTheirs > 0, "rig: the private records hold nothing")
        #expect(
            abs(totalMine - totalTheirs) * 100 <= totalTheirs,
            "private records: dockdu \(totalMine) apparent bytes, the engine's Sizes add up to \(totalTheirs)")
        engine.record("apparent, private records: dockdu \(totalMine) bytes, engine Sizes \(totalTheirs), difference \(totalMine - totalTheirs) (\(percent(totalMine - totalTheirs, of: totalTheirs)))")

        // Images whose layers are BuildKit's snapshots, as docker system df counts them.
        for image in df.Images {
            let my = document.images.first { $0.id == image.Id }
            #expect(my?.bytes == image.Size, "image \(image.Id) \(image.RepoTags ?? []): bytes \(my?.bytes ?? -1), Size \(image.Size)")
            #expect(my?.sharedBytes == image.SharedSize, "image \(image.Id): sharedBytes \(my?.sharedBytes ?? -1), SharedSize \(image.SharedSize)")
        }
        #expect(Set(document.images.map(\.id)) == Set(df.Images.map(\.Id)), "images differ")
        #expect(document.layers.reduce(0) { $0 + $1.bytes } == df.LayersSize, "layers add up to \(document.layers.reduce(0) { $0 + $1.bytes }), LayersSize \(df.LayersSize)")
    }

    @Test(
        "reclaimable: exactly the records neither in use nor shared, of types a prune does not keep",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit))
    func reclaimableAsPruneDecides() throws {
        let engine = try BuildKitEngine.required()
        try engine.requireNotPruned()
        let (_, theirs) = try engine.systemDF()
        let expected = Set(theirs.filter { !$0.InUse && !$0.Shared && !Self.keptTypes.contains($0.Type) }.map(\.ID))
        #expect(!expected.isEmpty && expected.count < theirs.count, "rig: \(expected.count) of \(theirs.count) records reclaimable")
        for mode in [Dockdu.SizeMode.disk, .apparent] {
            let (document, mine) = try engine.report(mode)
            let reclaimable = Set(mine.filter(\.reclaimable).map(\.id))
            #expect(
                reclaimable == expected,
                "\(mode): reclaimable \(reclaimable.sorted()); the engine's unused private ones \(expected.sorted())")
            var distinct: [String: Int64] = [:]
            for record in mine {
                let name = "\(mode): record \(record.id) (\(record.type))"
                if record.reclaimable {
                    #expect(record.reclaimableBytes == record.bytes, "\(name): reclaimableBytes \(record.reclaimableBytes), bytes \(record.bytes)")
                    #expect(record.reclaimReason == "unused", "\(name): reclaimReason \(record.reclaimReason)")
                    distinct[record.directory ?? record.id] = record.reclaimableBytes
                } else {
                    #expect(record.reclaimableBytes == 0, "\(name): not reclaimable, reclaimableBytes \(record.reclaimableBytes)")
                    #expect(record.reclaimReason != "unused", "\(name): not reclaimable, reclaimReason unused")
                    if record.shared {
                        #expect(record.reclaimReason == "shared", "\(name): shared, reclaimReason \(record.reclaimReason)")
                    }
                }
            }
            let sum = distinct.values.reduce(0, +)
            let summary = document.summary["buildCache"]
            #expect(summary?.reclaimableBytes == sum, "\(mode): summary.buildCache.reclaimableBytes \(summary?.reclaimableBytes ?? -1), reclaimable records' distinct bytes \(sum)")
            #expect(sum > 0, "\(mode): nothing reclaimable")
        }
    }

    @Test(
        "read-only: reports and plans leave the live root's manifest as it was",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit))
    func readOnly() throws {
        let engine = try BuildKitEngine.required()
        try engine.requireNotPruned()
        let before = try Measure.manifest(engine.root)
        for json in [false, true] {
            for mode in [Dockdu.SizeMode.disk, .apparent] {
                let run = try Dockdu.run(engine.environment, json: json, mode: mode)
                #expect(run.result.status == 0, "\(run.result.summary)")
            }
        }
        for flags in [["--json"], ["--script"], ["--json", "--apparent-size", "--older-than", "1h"]] {
            let result = try CommandRunner.run([engine.environment.binary, "plan", "--root", engine.root, "--cache", engine.cache] + flags)
            #expect(result.status == 0, "\(result.summary)")
        }
        let after = try Measure.manifest(engine.root)
        let removed = Set(before).subtracting(after).sorted()
        let added = Set(after).subtracting(before).sorted()
        #expect(before == after, "the root changed: \(removed.count) entries differ; before: \(removed.prefix(10)); after: \(added.prefix(10))")
    }

    /// The last test: it prunes the build cache the others compare.
    @Test(
        "docker builder prune, as planned, frees what the plan says: du's drop and the engine's figure within 1%",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit))
    func pruneFreesWhatThePlanSays() throws {
        let engine = try BuildKitEngine.required()
        try engine.requireNotPruned()
        try pruneAsPlanned(engine)
    }
}
