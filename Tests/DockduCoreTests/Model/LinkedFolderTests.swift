import Foundation
import Testing
@testable import DockduCore

/// `volumes/` (or `overlay2/`, `containers/`) moved to a bigger disk and replaced by a link: the
/// common set-up that made dockdu report "VOLUMES: none" and propose live layers as orphans.
@Suite struct LinkedFolderTests {
    /// Moves `name` out of the root into `elsewhere` and leaves a symbolic link.
    private func move(_ name: String, of root: HandMadeDataRoot, to elsewhere: TemporaryTree) throws -> String {
        let target = elsewhere.path + "/" + name
        try FileManager.default.moveItem(atPath: root.tree.path + "/" + name, toPath: target)
        try FileManager.default.createSymbolicLink(atPath: root.tree.path + "/" + name, withDestinationPath: target)
        return target
    }

    @Test func aLinkedVolumesFolderListsItsVolumesAndReconcilesWithDu() throws {
        let root = try HandMadeDataRoot()
        let before = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: .disk)
        let elsewhere = try TemporaryTree()
        let target = try move("volumes", of: root, to: elsewhere)
        let report = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: .disk)
        #expect(report.volumes.map(\.name) == ["data"])
        #expect(report.volumes.first?.bytes == before.volumes.first?.bytes)
        let folder = try #require(report.linkedFolders?.first)
        #expect(folder.name == "volumes")
        #expect(folder.target == PathFunctions.canonical(target))
        // du -sx of the root sees the link only; the target is the rest.
        #expect(report.totalBytes - folder.bytes == (try root.tree.du()))
        #expect(folder.bytes == (try elsewhere.du("volumes")))
        #expect(!report.warnings.contains { $0.code == .missingDirectory })
    }

    @Test func aLinkedOverlayFolderKeepsItsLayersAndPlansOrphansAtTheirRealPath() throws {
        let root = try HandMadeDataRoot()
        let elsewhere = try TemporaryTree()
        let target = try #require(PathFunctions.canonical(try move("overlay2", of: root, to: elsewhere)))
        let result = try DataRootScan(dataRoot: root.tree.path).run()
        let report = result.report(dataRoot: root.tree.path, mode: .disk)
        #expect(report.layers.count == 2)
        #expect(Set(report.orphans.map(\.path)).isSuperset(of: ["overlay2/leftover"]))
        #expect(!report.orphans.contains { $0.path == "overlay2/\(root.layers[0])" })
        let descriptor = try FileDescriptor.openDirectory(atPath: root.tree.path)
        defer { descriptor.close() }
        var policy = PlanPolicy()
        policy.orphanMinAgeSeconds = 0
        policy.stoppedContainers = false
        policy.buildCache = false
        let plan = CleanupPlanner(
            scan: result, policy: policy, dataRoot: root.tree.path, mode: .disk, now: ProcessEnvironment.unixTime, mountPoints: [],
            canonicalRoot: PathFunctions.canonical(root.tree.path) ?? root.tree.path
        ).plan(files: DataRootFiles(root: descriptor, followedTopFolders: [Array("overlay2".utf8)]))
        let leftover = try #require(plan.actions.first { $0.target == "overlay2/leftover" })
        #expect(leftover.command.last == target + "/leftover")
        #expect(plan.linkedFolders == [target])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", PlanScript(plan: plan).render()]
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        #expect(!FileManager.default.fileExists(atPath: target + "/leftover"))
        #expect(FileManager.default.fileExists(atPath: target + "/\(root.layers[0])/diff/content"))
    }

    @Test func aLinkBackIntoTheRootIsNotFollowed() throws {
        let root = try HandMadeDataRoot()
        try FileManager.default.moveItem(atPath: root.tree.path + "/volumes", toPath: root.tree.path + "/overlay2/moved-volumes")
        try FileManager.default.createSymbolicLink(atPath: root.tree.path + "/volumes", withDestinationPath: "overlay2/moved-volumes")
        let report = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: .disk)
        #expect(report.linkedFolders?.isEmpty == true)
        #expect(report.warnings.contains { $0.code == .brokenLink && $0.path == "volumes" })
        #expect(report.totalBytes == (try root.tree.du()))
    }

    @Test func otherLinksAreNeverFollowed() throws {
        let root = try HandMadeDataRoot()
        let elsewhere = try TemporaryTree()
        try elsewhere.file("big", size: 1 << 20)
        try FileManager.default.createSymbolicLink(atPath: root.tree.path + "/overlay2/\(root.layers[0])/diff/escape", withDestinationPath: elsewhere.path)
        try FileManager.default.createSymbolicLink(atPath: root.tree.path + "/tmp", withDestinationPath: elsewhere.path)
        let report = try DataRootScan(dataRoot: root.tree.path).run().report(dataRoot: root.tree.path, mode: .disk)
        #expect(report.totalBytes == (try root.tree.du()))
        #expect(report.linkedFolders?.isEmpty == true)
    }
}
