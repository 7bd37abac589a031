/// The plan as a whole: one planning run, or, with `--free` and `--until-free`, the least recently
/// used removals re-planned one more at a time until the target is met; `--high-water` first.
extension CleanupPlanner {
    public func plan(files: DataRootFiles?) -> CleanupPlan {
        let report = scan.report(dataRoot: dataRoot, mode: mode)
        let lastUse = Self.lastUses(report)
        var target: PlanTarget?
        if let highWater = policy.highWaterPercent, let filesystem {
            target = PlanTarget(rule: "--high-water \(Self.percent(highWater))", filesystem: filesystem)
            target?.highWaterPercent = highWater
            if filesystem.usedPercent < highWater {
                // Below the high-water mark: nothing to do tonight.
                target?.belowHighWater = true
                return document(PlanState(planner: self, lastUse: lastUse, selection: []), report: report, target: target)
            }
            target?.belowHighWater = false
        }
        let full = run(report: report, lastUse: lastUse, selection: nil, files: files)
        guard let wanted = targetBytes else { return document(full, report: report, target: target) }
        var goal = target ?? PlanTarget(rule: "", filesystem: filesystem)
        goal.rule = policy.freeBytes.map { "--free \(ByteCount.human($0))" } ?? "--until-free \(Self.percent(policy.untilFreePercent ?? 0))"
        goal.requestedBytes = wanted
        // Least recently used first; at equal age the removal that frees more first; then by
        // key, so the order never depends on a dictionary's.
        let units = full.actions.indices.filter { !full.actions[$0].advisory }.map { index in
            (key: full.keys[index], lastUsed: full.lastUses[index], bytes: full.actions[index].reclaimableBytes)
        }.sorted { ($0.lastUsed ?? .min, -$0.bytes, $0.key) < ($1.lastUsed ?? .min, -$1.bytes, $1.key) }
        goal.candidates = units.count
        var chosen = Set<String>()
        var state = PlanState(planner: self, lastUse: lastUse, selection: [])
        if wanted > 0 {
            for unit in units {
                chosen.insert(unit.key)
                state = run(report: report, lastUse: lastUse, selection: chosen, files: files)
                if state.freedBytes >= wanted { break }
            }
        }
        let short = max(0, wanted - state.freedBytes)
        goal.plannedBytes = state.freedBytes
        goal.reached = short == 0
        goal.shortBytes = short
        if short > 0 {
            state.notes.append("The target cannot be reached with what the policy allows: every allowed removal together frees \(ByteCount.human(state.freedBytes)) (\(state.freedBytes) bytes), \(ByteCount.human(short)) (\(short) bytes) short of \(ByteCount.human(wanted)). Allow more (--all-images, --volumes, --all-build-cache) or free space elsewhere.")
        }
        return document(state, report: report, target: goal)
    }

    /// Bytes `--free` or `--until-free` asks for; nil without either.
    var targetBytes: Int64? {
        if let freeBytes = policy.freeBytes { return freeBytes }
        if let percent = policy.untilFreePercent, let filesystem { return filesystem.bytesToFree(untilAvailable: percent) }
        return nil
    }

    func run(report: Report, lastUse: [String: Int64], selection: Set<String>?, files: DataRootFiles?) -> PlanState {
        var state = PlanState(planner: self, lastUse: lastUse, selection: selection)
        state.proposeContainers()
        // Advice is not a removal: a plan that reaches a target leaves it out.
        if selection == nil { state.proposeLogTruncations(files: files) }
        state.proposeVolumes()
        state.proposeImages()
        state.proposeBuildCache(report.buildCache)
        state.proposeOrphans(files: files)
        return state
    }

    func document(_ state: PlanState, report: Report, target: PlanTarget?) -> CleanupPlan {
        var plan = CleanupPlan(
            schemaVersion: CleanupPlan.currentSchemaVersion, dataRoot: dataRoot, dataRootCanonical: canonicalRoot, sizeMode: mode, dryRun: true,
            generatedAt: scan.generatedAt, reclaimableBytes: state.actions.sumOfBytes(\.reclaimableBytes),
            actions: state.actions, skipped: state.skipped, policy: policy, warnings: report.warnings, notes: state.notes, linkedFolders: scan.model.linkedFolders.map(\.target),
            storeRoots: scan.model.containerd.map { [PathFunctions.canonical($0.root) ?? $0.root] })
        plan.target = target
        return plan
    }

    /// Last use in seconds by selection key, from the report's figures.
    static func lastUses(_ report: Report) -> [String: Int64] {
        var uses: [String: Int64] = [:]
        for image in report.images { uses["image:" + image.id] = image.lastUsedAt.flatMap(Timestamp.parse) }
        for container in report.containers { uses["container:" + container.id] = container.lastUsedAt.flatMap(Timestamp.parse) }
        for volume in report.volumes { uses["volume:" + volume.name] = volume.lastUsedAt.flatMap(Timestamp.parse) }
        return uses
    }

    static func percent(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))%" : "\(value)%"
    }
}
