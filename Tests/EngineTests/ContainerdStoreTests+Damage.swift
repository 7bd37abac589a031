import Foundation
import Testing

/// Phase `containerd`: dockdu only reads, whether containerd runs or not; and damage behind
/// containerd's back (on copies in scratch, which containerd never sees) moves bytes between
/// categories without claiming what is merely unknown.
extension ContainerdStoreTests {
    // MARK: read-only

    @Test(
        "read-only while containerd runs and holds its locks: both roots' manifests are unchanged by every kind of report",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func readOnlyLive() throws {
        let rig = try ContainerdRig.required()
        let roots = [rig.dockerRoot, rig.containerdRoot]
        let idle = try roots.map(Measure.manifest)
        Thread.sleep(forTimeInterval: 0.5)
        let before = try roots.map(Measure.manifest)
        try #require(idle == before, "containerd changed its root by itself between two manifests; the read-only proof needs it idle")
        try runEveryKindOfReport(rig, copy: nil)
        let after = try roots.map(Measure.manifest)
        for (index, root) in roots.enumerated() {
            let removed = Set(before[index]).subtracting(after[index]).sorted()
            let added = Set(after[index]).subtracting(before[index]).sorted()
            #expect(before[index] == after[index], "\(root) changed: before \(removed.prefix(5)); after \(added.prefix(5))")
        }
        #expect(try rig.containerdRuns(), "containerd stopped during dockdu's runs")
        #expect(try rig.lockIsHeld(ContainerdRig.metaDB), "containerd no longer holds its lock on meta.db")
    }

    @Test(
        "read-only on a copy no containerd holds: both roots' manifests are unchanged by every kind of report",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func readOnlyCopy() throws {
        let rig = try ContainerdRig.required()
        let copy = try rig.copy("read-only")
        let roots = [copy.dockerRoot, copy.containerdRoot]
        let before = try roots.map(Measure.manifest)
        #expect(before[1].count > 50, "the containerd root's manifest is suspiciously small: \(before[1].count) entries")
        try runEveryKindOfReport(rig, copy: copy)
        let after = try roots.map(Measure.manifest)
        for (index, root) in roots.enumerated() {
            let removed = Set(before[index]).subtracting(after[index]).sorted()
            let added = Set(after[index]).subtracting(before[index]).sorted()
            #expect(before[index] == after[index], "\(root) changed: before \(removed.prefix(5)); after \(added.prefix(5))")
        }
    }

    /// JSON and table, disk and apparent; each must have read everything (exit 0), or the proof
    /// would hold for a run that read nothing.
    private func runEveryKindOfReport(_ rig: ContainerdRig, copy: ContainerdRigCopy?) throws {
        for json in [true, false] {
            for mode in [Dockdu.SizeMode.disk, .apparent] {
                let result = try ContainerdDockdu.run(rig, copy: copy, mode: mode, json: json)
                #expect(result.status == 0, "\(json ? "JSON" : "table") \(mode): \(result.summary)")
            }
        }
    }

    // MARK: damage, on copies

    @Test(
        "a snapshot directory and a blob file no metadata knows are orphans of the containerd root, of du's size",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func strays() throws {
        let rig = try ContainerdRig.required()
        let copy = try rig.copy("strays")
        let (snapshotPath, blobPath) = try addStrays(copy)

        let measured = try ContainerdDockdu.measuredDiskReport(rig, copy: copy)
        let report = measured.report
        let orphans = report.additions.orphans
        for path in [snapshotPath, blobPath] {
            let orphan = try #require(orphans.first { $0.path == path }, "\(path) is not an orphan; orphans: \(orphans.map(\.path))")
            #expect(orphan.base == "containerd", "orphan \(path): base \(orphan.base ?? "absent"), expected containerd")
            let du = try Measure.du("\(copy.containerdRoot)/\(path)")
            #expect(orphan.bytes == du, "orphan \(path): bytes \(orphan.bytes), du \(du)")
        }
        #expect(Set(orphans.map(\.path)) == [snapshotPath, blobPath], "orphans besides the two strays: \(orphans.map(\.path))")
        #expect(report.document.categories.orphans >= orphans.reduce(0) { $0 + $1.bytes })
        try expectTotalIsDu(measured)
    }

    @Test(
        "a truncated meta.db: exit 1 with a warning, and no snapshot or blob claimed as an orphan (unknown is not unused)",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func truncatedMetaDB() throws {
        let rig = try ContainerdRig.required()
        let copy = try rig.copy("truncated-meta")
        try CommandRunner.bashChecked("truncate -s 8192 \"$1\"", [copy.containerdRoot + "/" + ContainerdRig.metaDB])
        // Not even these: with meta.db unread, nothing says what is referenced.
        _ = try addStrays(copy)
        let measured = try ContainerdDockdu.measuredDiskReport(rig, copy: copy, statuses: [1])
        let report = measured.report
        let warnings = report.document.warnings
        #expect(warnings.contains { $0.path.contains("meta.db") }, "no warning names meta.db: \(warnings.map { "\($0.code) \($0.path)" })")
        let claimed = report.additions.orphans.filter {
            $0.path.hasPrefix("\(ContainerdRig.overlayfs)/snapshots") || $0.path.hasPrefix("\(ContainerdRig.content)/blobs")
        }
        #expect(claimed.isEmpty, "with meta.db unreadable these are claimed as orphans: \(claimed.map(\.path))")
        try expectTotalIsDu(measured)
    }

    @Test(
        "a snapshot whose parent's directory was removed: a warning naming it, no crash, no orphans",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func removedParentDirectory() throws {
        let rig = try ContainerdRig.required()
        let oracle = try rig.oracle()
        let copy = try rig.copy("removed-parent")
        // The shared base: parent of both images' top layers and of the unpack in progress.
        let base = try oracle.snapshot(try oracle.image(oracle.imageA).chainIds[0])
        let path = "\(ContainerdRig.overlayfs)/snapshots/\(base.directory)"
        try CommandRunner.bashChecked("rm -rf --one-file-system \"$1\"", [copy.containerdRoot + "/" + path])
        let measured = try ContainerdDockdu.measuredDiskReport(rig, copy: copy, statuses: [0, 1])
        let report = measured.report
        let warnings = report.document.warnings
        #expect(
            warnings.contains { $0.path.hasSuffix(path) || $0.message.contains(path) },
            "no warning names the removed \(path): \(warnings.map { "\($0.code) \($0.path): \($0.message)" })")
        #expect(report.additions.orphans.isEmpty, "orphans after removing \(path): \(report.additions.orphans.map(\.path))")
        try expectTotalIsDu(measured)
    }

    /// A snapshot directory no snapshot names (`snapshots/99999/fs/junk`, 20000 bytes) and a blob
    /// file meta.db does not list (3000 random bytes under their own digest); their paths,
    /// relative to the containerd root.
    private func addStrays(_ copy: ContainerdRigCopy) throws -> (snapshot: String, blob: String) {
        let snapshotPath = "\(ContainerdRig.overlayfs)/snapshots/99999"
        let blobHex = try CommandRunner.bashChecked(
            """
            set -e
            mkdir -p "$1/$2/fs"
            head -c 20000 /dev/urandom > "$1/$2/fs/junk"
            head -c 3000 /dev/urandom > "$1/$3/blob.tmp"
            hex=$(sha256sum "$1/$3/blob.tmp" | cut -d' ' -f1)
            mv "$1/$3/blob.tmp" "$1/$3/blobs/sha256/$hex"
            echo "$hex"
            """, [copy.containerdRoot, snapshotPath, ContainerdRig.content]
        ).stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
        return (snapshotPath, "\(ContainerdRig.content)/blobs/sha256/\(blobHex)")
    }

    /// Damage moves bytes between categories, never out of the total.
    private func expectTotalIsDu(_ measured: MeasuredContainerdReport) throws {
        let document = measured.report.document
        let du = measured.dockerRootDu + measured.containerdRootDu
        #expect(document.totalBytes == du, "totalBytes \(document.totalBytes), du -sx of both roots \(measured.dockerRootDu) + \(measured.containerdRootDu) = \(du)")
        #expect(document.categories.sum == document.totalBytes, "categories sum \(document.categories.sum), totalBytes \(document.totalBytes)")
    }
}
