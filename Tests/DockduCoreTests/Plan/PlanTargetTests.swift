import Foundation
import Testing
@testable import DockduCore

/// `--free`, `--until-free`, `--high-water` and `--unused-for` on the hand-made root: one exited
/// container `web` of image `app:1`, a BuildKit cache record, young orphans.
@Suite struct PlanTargetTests {
    static func plan(_ root: HandMadeDataRoot, filesystem: FileSystemSpace? = nil, _ configure: (inout PlanPolicy) -> Void) throws -> CleanupPlan {
        var policy = PlanPolicy()
        policy.images = .all
        policy.orphanMinAgeSeconds = 0
        configure(&policy)
        let result = try DataRootScan(dataRoot: root.tree.path).run()
        let descriptor = try FileDescriptor.openDirectory(atPath: root.tree.path)
        defer { descriptor.close() }
        return CleanupPlanner(
            scan: result, policy: policy, dataRoot: root.tree.path, mode: .disk, now: ProcessEnvironment.unixTime,
            mountPoints: [], canonicalRoot: PathFunctions.canonical(root.tree.path) ?? root.tree.path, filesystem: filesystem
        ).plan(files: DataRootFiles(root: descriptor))
    }

    @Test func percentagesAreOneToAHundred() {
        #expect(PlanCommand.percent("20%") == 20)
        #expect(PlanCommand.percent("85") == 85)
        #expect(PlanCommand.percent("12.5%") == 12.5)
        for bad in ["0", "0%", "101%", "-5", "", "%", "20%%", "1e2", "nan", "20 %"] {
            #expect(PlanCommand.percent(bad) == nil, "\(bad)")
        }
    }

    @Test func theLeastRecentlyUsedGoUntilTheTargetIsMet() throws {
        let root = try HandMadeDataRoot()
        let full = try Self.plan(root) { _ in }
        let removals = full.actions.filter { !$0.advisory }
        #expect(removals.count >= 3)
        // One byte: the single least recently used removal that frees something.
        let one = try Self.plan(root) { $0.freeBytes = 1 }
        #expect(one.target?.reached == true && one.target?.requestedBytes == 1)
        #expect(one.actions.count < removals.count)
        #expect(one.reclaimableBytes == one.target?.plannedBytes)
        #expect(one.actions.allSatisfy { !$0.advisory })
        // Everything's worth: all of it, and no shortfall.
        let all = try Self.plan(root) { $0.freeBytes = removals.reduce(0) { $0 + $1.reclaimableBytes } }
        #expect(all.target?.reached == true && all.target?.shortBytes == 0)
        #expect(all.actions.count == removals.count)
        // More than there is: all of it, and exactly how much is missing.
        let wanted: Int64 = 1 << 40
        let tooMuch = try Self.plan(root) { $0.freeBytes = wanted }
        #expect(tooMuch.target?.reached == false)
        #expect(tooMuch.target?.shortBytes == wanted - (tooMuch.target?.plannedBytes ?? 0))
        #expect(tooMuch.target?.plannedBytes == removals.reduce(0) { $0 + $1.reclaimableBytes })
        #expect(tooMuch.notes.contains { $0.contains("cannot be reached") })
        #expect(HumanPlan(plan: tooMuch, exactBytes: true).render().contains("cannot be reached"))
    }

    @Test func untilFreeAsksWhatLeavesThatShareAvailable() throws {
        let root = try HandMadeDataRoot()
        let filesystem = FileSystemSpace(sizeBytes: 1_000_000, availableBytes: 100_000, usedBytes: 850_000)
        #expect(filesystem.bytesToFree(untilAvailable: 20) == 100_000)
        #expect(filesystem.bytesToFree(untilAvailable: 5) == 0)
        let plan = try Self.plan(root, filesystem: filesystem) { $0.untilFreePercent = 20 }
        #expect(plan.target?.requestedBytes == 100_000)
        #expect(plan.target?.rule == "--until-free 20%")
        let already = try Self.plan(root, filesystem: filesystem) { $0.untilFreePercent = 5 }
        #expect(already.actions.isEmpty && already.target?.reached == true)
    }

    @Test func underTheHighWaterMarkNothingIsPlanned() throws {
        let root = try HandMadeDataRoot()
        let half = FileSystemSpace(sizeBytes: 1_000_000, availableBytes: 500_000, usedBytes: 500_000)
        #expect(half.usedPercent == 50)
        let calm = try Self.plan(root, filesystem: half) { $0.highWaterPercent = 80 }
        #expect(calm.actions.isEmpty && calm.target?.belowHighWater == true)
        #expect(HumanPlan(plan: calm, exactBytes: false).render().contains("under its high-water mark"))
        let full = try Self.plan(root, filesystem: half) { $0.highWaterPercent = 40 }
        #expect(!full.actions.isEmpty && full.target?.belowHighWater == false)
    }

    @Test func unusedForKeepsWhatWasUsedRecently() throws {
        let root = try HandMadeDataRoot()
        let plan = try Self.plan(root) { $0.unusedForSeconds = 100 * 365 * 86_400 }
        #expect(!plan.actions.contains { $0.kind == .removeContainer || $0.kind == .removeImage })
        #expect(plan.skipped.contains { $0.target == "web" && $0.reason.contains("--unused-for") })
        #expect(plan.actions.allSatisfy { $0.kind != .pruneBuildCache || $0.command.contains("until=876000h") })
    }
}
