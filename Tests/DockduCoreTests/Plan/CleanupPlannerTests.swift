import Foundation
import Testing
@testable import DockduCore

private func plan(_ root: HandMadeDataRoot, _ configure: (inout PlanPolicy) -> Void = { _ in }, mountPoints: [[UInt8]] = [], mode: SizeMode = .disk) throws -> CleanupPlan {
    var policy = PlanPolicy()
    configure(&policy)
    let result = try DataRootScan(dataRoot: root.tree.path).run()
    let descriptor = try FileDescriptor.openDirectory(atPath: root.tree.path)
    defer { descriptor.close() }
    return CleanupPlanner(
        scan: result, policy: policy, dataRoot: root.tree.path, mode: mode, now: ProcessEnvironment.unixTime,
        mountPoints: mountPoints, canonicalRoot: PathFunctions.canonical(root.tree.path) ?? root.tree.path
    ).plan(files: DataRootFiles(root: descriptor))
}

/// Runs `script` with /bin/sh; returns its exit status.
private func runShell(_ script: String) throws -> Int32 {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/sh")
    process.arguments = ["-c", script]
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    process.waitUntilExit()
    return process.terminationStatus
}

@Suite struct CleanupPlannerTests {
    @Test func defaultsTakeStoppedContainersAndBuildCacheButNotYoungOrphans() throws {
        let root = try HandMadeDataRoot()
        let plan = try plan(root)
        #expect(plan.dryRun)
        #expect(plan.actions.map(\.kind) == [.removeContainer, .pruneBuildCache])
        #expect(plan.actions[0].target == "web")
        #expect(plan.actions[0].command == ["docker", "container", "rm", root.liveContainer])
        #expect(plan.reclaimableBytes == plan.actions.reduce(0) { $0 + $1.reclaimableBytes })
        // Every orphan was made a moment ago: under the one-hour safety age.
        #expect(plan.skipped.filter { $0.reason.contains("--orphan-min-age") }.count == 4)
    }

    @Test func aContainersRemovalFreesItsLayersDirectoryAndLogs() throws {
        let root = try HandMadeDataRoot()
        let before = try root.tree.du()
        let container = try #require(try plan(root).actions.first)
        // What removing it frees: both layer directories, its links (none here), its directory
        // with logs, and its layerdb/mounts entry.
        let expected = try root.tree.du("overlay2/\(root.liveMount)") + root.tree.du("overlay2/\(root.liveMount)-init")
            + root.tree.du("containers/\(root.liveContainer)") + root.tree.du("image/overlay2/layerdb/mounts/\(root.liveContainer)")
        #expect(container.reclaimableBytes == expected)
        #expect(before > expected)
    }

    @Test func anImageGoesAfterItsContainerAndFreesItsLayers() throws {
        let root = try HandMadeDataRoot()
        let plan = try plan(root) { $0.images = .all }
        let kinds = plan.actions.map(\.kind)
        #expect(kinds == [.removeContainer, .removeImage, .pruneBuildCache])
        let image = plan.actions[1]
        #expect(image.command == ["docker", "image", "rm", "app:1"])
        let layers = try (0..<2).map { index in
            try root.tree.du("overlay2/\(root.layers[index])") + root.tree.du("overlay2/l/\(root.links[index])")
                + root.tree.du("image/overlay2/layerdb/sha256/\(root.chain[index].dropFirst(7))")
        }.reduce(0, +)
        let config = try root.tree.du("image/overlay2/imagedb/content/sha256/\(root.imageHex)")
        #expect(image.reclaimableBytes == layers + config)
    }

    @Test func keptContainersKeepTheirImages() throws {
        let root = try HandMadeDataRoot()
        let plan = try plan(root) {
            $0.images = .all
            $0.keep = ["w?b"]
        }
        #expect(!plan.actions.contains { $0.kind == .removeContainer || $0.kind == .removeImage })
        #expect(plan.skipped.contains { $0.target == "web" && $0.reason.contains("--keep w?b") })
        #expect(plan.skipped.contains { $0.target == "app:1" && $0.reason.contains("used by container web") })
    }

    @Test func labelAndAgeFilters() throws {
        let root = try HandMadeDataRoot()
        #expect(try plan(root) { $0.labels = ["team=web"] }.actions.allSatisfy { $0.kind != .removeContainer })
        #expect(try plan(root) { $0.notLabels = ["team"] }.actions.contains { $0.kind == .removeContainer })
        // It finished on 2026-01-02: older than a day, younger than ten years.
        #expect(try plan(root) { $0.olderThanSeconds = 86_400 }.actions.contains { $0.kind == .removeContainer })
        #expect(try plan(root) { $0.olderThanSeconds = 10 * 365 * 86_400 }.actions.allSatisfy { $0.kind != .removeContainer })
    }

    @Test func orphansOldEnoughAreRemovedAndFreeExactlyWhatThePlanSays() throws {
        let root = try HandMadeDataRoot()
        let plan = try plan(root) {
            $0.orphanMinAgeSeconds = 0
            $0.stoppedContainers = false
            $0.buildCache = false
        }
        let orphans = plan.actions.filter { $0.kind == .removeOrphan }
        #expect(Set(orphans.map(\.target)) == ["overlay2/leftover", "overlay2/\(root.goneMount)", "overlay2/\(root.goneMount)-init", "image/overlay2/layerdb/mounts/\(root.goneContainer)"])
        let before = try root.tree.du()
        #expect(try runShell(PlanScript(plan: plan).render()) == 0)
        let after = try root.tree.du()
        #expect(before - after == plan.reclaimableBytes)
        #expect(!FileManager.default.fileExists(atPath: root.tree.path + "/overlay2/leftover"))
        #expect(FileManager.default.fileExists(atPath: root.tree.path + "/overlay2/\(root.snapshot)"))
    }

