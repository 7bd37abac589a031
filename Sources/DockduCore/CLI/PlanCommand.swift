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
        policy.allBuildCache = arguments.flag("all-build-cache")
        var types: [String] = []
        for type in arguments.values("build-cache-type") where !types.contains(type) {
            guard BuildCacheRecord.Kind.known.contains(BuildCacheRecord.Kind(rawValue: type)) else {
                let known = BuildCacheRecord.Kind.known.map(\.rawValue).joined(separator: ", ")
                return .failure(ArgumentMessage("--build-cache-type: unknown type '\(type)' (one of \(known))"))
            }
            types.append(type)
        }
        policy.buildCacheTypes = types
        policy.volumes = arguments.flag("all-volumes") ? .all : arguments.flag("volumes") ? .anonymous : .none
        policy.orphans = !arguments.flag("no-orphans")
        switch arguments.duration("orphan-min-age", like: "30m, 1h or 7d") {
        case .success(let seconds): if let seconds { policy.orphanMinAgeSeconds = seconds }
        case .failure(let message): return .failure(message)
        }
        switch arguments.duration("older-than", like: "12h or 7d") {
        case .success(let seconds): if let seconds { policy.olderThanSeconds = seconds }
        case .failure(let message): return .failure(message)
        }
        switch arguments.duration("unused-for", like: "30d or 12h") {
        case .success(let seconds): if let seconds { policy.unusedForSeconds = seconds }
        case .failure(let message): return .failure(message)
        }
        switch arguments.size("free", like: "20G or 500M") {
        case .success(let bytes): if let bytes { policy.freeBytes = bytes }
        case .failure(let message): return .failure(message)
        }
        for name in ["until-free", "high-water"] {
            guard let text = arguments.value(name) else { continue }
            guard let percent = Self.percent(text) else {
                return .failure(ArgumentMessage("--\(name): '\(text)' is not a percentage from 1 to 100 (20% or 20)"))
            }
            if name == "until-free" { policy.untilFreePercent = percent } else { policy.highWaterPercent = percent }
        }
        if policy.freeBytes != nil && policy.untilFreePercent != nil {
            return .failure(ArgumentMessage("--free and --until-free set the same target; give one of them"))
        }
        switch arguments.size("log-threshold", like: "500M or 2G") {
        case .success(let bytes): if let bytes { policy.logThresholdBytes = bytes == 0 ? nil : bytes }
        case .failure(let message): return .failure(message)
        }
        policy.keep = arguments.values("keep")
        policy.labels = arguments.values("label")
        policy.notLabels = arguments.values("label!")
        return .success(policy)
    }

    func run() -> ExitStatus {
        let policy: PlanPolicy
        let cacheMaxAgeSeconds: Int64
        switch self.policy().flatMap({ policy in arguments.cacheMaxAgeSeconds().map { (policy, $0) } }) {
        case .success(let value): (policy, cacheMaxAgeSeconds) = value
        case .failure(let message):
            CommandLineTool.printError("\(TerminalEscaping.escape(message.text))\n\(OptionTable.usage(for: .plan))")
            return .usage
        }
        let dataRoot: String
        switch CommandLineTool.dataRoot(arguments) {
        case .success(let root): dataRoot = root
        case .failure(let error):
            CommandLineTool.printError(error.description)
            return .configuration
        }
        let mode: SizeMode = arguments.flag("apparent-size") ? .apparent : .disk
        let result: DataRootScan.Result
        switch CommandLineTool.scan(arguments, dataRoot: dataRoot, cacheMaxAgeSeconds: cacheMaxAgeSeconds) {
        case .success(let scanned): result = scanned
        case .failure(let failure): return failure.status
        }
        var filesystem: FileSystemSpace?
        if policy.untilFreePercent != nil || policy.highWaterPercent != nil {
            do {
                filesystem = try FileSystemSpace.of(path: dataRoot)
            } catch {
                CommandLineTool.printError("cannot tell how full the file system of \(TerminalEscaping.escape(dataRoot)) is (statvfs: \(error))")
                return .ioError
            }
        }
        let plan: CleanupPlan
        do {
            plan = try FileDescriptor.openDirectory(atPath: dataRoot).closeAfter { root throws(Errno) in
                CleanupPlanner(
                    scan: result, policy: policy, dataRoot: dataRoot, mode: mode, now: ProcessEnvironment.unixTime,
                    mountPoints: PathFunctions.mountPoints(), canonicalRoot: PathFunctions.canonical(dataRoot) ?? dataRoot,
                    filesystem: filesystem
                ).plan(files: result.files(root: root))
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
            output = Array(HumanPlan(plan: plan, exactBytes: arguments.flag("bytes"), width: CommandLineTool.outputWidth).render().utf8)
        }
        if let failure = CommandLineTool.deliver(output, arguments: arguments, dataRoot: dataRoot) { return failure }
        return result.isPartial ? .partial : .success
    }
}

/// A usage problem found after parsing (a value that does not parse).
extension PlanCommand {
    /// `20%` or `20`, more than 0 and at most 100.
    static func percent(_ text: String) -> Double? {
        let number = text.hasSuffix("%") ? String(text.dropLast()) : text
        guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
              let value = Double(number), value > 0, value <= 100
        else { return nil }
        return value
    }
}

struct ArgumentMessage: Error {
    var text: String
    init(_ text: String) { self.text = text }
}
