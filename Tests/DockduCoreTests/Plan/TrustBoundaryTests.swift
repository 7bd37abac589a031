import Foundation
import Testing
@testable import DockduCore

private func scanAndPlan(_ root: HandMadeDataRoot, _ configure: (inout PlanPolicy) -> Void = { _ in }) throws -> (DataRootScan.Result, CleanupPlan) {
    var policy = PlanPolicy()
    policy.orphanMinAgeSeconds = 0
    configure(&policy)
    let result = try DataRootScan(dataRoot: root.tree.path).run()
    let descriptor = try FileDescriptor.openDirectory(atPath: root.tree.path)
    defer { descriptor.close() }
    let files = result.files(root: descriptor)
    let plan = CleanupPlanner(
        scan: result, policy: policy, dataRoot: root.tree.path, mode: .disk, now: ProcessEnvironment.unixTime,
        mountPoints: [], canonicalRoot: PathFunctions.canonical(root.tree.path) ?? root.tree.path
    ).plan(files: files)
    return (result, plan)
}

/// Every argument of every command, as the script would pass it.
private func paths(_ plan: CleanupPlan) -> [String] {
    plan.actions.flatMap(\.command).filter { $0.hasPrefix("/") }
}

/// Metadata values that try to lead a removal outside the root, and metadata that is unreadable:
/// neither may turn into a path, nor into a removal the missing piece could protect.
@Suite struct TrustBoundaryTests {
    @Test func aCacheIDWithDotDotIsAWarningNeverAPath() throws {
        let root = try HandMadeDataRoot()
        let outside = try TemporaryTree()
        try outside.file("precious", size: 1000)
        let escape = "../../../../../../../../" + outside.path.dropFirst()
        try root.write("image/overlay2/layerdb/sha256/\(root.chain[1].dropFirst(7))/cache-id", escape)
        try root.write("image/overlay2/layerdb/mounts/\(root.goneContainer)/mount-id", "../../../etc")
        try root.write("image/overlay2/layerdb/mounts/\(root.goneContainer)/init-id", "../../../etc-init")
        let (result, plan) = try scanAndPlan(root) { $0.images = .all }
        let corrupt = result.model.warnings.filter { $0.code == .corrupt }.map(\.path)
        #expect(corrupt.contains("image/overlay2/layerdb/sha256/\(root.chain[1].dropFirst(7))"))
        #expect(corrupt.contains("image/overlay2/layerdb/mounts/\(root.goneContainer)"))
        let canonical = try #require(PathFunctions.canonical(root.tree.path))
        for path in paths(plan) {
            #expect(path.hasPrefix(canonical + "/") && !path.contains("/../"), "\(path)")
        }
        // The layer's real directory is nothing's now, but it may be the corrupt entry's: kept.
        #expect(!plan.actions.contains { $0.target == "overlay2/\(root.layers[1])" })
        #expect(plan.skipped.contains { $0.target == "overlay2/\(root.layers[1])" && $0.reason.contains("layer metadata") })
        #expect(plan.notes.contains { $0.contains("overlay2 director") })
        #expect(try PlanScript(plan: plan).render().contains("dockdu_inside_root"))
        #expect(FileManager.default.fileExists(atPath: outside.path + "/precious"))
        #expect(result.report(dataRoot: root.tree.path, mode: .disk).metadataComplete?.layers == false)
    }

    @Test func corruptTagsProposeNoImageRemoval() throws {
        let root = try HandMadeDataRoot()
        try root.write("image/overlay2/repositories.json", #"{"Repositories":{"app":{"app:1":"sha256:"#)
        let (result, plan) = try scanAndPlan(root) { $0.images = .all }
        #expect(!result.model.tagsKnown)
        #expect(!plan.actions.contains { $0.kind == .removeImage })
        #expect(plan.notes.contains { $0.contains("repositories.json") })
        let report = result.report(dataRoot: root.tree.path, mode: .disk)
        #expect(report.reclaimable[.images].bytes == 0)
        #expect(report.reclaimable[.images].reclaimableItemCount == nil)
        #expect(result.isPartial)
    }

    @Test func aCorruptContainerConfigProposesNoVolumeAndNoImage() throws {
        let root = try HandMadeDataRoot()
        // The only container that mounts the volume and uses the image: cut mid-write.
        try root.write("containers/\(root.liveContainer)/config.v2.json", #"{"ID":"\#(root.liveContainer)","Name":"/web","Im"#)
        let (result, plan) = try scanAndPlan(root) {
            $0.images = .all
            $0.volumes = .all
        }
        #expect(!result.model.containerMetadataComplete)
        #expect(!plan.actions.contains { $0.kind == .removeImage || $0.kind == .removeVolume || $0.kind == .removeContainer })
        #expect(plan.notes.count == 2, "\(plan.notes)")
        let report = result.report(dataRoot: root.tree.path, mode: .disk)
        #expect(report.reclaimable[.volumes].bytes == 0)
        #expect(report.containers.first { $0.id == root.liveContainer }?.state == .unknown)
    }

    @Test func theScriptRefusesAPathThatLeavesTheRootWhenItRuns() throws {
        let root = try HandMadeDataRoot()
        let outside = try TemporaryTree()
        try outside.directory("victim")
        try outside.file("victim/data", size: 100)
        var (_, plan) = try scanAndPlan(root) {
            $0.stoppedContainers = false
            $0.buildCache = false
        }
        let canonical = try #require(plan.dataRootCanonical)
        // As if the tree changed after the plan was made: a path through a link out of the root,
        // and one with `..` in it.
        try FileManager.default.createSymbolicLink(atPath: root.tree.path + "/overlay2/sneaky", withDestinationPath: outside.path)
        for path in ["\(canonical)/overlay2/sneaky/victim", "\(canonical)/overlay2/../../\(outside.path.dropFirst())/victim/data"] {
            plan.actions.append(PlanAction(
                kind: .removeOrphan, target: "x", targetBase64: nil, reason: "test", reclaimableBytes: 0,
                command: ["rm", "-rf", "--", path], commandBase64: nil, advisory: false))
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", PlanScript(plan: plan).render()]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(FileManager.default.fileExists(atPath: outside.path + "/victim/data"))
        #expect(stderr.contains("refusing"), "\(stderr)")
        #expect(!FileManager.default.fileExists(atPath: root.tree.path + "/overlay2/leftover"), "the real orphan still goes")
    }

    @Test func anEmptyFolderIsNotADataRoot() throws {
        let empty = try TemporaryTree()
        #expect(throws: ScanError.self) { try DataRootScan(dataRoot: empty.path).run() }
        do {
            _ = try DataRootScan(dataRoot: empty.path).run()
        } catch {
            #expect(error.kind == .notDataRoot)
            #expect(ExitStatus(error) == .noInput)
        }
    }
}
