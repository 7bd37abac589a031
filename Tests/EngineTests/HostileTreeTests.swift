import Foundation
import Testing

/// Phase `hostile`: each test takes its own copy of the stopped engine's tree, damages it one way
/// an adversary (or a bad day) would, and holds dockdu to its promises there: no removal outside
/// the root, nothing unknown treated as unused, no crash, no silent wrong figure, and the tree
/// byte-for-byte unchanged by every dockdu run (a manifest with content hashes, before and after).
@Suite("Hostile copies", .serialized)
struct HostileTreeTests {
    static let enabled = EngineEnvironment.isPhase(.hostile)

    /// The first layerdb entry's directory, by name.
    private func firstLayer(_ copy: HostileCopy) throws -> String {
        let names = try FileManager.default.contentsOfDirectory(atPath: copy.root + "/image/overlay2/layerdb/sha256").sorted()
        return try #require(names.first { $0.count == 64 })
    }

    @Test("values that point outside the root are corrupt warnings; nothing outside is planned or removed", .enabled(if: enabled, PhaseReason.hostile))
    func valuesThatLeaveTheRoot() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let facts = try PopulateFacts.load(environment)
        let copy = try HostileCopy.make("escape", environment)
        let layer = try firstLayer(copy)
        let realCacheID = try readText("\(copy.root)/image/overlay2/layerdb/sha256/\(layer)/cache-id")
        try CommandRunner.bashChecked(
            """
            set -e
            cd "$1"
            printf '../../outside/victim' > image/overlay2/layerdb/sha256/$2/cache-id
            m=image/overlay2/layerdb/mounts/$3
            printf '../../outside/victim' > $m/mount-id
            printf '../../outside/victim-init' > $m/init-id
            link=$(ls overlay2/l | head -n 1)
            ln -sfn ../../../outside/victim/diff "overlay2/l/$link"
            lower=$(ls overlay2/*/lower | head -n 1)
            printf 'l/../../../outside/victim' > "$lower"
            """, [copy.root, layer, facts.containers.exited])
        let (report, run) = try copy.readOnly { try copy.report() }
        #expect(run.status == 1, "\(run.summary)")
        let corrupt = Set(report.warnings.filter { $0.code == "corrupt" }.map(\.path))
        #expect(corrupt.contains("image/overlay2/layerdb/sha256/\(layer)"), "\(corrupt)")
        #expect(corrupt.contains("image/overlay2/layerdb/mounts/\(facts.containers.exited)"), "\(corrupt)")
        #expect(corrupt.contains { $0.hasSuffix("/lower") }, "\(corrupt)")
        #expect(!report.metadataComplete.layers)
        #expect(!report.orphans.contains { $0.path.contains("..") })

