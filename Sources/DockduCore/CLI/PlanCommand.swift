/// `dockdu plan`: scan, work out a clean-up under the policy the options set, print it as a
/// table, a script or JSON. Nothing is ever removed.
struct PlanCommand {
    var arguments: ParsedArguments

    /// The policy from the options; a usage error message when a value does not parse.
    func policy() -> Result<PlanPolicy, ArgumentMessage> {
        var policy = PlanPolicy()
        policy.stoppedContainers = !arguments.flag("no-containers")
        policy.images = arguments.flag("no-images") ? .none : arguments.flag("all-images") ? .all : .dangling
        policy.buildCache = !arguments.flag("no-build-cache")
        policy.volumes = arguments.flag("all-volumes") ? .all : arguments.flag("volumes") ? .anonymous : .none
        policy.orphans = !arguments.flag("no-orphans")
        if let text = arguments.value("orphan-min-age") {
            guard let seconds = Duration.parse(text) else { return .failure(ArgumentMessage("--orphan-min-age takes a duration like 30m, 1h or 7d, not '\(text)'")) }
            policy.orphanMinAgeSeconds = seconds
        }
        if let text = arguments.value("older-than") {
            guard let seconds = Duration.parse(text) else { return .failure(ArgumentMessage("--older-than takes a duration like 12h or 7d, not '\(text)'")) }
            policy.olderThanSeconds = seconds
        }
        if let text = arguments.value("log-threshold") {
            guard let bytes = SizeArgument.parse(text) else { return .failure(ArgumentMessage("--log-threshold takes a size like 500M or 2G, not '\(text)'")) }
            policy.logThresholdBytes = bytes == 0 ? nil : bytes
        }
        policy.keep = arguments.values("keep")
        policy.labels = arguments.values("label")
        policy.notLabels = arguments.values("label!")
        return .success(policy)
    }

    func run() -> ExitStatus {
        let policy: PlanPolicy
        switch self.policy() {
        case .success(let value): policy = value
        case .failure(let message):
            CommandLineTool.printError("\(TerminalEscaping.escape(message.text))\n\(OptionTable.usage(for: .plan))")
            return .usage
        }
        let dataRoot = CommandLineTool.dataRoot(arguments)
        let mode: SizeMode = arguments.flag("apparent-size") ? .apparent : .disk
        let result: DataRootScan.Result
        switch CommandLineTool.scan(arguments, dataRoot: dataRoot) {
        case .success(let scanned): result = scanned
        case .failure(let failure): return failure.status
        }
        let plan: CleanupPlan
        do {
            plan = try FileDescriptor.openDirectory(atPath: dataRoot).closeAfter { root throws(Errno) in
                CleanupPlanner(
                    scan: result, policy: policy, dataRoot: dataRoot, mode: mode, now: ProcessEnvironment.unixTime,
                    mountPoints: PathFunctions.mountPoints(), canonicalRoot: PathFunctions.canonical(dataRoot) ?? dataRoot
                ).plan(files: DataRootFiles(root: root))
            }
        } catch {
            let scanError = ScanError(path: dataRoot, errno: error)
            CommandLineTool.printError(scanError.message)
            return ExitStatus(scanError)
        }
        let output: [UInt8]
        if arguments.flag("json") {
            do {
                output = try JSONRendering.render(plan)
            } catch {
                CommandLineTool.printError("cannot encode the plan: \(error)")
                return .software
            }
        } else if arguments.flag("script") {
            output = Array(PlanScript(plan: plan).render().utf8)
        } else {
            output = Array(HumanPlan(plan: plan, exactBytes: arguments.flag("bytes")).render().utf8)
        }
        if let failure = CommandLineTool.deliver(output, arguments: arguments, dataRoot: dataRoot) { return failure }
        return result.isPartial ? .partial : .success
    }
}

/// A usage problem found after parsing (a value that does not parse).
struct ArgumentMessage: Error {
    var text: String
    init(_ text: String) { self.text = text }
}
