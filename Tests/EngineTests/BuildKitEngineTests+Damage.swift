import Foundation
import Testing

/// What a real build cannot produce: BuildKit's databases damaged, on copies of the built root
/// (`DIR/pristine`, taken by `Tests/Engine/run` while the engine was idle; the engine never sees
/// them). Unknown is not unused: dockdu must say the database is corrupt and must not call the
/// snapshot directories it can no longer place orphans, nor plan to remove them.
extension BuildKitEngineTests {
    @Test(
        "a truncated BuildKit database: `corrupt`, exit 1, and BuildKit's directories are neither orphans nor planned for removal",
        .enabled(if: EngineEnvironment.isPhase(.buildkit), PhaseReason.buildkit),
        arguments: ["snapshots.db", "metadata_v2.db"])
    func truncatedDatabase(_ database: String) throws {
        let engine = try BuildKitEngine.required()
        let base = "\(engine.environment.scratch)/truncated-\(database)"
        let root = base + "/root"
        // Cut just before the page the newer meta page names as the root, as a crash while the
        // file grew leaves it: the meta pages are whole, the tree they point to is gone. (Half the
        // file is not enough: bbolt reuses early pages, and the live tree may all lie before the
        // cut.) The directories are made old, so that --orphan-min-age would not hide a removal.
        try CommandRunner.bashChecked(
            """
            set -e
            rm -rf --one-file-system "$1"
            mkdir -p "$1"
            cp -a "$2" "$1/root"
            db="$1/root/buildkit/$3"
            u() { od -An -t "u$1" -j "$2" -N "$1" "$db" | tr -d ' '; }
            size=$(u 4 24)
            best=0 root=0
            for meta in 0 1; do
                at=$((meta * size + 16))
                [ "$(u 4 $at)" = 3977042669 ] || continue   # 0xED0CDAED
                txid=$(u 8 $((at + 48)))
                if [ "$txid" -ge "$best" ]; then best=$txid root=$(u 8 $((at + 16))); fi
            done
            [ "$root" -ge 2 ] || { echo "$db: no root page in its meta pages" >&2; exit 1; }
            truncate -s $((root * size)) "$db"
            for d in "$1/root/overlay2/"*; do touch -h -d '3 hours ago' "$d"; done
            """, [base, engine.environment.pristine, database])
        let snapshots = try BuildKitEngine.snapshotDirectories(root: root)
        #expect(!snapshots.isEmpty, "the copy has no BuildKit directories")

        let before = try Measure.manifest(root)
        let report = try CommandRunner.run([engine.environment.binary, "report", "--root", root, "--cache", base + "/cache", "--json", "--bytes"])
        #expect(report.status == 1, "exit \(report.status), expected 1 for a warning: \(report.summary)")
        let document = try JSONDecoder().decode(ReportDocument.self, from: report.stdout)
        let corrupt = document.warnings.filter { $0.code == "corrupt" && $0.path == "buildkit/\(database)" }
        #expect(!corrupt.isEmpty, "no corrupt warning for buildkit/\(database): \(document.warnings.map { "\($0.code) \($0.path)" })")
        let buildKitOrphans = document.orphans.filter { orphan in
            snapshots.contains { orphan.path == "overlay2/\($0)" } || orphan.path.hasPrefix("overlay2/l/")
        }
        #expect(buildKitOrphans.isEmpty, "BuildKit's directories called orphans: \(buildKitOrphans.map(\.path))")
        #expect(document.orphans.isEmpty, "orphans in a copy of a healthy tree: \(document.orphans.map(\.path))")
        #expect(document.totalBytes == (try Measure.du(root)), "totalBytes \(document.totalBytes), du -sx of the copy")
        #expect(document.categories.sum == document.totalBytes)

        let plan = try CommandRunner.run([engine.environment.binary, "plan", "--root", root, "--cache", base + "/cache", "--json"])
        #expect([0, 1].contains(plan.status), "\(plan.summary)")
        let removals = try JSONDecoder().decode(PlanEngineTests.PlanDocument.self, from: plan.stdout).actions
            .filter { action in action.kind == "removeOrphan" || snapshots.contains { action.command.joined(separator: " ").contains($0) } }
        #expect(removals.isEmpty, "the plan removes BuildKit's directories: \(removals.map { $0.command.joined(separator: " ") })")
        #expect(try Measure.manifest(root) == before, "dockdu changed the damaged copy")
        try? FileManager.default.removeItem(atPath: base)
    }
}