        let flags = ["--all-images", "--all-volumes", "--orphan-min-age", "0"]
        let (plan, script) = try copy.readOnly { try copy.plan(flags) }
        let root = try resolvedPath(copy.root)
        for path in HostileCopy.commandPaths(plan) {
            let resolved = try resolvedPath(path)
            #expect(resolved.hasPrefix(root + "/"), "the plan names \(path), which resolves to \(resolved), outside \(root)")
        }
        // The layer's real directory belongs to the entry that could not be read: never an orphan.
        #expect(!HostileCopy.actionTargets(plan).contains { $0.contains(realCacheID) })
        let outsideBefore = try Measure.manifest(copy.outside)
        let carried = try copy.carryOut(script)
        #expect(carried.status == 0, "\(carried.summary)")
        #expect(try Measure.manifest(copy.outside) == outsideBefore, "the script changed what lies outside the root")
        #expect(FileManager.default.fileExists(atPath: "\(copy.root)/overlay2/\(realCacheID)/diff"))
    }

    @Test("links inside orphans are not followed, and a folder swapped for a link after planning is refused when the script runs", .enabled(if: enabled, PhaseReason.hostile))
    func linksInsideAndAroundOrphans() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("links", environment)
        let stray = String(repeating: "5e", count: 32)
        try CommandRunner.bashChecked(
            """
            set -e
            d="$1/overlay2/$2"
            mkdir -p "$d/work"
            ln -s "$3/victim" "$d/diff"
            ln "$3/victim/data" "$d/hardlink-to-outside"
            """, [copy.root, stray, copy.outside])
        let (report, _) = try copy.readOnly { try copy.report() }
        #expect(report.orphans.contains { $0.path == "overlay2/\(stray)" })
        let flags = ["--no-containers", "--no-images", "--no-build-cache", "--orphan-min-age", "0"]
        let (plan, script) = try copy.readOnly { try copy.plan(flags) }
        #expect(HostileCopy.actionTargets(plan).contains("removeOrphan overlay2/\(stray)"))
        // Removing the orphan's hard link lowers the outside file's link count (and so its ctime);
        // what must not change is what lies outside: its names and contents.
        let outsideBefore = try Measure.contents(copy.outside)
        let carried = try copy.carryOut(script)
        #expect(carried.status == 0, "\(carried.summary)")
        #expect(!FileManager.default.fileExists(atPath: "\(copy.root)/overlay2/\(stray)"))
        #expect(try Measure.contents(copy.outside) == outsideBefore, "removing an orphan reached through its links")

        // The same plan again, but overlay2/ is now a link out of the root: the kernel would
        // follow it, the script's own check must not.
        let second = try HostileCopy.make("swapped", environment)
        try CommandRunner.bashChecked("mkdir -p \"$1/overlay2/$2/diff\" && head -c 4096 /dev/urandom > \"$1/overlay2/$2/diff/f\"", [second.root, stray])
        let (_, secondScript) = try second.plan(flags)
        #expect(secondScript.contains("overlay2/\(stray)"))
        try CommandRunner.bashChecked(
            """
            set -e
            mv "$1/overlay2" "$2/overlay2"
            ln -s "$2/overlay2" "$1/overlay2"
            """, [second.root, second.outside])
        let swappedBefore = try Measure.manifest(second.outside)
        let refused = try second.carryOut(secondScript)
        #expect(refused.stderrText.contains("refusing"), "\(refused.summary)")
        #expect(try Measure.manifest(second.outside) == swappedBefore, "the script followed a link out of the root")
    }

    @Test("corrupt repositories.json: tags unknown, no image proposed, and the plan says why", .enabled(if: enabled, PhaseReason.hostile))
    func corruptTags() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("tags", environment)
        try CommandRunner.bashChecked("f=\"$1/image/overlay2/repositories.json\"; head -c $(( $(stat -c %s \"$f\") / 2 )) \"$f\" > \"$f.cut\" && mv \"$f.cut\" \"$f\"", [copy.root])
        let (report, run) = try copy.readOnly { try copy.report() }
        #expect(run.status == 1)
        #expect(!report.metadataComplete.tags)
        let (plan, script) = try copy.readOnly { try copy.plan(["--all-images", "--orphan-min-age", "0"]) }
        #expect(!HostileCopy.actionKinds(plan).contains("removeImage"), "\(HostileCopy.actionTargets(plan))")
        #expect((plan["notes"] as? [String] ?? []).contains { $0.contains("repositories.json") })
        #expect(try copy.carryOut(script).status == 0)
        #expect(!copy.dockerCommands().contains { $0.hasPrefix("image rm") }, "\(copy.dockerCommands())")
        let table = try copy.dockdu(["report"])
        #expect(table.stdoutText.contains("repositories.json"), "the human report does not say what it could not read")
    }

    @Test("a corrupt container config: its volumes and image are unknown, so none is proposed", .enabled(if: enabled, PhaseReason.hostile))
    func corruptContainerConfig() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let facts = try PopulateFacts.load(environment)
        let copy = try HostileCopy.make("config", environment)
        // The exited container mounts the named volume appdata and uses tools:latest.
        try CommandRunner.bashChecked("f=\"$1/containers/$2/config.v2.json\"; head -c 40 \"$f\" > \"$f.cut\" && mv \"$f.cut\" \"$f\"", [copy.root, facts.containers.exited])
        let (report, _) = try copy.readOnly { try copy.report() }
        #expect(!report.metadataComplete.containers)
        #expect(report.container(facts.containers.exited)?.state == "unknown")
        let (plan, script) = try copy.readOnly { try copy.plan(["--all-images", "--all-volumes", "--orphan-min-age", "0"]) }
        let kinds = HostileCopy.actionKinds(plan)
        #expect(!kinds.contains("removeImage") && !kinds.contains("removeVolume"), "\(HostileCopy.actionTargets(plan))")
        #expect((plan["notes"] as? [String] ?? []).count == 2, "\(plan["notes"] ?? "none")")
        #expect(try copy.carryOut(script).status == 0)
        #expect(!copy.dockerCommands().contains { $0.hasPrefix("volume rm") || $0.hasPrefix("image rm") })
    }

    @Test("volumes/ moved to another filesystem behind a link: listed as before, and reconciled with du", .enabled(if: enabled, PhaseReason.hostile))
    func linkedVolumesOnAnotherFilesystem() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("volumes", environment)
        let (reference, _) = try copy.report()
        let (referencePlan, _) = try copy.plan(["--orphan-min-age", "0"])
        let disk = copy.base + "/disk"
        try CommandRunner.bashChecked(
            """
            set -e
            mkdir -p "$2" && mount -t tmpfs -o size=256m dockdu-test "$2"
            cp -a "$1/volumes" "$2/volumes" && rm -rf "$1/volumes" && ln -s "$2/volumes" "$1/volumes"
            """, [copy.root, disk])
        defer { _ = try? CommandRunner.run(["umount", "-l", disk]) }
        let (report, run) = try copy.readOnly { try copy.report() }
        #expect(run.status == 0, "\(run.summary)")
        #expect(report.volumes.map(\.name) == reference.volumes.map(\.name))
        #expect(report.volumes.map(\.containers) == reference.volumes.map(\.containers))
        let folder = try #require(report.linkedFolders.first)
        #expect(folder.name == "volumes" && folder.otherFilesystem)
        #expect(folder.bytes == (try Measure.du(disk + "/volumes")), "linked bytes \(folder.bytes)")
        #expect(report.totalBytes - folder.bytes == (try Measure.du(copy.root)), "what du -sx of the root sees")
        let (plan, _) = try copy.plan(["--orphan-min-age", "0"])
        #expect(HostileCopy.actionTargets(plan) == HostileCopy.actionTargets(referencePlan))
        let human = try copy.dockdu(["report"])
        #expect(human.stdoutText.contains("volumes/ is a link to"), "\(human.stdoutText.prefix(400))")
    }

    @Test("overlay2/ behind a link: its layers are still layers and no container layer becomes an orphan", .enabled(if: enabled, PhaseReason.hostile))
    func linkedOverlayFolder() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("overlay", environment)
        let (reference, _) = try copy.report()
        let (referencePlan, _) = try copy.plan(["--orphan-min-age", "0"])
        try CommandRunner.bashChecked(
            "set -e; mkdir -p \"$2\"; mv \"$1/overlay2\" \"$2/overlay2\"; ln -s \"$2/overlay2\" \"$1/overlay2\"", [copy.root, copy.base + "/moved"])
        let (report, run) = try copy.readOnly { try copy.report() }
        #expect(run.status == 0, "\(run.summary)")
        #expect(report.layers.map(\.cacheId) == reference.layers.map(\.cacheId))
        #expect(report.layers.map(\.bytes) == reference.layers.map(\.bytes))
        #expect(report.orphans.map(\.path) == reference.orphans.map(\.path))
        #expect(report.containers.map(\.rwBytes) == reference.containers.map(\.rwBytes))
        let folder = try #require(report.linkedFolders.first)
        #expect(report.totalBytes - folder.bytes == (try Measure.du(copy.root)))
        let (plan, _) = try copy.plan(["--orphan-min-age", "0"])
        #expect(HostileCopy.actionTargets(plan) == HostileCopy.actionTargets(referencePlan))
    }

    @Test("a layer cache with absurd figures is dropped with a warning; the totals still equal du", .enabled(if: enabled, PhaseReason.hostile))
    func absurdCache() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("cache", environment)
        _ = try copy.report()
        try CommandRunner.bashChecked(
            """
            set -e
            f=$(ls "$1"/layers-*.json)
            python3 - "$f" <<'PY'
            import json, sys
            path = sys.argv[1]
            cache = json.load(open(path))
            for entry in cache["layers"].values():
                entry["subtree"]["allocatedBytes"] = -4611686018427387904
                entry["subtree"]["inodes"] = 0
            json.dump(cache, open(path, "w"))
            PY
            """, [copy.cache])
        let (report, run) = try copy.readOnly { try copy.report() }
        #expect(run.status == 0, "\(run.summary)")
        #expect(report.warnings.contains { $0.code == "cache" && $0.message.contains("impossible") }, "\(report.warnings.map(\.message))")
        #expect(report.totalBytes == (try Measure.du(copy.root)))
        let (again, _) = try copy.report()
        #expect(!again.warnings.contains { $0.code == "cache" }, "the cache was not rebuilt")
        #expect(again.totalBytes == report.totalBytes)
    }

    @Test("a damaged volumes/metadata.db costs a warning, not the host: volumes are still listed", .enabled(if: enabled, PhaseReason.hostile))
    func damagedVolumeDatabase() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("bolt", environment)
        let (reference, _) = try copy.report()
        // A valid header over garbage pages: every page number and count is wrong.
        try CommandRunner.bashChecked(
            """
            set -e
            f="$1/volumes/metadata.db"
            head -c 8192 "$f" > "$f.new"
            head -c 65536 /dev/urandom >> "$f.new"
            mv "$f.new" "$f"
            """, [copy.root])
        let started = Date()
        let (report, run) = try copy.readOnly { try copy.report() }
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(run.status == 1 || run.status == 0, "\(run.summary)")
        #expect(report.volumes.map(\.name) == reference.volumes.map(\.name))
        #expect(report.totalBytes == (try Measure.du(copy.root)))
    }

    @Test("a 12 KiB BoltDB bomb as volumes/metadata.db is refused in moments with bounded memory", .enabled(if: enabled, PhaseReason.hostile))
    func boltBomb() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let copy = try HostileCopy.make("bomb", environment)
        let (reference, _) = try copy.report()
        // 60 levels of two inline buckets sharing one value: 2^61 entries for a reader that does
        // not bound itself (made by BoltFileBuilder.sharedValueBomb in the unit tests).
        let bomb = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../Engine/fixtures/nested-bucket-bomb.db").standardized.path
        try CommandRunner.bashChecked("cp \"$1\" \"$2/volumes/metadata.db\"", [bomb, copy.root])
        let started = Date()
        let run = try copy.readOnly {
            try CommandRunner.bash(
                "ulimit -v 1048576; exec \"$1\" report --json --root \"$2\" --cache \"$3\"", [environment.binary, copy.root, copy.cache])
        }
        #expect(Date().timeIntervalSince(started) < 10, "the bomb took \(Date().timeIntervalSince(started)) s")
        #expect(run.status == 1, "\(run.summary)")
        let report = try JSONDecoder().decode(ReportDocument.self, from: run.stdout)
        #expect(report.warnings.contains { $0.code == "corrupt" && $0.path == "volumes/metadata.db" })
        #expect(report.volumes.map(\.name) == reference.volumes.map(\.name))
        #expect(report.totalBytes == (try Measure.du(copy.root)))
    }
}
