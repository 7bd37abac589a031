/// `dockdu why TARGET...`: what owns each target, printed one screen per target or as JSON.
/// Exit 1 when any target is unknown (the others are still answered).
struct WhyCommand {
    var arguments: ParsedArguments

    func run() -> ExitStatus {
        guard !arguments.operands.isEmpty else {
            CommandLineTool.printError("why needs at least one TARGET: a path, an overlay2 directory or l/ link name, an ID or a name\n\(OptionTable.usage(for: .why))")
            return .usage
        }
        let dataRoot: String
        switch CommandLineTool.dataRoot(arguments) {
        case .success(let root): dataRoot = root
        case .failure(let error):
            CommandLineTool.printError(error.description)
            return .configuration
        }
        let workers = CommandLineTool.workerCount(ProcessEnvironment.variable("DOCKDU_WORKERS"), processors: ProcessEnvironment.processorCount)
        if let warning = workers.warning { CommandLineTool.printError(warning) }
        var why = Why(dataRoot: dataRoot, workerCount: workers.count)
        why.stores = CommandLineTool.storeOptions(arguments)
        let document: WhyDocument
        do throws(ScanError) {
            document = try why.answer(arguments.operands, generatedAt: Timestamp.iso8601(ProcessEnvironment.unixTime))
        } catch {
            CommandLineTool.printError(error.message)
            return ExitStatus(error)
        }
        for problem in document.unknownTargets { CommandLineTool.printError(problem.message) }
        let output: [UInt8]
        if arguments.flag("json") {
            do {
                output = try JSONRendering.render(document)
            } catch {
                CommandLineTool.printError("cannot encode the answer: \(error)")
                return .software
            }
        } else {
            output = Array(HumanWhy(document: document, exactBytes: arguments.flag("bytes"), width: CommandLineTool.outputWidth).render().utf8)
        }
        if let failure = CommandLineTool.deliver(output, arguments: arguments, dataRoot: dataRoot) { return failure }
        return document.unknownTargets.isEmpty ? .success : .partial
    }
}
