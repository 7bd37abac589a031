import FoundationEssentials

/// `dockdu plan --script`: a POSIX shell script to review and run. One command per action, each
/// under a comment with its reason and size; every name and path passed literally.
public struct PlanScript: Sendable {
    public var plan: CleanupPlan

    public init(plan: CleanupPlan) { self.plan = plan }

    public func render() -> String {
        var lines = [
            "#!/bin/sh",
            "# dockdu cleanup plan for \(comment(Array(plan.dataRoot.utf8))), made \(plan.generatedAt).",
            "# A dry run: dockdu removed nothing. Review every line, then run it with: sh FILE",
            "# Sizes: \(plan.sizeMode == .disk ? "disk (allocated blocks, as du -sx)" : "apparent (st_size, as docker system df)").",
            "# Reclaimable: \(ByteCount.human(plan.reclaimableBytes)) (\(plan.reclaimableBytes) bytes) in \(plan.actions.count) action\(plan.actions.count == 1 ? "" : "s").",
            "# docker commands go to the engine DOCKER_HOST names (default: /var/run/docker.sock).",
            "set -eu",
        ]
        if let target = plan.target, let requested = target.requestedBytes {
            let verdict = target.reached == true ? "reached" : "not reached, \(target.shortBytes ?? 0) bytes short"
            lines.append("# Target: \(comment(Array(target.rule.utf8))): \(requested) bytes to free, \(target.plannedBytes ?? 0) planned, \(verdict); least recently used first.")
        }
        for note in plan.notes {
            lines.append("# Left out: \(comment(Array(note.utf8)))")
        }
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
                "# process (a dockerd on this data root, say) has a file open under it: a layer being",
                "# written right now also looks unowned.",
                ShellQuoting.assignment("dockdu_root", Array(Self.findPattern(plan.dataRootCanonical ?? plan.dataRoot).utf8)),
            ] + Self.insideRootFunction(roots: [plan.dataRootCanonical ?? plan.dataRoot] + plan.linkedFolders + (plan.storeRoots ?? [])) + [
            ] + (plan.storeRoots ?? []).enumerated().map { index, root in
                ShellQuoting.assignment("dockdu_store_root\(index)", Array(Self.findPattern(root).utf8))
            } + [
                "if find /proc/[0-9]*/fd -maxdepth 1 -lname \"$dockdu_root/*\" 2>/dev/null | grep -q .; then",
                "    echo 'dockdu plan: files under the data root are open (is dockerd running?); orphans left in place' >&2",
            ] + (plan.storeRoots ?? []).indices.flatMap { index in [
                "elif find /proc/[0-9]*/fd -maxdepth 1 -lname \"$dockdu_store_root\(index)/*\" 2>/dev/null | grep -q .; then",
                "    echo 'dockdu plan: files under the containerd root are open (is containerd running? stop it first); orphans left in place' >&2",
            ] } + [
                "else",
            ]
            for (index, action) in orphanActions {
                lines += commandLines(index: index, action: action, indent: "    ", guardPaths: true)
            }
            lines.append("fi")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A shell function that refuses, when the script runs, any path that does not resolve (links
    /// and `..` resolved by `realpath -m`) to somewhere strictly under the data root: whatever
    /// the tree held when the plan was made, the script cannot be led outside it.
    /// `roots` are the data root and the targets of its linked top folders.
    static func insideRootFunction(roots: [String]) -> [String] {
        var lines: [String] = []
        for (index, root) in roots.enumerated() {
            lines.append(ShellQuoting.assignment("dockdu_root_real\(index)", Array(root.utf8)))
        }
        let patterns = roots.indices.map { "\"$dockdu_root_real\($0)\"/?*" }.joined(separator: " | ")
        lines += [
            "dockdu_inside_root() {",
            "    for dockdu_path in \"$@\"; do",
            "        dockdu_real=$(realpath -m -- \"$dockdu_path\") || return 1",
            "        case $dockdu_real in",
            "            \(patterns)) ;;",
            "            *) printf 'dockdu plan: refusing %s: it resolves to %s, outside %s\\n' \"$dockdu_path\" \"$dockdu_real\" \"$dockdu_root_real0\" >&2; return 1 ;;",
            "        esac",
            "    done",
            "}",
        ]
        return lines
    }

    private func commandLines(index: Int, action: PlanAction, indent: String, guardPaths: Bool = false) -> [String] {
        var lines = [
            "\(indent)# \(index + 1). \(action.kind.rawValue) \(comment(targetBytes(action))): \(comment(Array(action.reason.utf8)))",
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
        if guardPaths, let separator = action.command.firstIndex(of: "--") {
            let paths = words[(separator + 1)...].joined(separator: " ")
            lines.append(indent + "if dockdu_inside_root \(paths); then \(words.joined(separator: " ")); fi")
        } else {
            lines.append(indent + words.joined(separator: " "))
        }
        return lines
    }

    /// `path` with the characters `find -lname` treats as a pattern escaped.
    static func findPattern(_ path: String) -> String {
        var result = ""
        for character in path {
            if "*?[]\\".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    private func targetBytes(_ action: PlanAction) -> [UInt8] {
        action.targetBase64.flatMap { Data(base64Encoded: $0) }.map(Array.init) ?? Array(action.target.utf8)
    }

    /// Text for a comment: escaped so no newline or control byte can end the comment early, and
    /// anything past ASCII spelled out, so the script stays plain ASCII.
    private func comment(_ bytes: [UInt8]) -> String {
        var result = ""
        for scalar in TerminalEscaping.escape(bytes).unicodeScalars {
            if scalar.isASCII {
                result.unicodeScalars.append(scalar)
            } else {
                result += "\\u{" + String(scalar.value, radix: 16) + "}"
            }
        }
        return result
    }
}