    @Test func mountedOrphansAreNeverProposed() throws {
        let root = try HandMadeDataRoot()
        let canonical = PathFunctions.canonical(root.tree.path) ?? root.tree.path
        let plan = try plan(root, { $0.orphanMinAgeSeconds = 0 }, mountPoints: [Array((canonical + "/overlay2/leftover/merged").utf8)])
        #expect(!plan.actions.contains { $0.target == "overlay2/leftover" })
        #expect(plan.skipped.contains { $0.target == "overlay2/leftover" && $0.reason.contains("mounted") })
    }

    @Test func hostileNamesPassLiterallyThroughTheScript() throws {
        let root = try HandMadeDataRoot()
        let hostile: [[UInt8]] = [
            Array("new\nline".utf8), Array("$(touch pwned)".utf8), Array("quote'and\"".utf8),
            Array("esc\u{1B}[2J%s\\n".utf8), Array("bad".utf8) + [0xFF, 0xFE], Array("trailing\n\n".utf8),
        ]
        for name in hostile {
            try root.tree.directory(Array("overlay2/".utf8) + name)
            try root.tree.file(Array("overlay2/".utf8) + name + Array("/data".utf8), size: 5000)
        }
        let plan = try plan(root) { policy in
            policy.orphanMinAgeSeconds = 0
            policy.stoppedContainers = false
            policy.buildCache = false
        }
        let script = PlanScript(plan: plan).render()
        // The script is plain printable ASCII, safe to cat to a terminal.
        #expect(script.utf8.allSatisfy { $0 == 0x0A || ($0 >= 0x20 && $0 < 0x7F) })
        let before = try root.tree.du()
        #expect(try runShell("cd \(root.tree.path) && sh -s <<'DOCKDU_EOF'\n\(script)DOCKDU_EOF") == 0)
        for name in hostile {
            #expect(!FileManager.default.fileExists(atPath: String(decoding: root.tree.bytes(Array("overlay2/".utf8) + name), as: UTF8.self)))
        }
        #expect(!FileManager.default.fileExists(atPath: root.tree.path + "/pwned"))
        #expect(before - (try root.tree.du()) == plan.reclaimableBytes)
        let json = try JSONDecoder().decode(CleanupPlan.self, from: Data(JSONRendering.render(plan)))
        let invalid = try #require(json.actions.first { $0.targetBase64 != nil })
        #expect(Data(base64Encoded: invalid.targetBase64 ?? "").map(Array.init) == Array("overlay2/bad".utf8) + [0xFF, 0xFE])
    }
}

@Suite struct PlanArgumentTests {
    @Test func durations() {
        #expect(Duration.parse("90") == 90)
        #expect(Duration.parse("30m") == 1800)
        #expect(Duration.parse("2h30m") == 9000)
        #expect(Duration.parse("7d") == 604_800)
        #expect(Duration.parse("1w") == 604_800)
        for bad in ["", "h", "5x", "1h5", "-3h", "99999999999999999999d"] { #expect(Duration.parse(bad) == nil, "\(bad)") }
        #expect(Duration.describe(59) == "59s")
        #expect(Duration.describe(3 * 3600) == "3h")
        #expect(Duration.describe(3 * 86_400) == "3d")
    }

    @Test func sizes() {
        #expect(SizeArgument.parse("0") == 0)
        #expect(SizeArgument.parse("512k") == Int64(512 * 1024))
        #expect(SizeArgument.parse("100M") == 100 << 20)
        #expect(SizeArgument.parse("2G") == 2 << 30)
        for bad in ["", "M", "1.5G", "-1", "10Q"] { #expect(SizeArgument.parse(bad) == nil, "\(bad)") }
    }

    @Test func timestampsRoundTrip() {
        #expect(Timestamp.parse("1970-01-01T00:00:00Z") == 0)
        #expect(Timestamp.parse("2026-11-29T19:24:24.123456789Z") == 1_795_980_264)
        #expect(Timestamp.iso8601(1_795_980_264) == "2026-11-29T19:24:24Z")
        #expect(Timestamp.parse("2026-11-29T20:24:24+01:00") == 1_795_980_264)
        #expect(Timestamp.parse("0001-01-01T00:00:00Z") != nil)
        for bad in ["", "yesterday", "2026-13-01T00:00:00Z", "2026-11-29T19:24:24"] { #expect(Timestamp.parse(bad) == nil, "\(bad)") }
    }

    @Test func shellWordsCarryAnyBytes() throws {
        let samples: [[UInt8]] = [Array("plain".utf8), Array("sp ace".utf8), Array("it's".utf8), Array("a\nb\n".utf8), [0x1B, 0x5B, 0x32, 0x4A], [0xFF, 0x25, 0x5C], Array("-rf".utf8)]
        for sample in samples {
            let output = FileManager.default.temporaryDirectory.appendingPathComponent("dockdu-shell-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: output) }
            let word = ShellQuoting.singleQuoted(sample).map { "v=\($0)" } ?? ShellQuoting.assignment("v", sample)
            #expect(try runShell("\(word); printf '%s' \"$v\" > '\(output.path)'") == 0)
            #expect(try Array(Data(contentsOf: output)) == sample)
        }
    }
}
