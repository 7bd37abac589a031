import FoundationEssentials

/// `dockdu plan --script`: a POSIX shell script to review and run. One command per action, each
/// under a comment with its reason and size; every name and path passed literally.
public struct PlanScript: Sendable {
    public var plan: CleanupPlan

    public init(plan: CleanupPlan) { self.plan = plan }

    public func render() -> String {
        var lines = [
            "#!/bin/sh",
            "# dockdu cleanup plan for \(comment(plan.dataRoot)), made \(plan.generatedAt).",
            "# A dry run: dockdu removed nothing. Review every line, then run it with: sh FILE",
            "# Sizes: \(plan.sizeMode == .disk ? "disk (allocated blocks, as du -sx)" : "apparent (st_size, as docker system df)").",
            "# Reclaimable: \(ByteCount.human(plan.reclaimableBytes)) (\(plan.reclaimableBytes) bytes) in \(plan.actions.count) action\(plan.actions.count == 1 ? "" : "s").",
            "# docker commands go to the engine DOCKER_HOST names (default: /var/run/docker.sock).",
            "set -eu",
        ]
        if plan.actions.isEmpty {
            lines += ["", "# Nothing to do."]
        }
        let engineActions = plan.actions.enumerated().filter { $0.element.kind != .removeOrphan }
        let orphanActions = plan.actions.enumerated().filter { $0.element.kind == .removeOrphan }
        for (index, action) in engineActions {
            lines.append("")
            lines += commandLines(index: index, action: action, indent: "")
        }
        if !orphanActions.isEmpty {
            lines += [
                "",
                "# Orphans are invisible to the engine, so they are removed by path, and only while no",
                "# dockerd runs: a layer the engine is writing right now also looks unowned.",
                "dockdu_dockerd_running() {",
                "    for dockdu_comm in /proc/[0-9]*/comm; do",
                "        [ \"$(cat \"$dockdu_comm\" 2>/dev/null)\" = dockerd ] && return 0",
                "    done",
                "    return 1",
                "}",
                "if dockdu_dockerd_running; then",
                "    echo 'dockdu plan: dockerd is running; orphans left in place (stop it, then run this again)' >&2",
                "else",
            ]
            for (index, action) in orphanActions {
                lines += commandLines(index: index, action: action, indent: "    ")
            }
            lines.append("fi")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private func commandLines(index: Int, action: PlanAction, indent: String) -> [String] {
        var lines = [
            "\(indent)# \(index + 1). \(action.kind.rawValue) \(comment(action.target)): \(comment(action.reason))",
            "\(indent)#    frees \(ByteCount.human(action.reclaimableBytes)) (\(action.reclaimableBytes) bytes)\(action.advisory ? ", advisory" : "")",
        ]
        var words: [String] = []
        let arguments = action.commandBase64.map { $0.map { Data(base64Encoded: $0).map { Array($0) } ?? [] } }
            ?? action.command.map { Array($0.utf8) }
        for (position, argument) in arguments.enumerated() {
            if let quoted = ShellQuoting.singleQuoted(argument) {
                words.append(quoted)
            } else {
                let variable = "dockdu_arg\(index + 1)_\(position)"
                lines.append(indent + ShellQuoting.assignment(variable, argument))
                words.append("\"$\(variable)\"")
            }
        }
        lines.append(indent + words.joined(separator: " "))
        return lines
    }

    /// Text for a comment: escaped so no newline or control byte can end the comment early.
    private func comment(_ text: String) -> String { TerminalEscaping.escape(text) }
}
