/// Shell completion scripts for `dockdu`, made from ``OptionTable/all`` and ``Command``, so they
/// offer exactly what the parser accepts: the commands, each command's options (global ones
/// included), and a value for an option that takes one — directories for a `DIR`, files for a
/// `FILE`, the choices of `--format`, nothing for values a person makes up (a `DURATION`, `SIZE`,
/// `PATTERN`, label or count).
///
/// Options before the command (`dockdu --json report`) parse, but only bash's script looks past
/// them to find the command; zsh and fish offer the global options there, as `dockdu --help` lists.
public enum ShellCompletions {
    /// A shell `dockdu completions` can write a script for.
    public enum Shell: String, CaseIterable, Sendable {
        case bash, zsh, fish
    }

    /// The completion script for `shell`, ending in a newline: what `dockdu completions SHELL`
    /// prints, to be installed where the shell looks for completions (or sourced).
    public static func script(for shell: Shell) -> String {
        script(for: shell, options: OptionTable.all, commands: Command.allCases)
    }

    /// The script for a table of options and commands other than dockdu's own, so tests can give
    /// it names and help text that need quoting.
    static func script(for shell: Shell, options: [OptionSpec], commands: [Command]) -> String {
        let table = CompletionTable(options: options, commands: commands)
        let lines: [String]
        switch shell {
        case .bash: lines = table.bashLines()
        case .zsh: lines = table.zshLines()
        case .fish: lines = table.fishLines()
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The values of options that take one of a fixed set, by long name. The option table says
    /// them only in help text, so they are listed here (and the tests hold them to the parser).
    static let choicesByOption: [String: [String]] = ["format": ["table", "json", "prometheus", "html"]]

    /// What a shell offers for an option's value: decided by ``choicesByOption``, else by its
    /// ``OptionSpec/valueName``.
    enum ValueCompletion: Equatable {
        /// `DIR`: directory names.
        case directories
        /// `FILE`, or a file name such as `OLD.json`: file names.
        case files
        /// One of these words.
        case choices([String])
        /// Anything else (`DURATION`, `SIZE`, `PATTERN`, `KEY[=VALUE]`, `N`): nothing to offer.
        case nothing

        init(_ option: OptionSpec) {
            if let choices = ShellCompletions.choicesByOption[option.long] {
                self = .choices(choices)
            } else if option.valueName == "DIR" {
                self = .directories
            } else if let name = option.valueName, name == "FILE" || name.contains(".") {
                self = .files
            } else {
                self = .nothing
            }
        }
    }

    static func header(_ shell: Shell) -> [String] {
        [
            "# \(shell.rawValue) completion for dockdu. Made by dockdu from its option table: do not edit;",
            "# run `dockdu completions \(shell.rawValue)` to write it again.",
        ]
    }
}

/// The options and commands a script is made from.
private struct CompletionTable {
    var options: [OptionSpec]
    var commands: [Command]

    var globalOptions: [OptionSpec] { options.filter { $0.scope == .global } }

    /// The options `command` accepts, global ones last, in table order.
    func options(for command: Command) -> [OptionSpec] {
        options.filter { $0.scope != .global && $0.applies(to: command) } + globalOptions
    }

    /// The commands that accept `option`, in ``Command`` order.
    func commands(accepting option: OptionSpec) -> [Command] {
        commands.filter(option.applies(to:))
    }
}

// MARK: - bash

extension CompletionTable {
    /// A `_dockdu` function for `complete -F`. It reads the words before the cursor to find the
    /// command and the options already given (skipping option values, and `=` where
    /// `COMP_WORDBREAKS` split `--root=DIR`), then offers a value, an option or a command. It needs
    /// nothing from the bash-completion package.
    func bashLines() -> [String] {
        let valued = options.filter(\.takesValue)
        var lines = ShellCompletions.header(.bash) + [
            "",
            "_dockdu() {",
            "    local cur=${COMP_WORDS[COMP_CWORD]} prev= word command= given=' ' i skip=0 ended=0",
            "    if ((COMP_CWORD > 0)); then prev=${COMP_WORDS[COMP_CWORD - 1]}; fi",
            "    COMPREPLY=()",
            "",
            "    # The command and the options given so far.",
            "    for ((i = 1; i < COMP_CWORD; i++)); do",
            "        word=${COMP_WORDS[i]}",
            "        if ((skip)); then",
            "            # An option's value; COMP_WORDBREAKS may have split --root=DIR into --root, =, DIR.",
            "            [[ $word == = ]] || skip=0",
            "            continue",
            "        fi",
            "        if ((!ended)); then",
            "            case $word in",
            "            --) ended=1; continue ;;",
        ]
        if !valued.isEmpty {
            lines.append("            \(bashPattern(valued))) given+=\"$word \"; skip=1; continue ;;")
        }
        for option in options where option.short != nil {
            lines.append(
                "            \(bashWord("-" + String(option.short ?? "-")))) given+=\(bashWord("--" + option.long + " "));"
                    + (option.takesValue ? " skip=1;" : "") + " continue ;;")
        }
        lines += [
            "            -?*) given+=\"${word%%=*} \"; continue ;;",
            "            esac",
            "        fi",
            "        [[ -n $command ]] || command=$word",
            "    done",
            "",
            "    # A value: --root DIR, or --root=DIR split at = or not.",
            "    local option=$prev value=$cur prefix=",
            "    case $cur in",
            "    --*=*) option=${cur%%=*} value=${cur#*=} prefix=${cur%%=*}= ;;",
            "    =) value= ;;",
            "    *) if [[ $prev == = ]] && ((COMP_CWORD > 1)); then option=${COMP_WORDS[COMP_CWORD - 2]}; fi ;;",
            "    esac",
            "    if ((!ended)); then",
            "        case $option in",
        ]
        let kinds = valued.map { (option: $0, kind: ShellCompletions.ValueCompletion($0)) }
        let directories = kinds.filter { $0.kind == .directories }.map(\.option)
        let files = kinds.filter { $0.kind == .files }.map(\.option)
        let nothing = kinds.filter { $0.kind == .nothing }.map(\.option)
        for (names, generator) in [(directories, "compgen -d"), (files, "compgen -f")] where !names.isEmpty {
            lines += [
                "        \(bashPattern(names)))",
                "            [[ -n $prefix ]] || compopt -o filenames 2>/dev/null",
                "            mapfile -t COMPREPLY < <(\(generator) -- \"$value\")",
                "            COMPREPLY=(\"${COMPREPLY[@]/#/$prefix}\")",
                "            return 0 ;;",
            ]
        }
        for (option, kind) in kinds {
            guard case .choices(let choices) = kind else { continue }
            lines += [
                "        \(bashPattern([option])))",
                "            for candidate in \(choices.map(bashWord).joined(separator: " ")); do",
                "                [[ $candidate != \"$value\"* ]] || COMPREPLY+=(\"$prefix$candidate\")",
                "            done",
                "            return 0 ;;",
            ]
        }
        if !nothing.isEmpty {
            lines += [
                "        # Values a person makes up: nothing to offer.",
                "        \(bashPattern(nothing))) return 0 ;;",
            ]
        }
        lines += [
            "        esac",
            "    fi",
            "    if [[ $cur == = || $cur == --*=* ]]; then return 0; fi",
            "",
            "    # Options: every option the command accepts but those given already, unless repeatable.",
            "    local once=() many=() candidate",
            "    case $command in",
        ]
        let commandCases: [(pattern: String, options: [OptionSpec])] =
            [("''", globalOptions)] + commands.map { (bashWord($0.rawValue), options(for: $0)) }
        for (pattern, accepted) in commandCases {
            let once = accepted.filter { !$0.isRepeatable }.map { bashWord("--" + $0.long) }
            let many = accepted.filter(\.isRepeatable).map { bashWord("--" + $0.long) }
            lines.append(
                "    \(pattern)) once=(\(once.joined(separator: " "))) many=(\(many.joined(separator: " "))) ;;")
        }
        lines += [
            "    *) return 0 ;;",
            "    esac",
            "    if [[ $cur == -* || ( -n $command && -z $cur ) ]] && ((!ended)); then",
            "        for candidate in \"${once[@]}\"; do",
            "            [[ $given == *\" $candidate \"* || $candidate != \"$cur\"* ]] || COMPREPLY+=(\"$candidate\")",
            "        done",
            "        for candidate in \"${many[@]}\"; do",
            "            [[ $candidate != \"$cur\"* ]] || COMPREPLY+=(\"$candidate\")",
            "        done",
            "    elif [[ -z $command ]]; then",
            "        for candidate in \(commands.map { bashWord($0.rawValue) }.joined(separator: " ")); do",
            "            [[ $candidate != \"$cur\"* ]] || COMPREPLY+=(\"$candidate\")",
            "        done",
            "    fi",
            "    return 0",
            "}",
            "",
            "complete -F _dockdu dockdu",
        ]
        return lines
    }

    /// `--root|--keep`: a `case` pattern matching the long and short spellings of `options`.
    private func bashPattern(_ options: [OptionSpec]) -> String {
        options.flatMap { option in
            ["--" + option.long] + (option.short.map { ["-" + String($0)] } ?? [])
        }.map(bashWord).joined(separator: "|")
    }

    /// A word bash reads literally, in a `case` pattern too: as it is when it is made of letters,
    /// digits and `-_.=+@%/,:`, else in single quotes.
    private func bashWord(_ word: String) -> String {
        let plain = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.=+@%/,:")
        if !word.isEmpty && word.allSatisfy(plain.contains) {
            return word
        }
        return "'" + word.replacing("'", with: "'\\''") + "'"
    }
}

// MARK: - zsh

extension CompletionTable {
    /// A `#compdef` function for zsh's completion system: `_arguments` with a state for the
    /// command, then `_arguments` again with that command's options. Works both from a directory
    /// in `$fpath` and sourced after `compinit`.
    func zshLines() -> [String] {
        var lines = ["#compdef dockdu"] + ShellCompletions.header(.zsh) + [
            "",
            "_dockdu() {",
            "    local curcontext=$curcontext state state_descr line ret=1",
            "    typeset -A opt_args",
            "",
            "    _arguments -C -s -S \\",
        ]
        lines += globalOptions.map { "        " + zshSpec($0) + " \\" }
        lines += [
            "        '1: :_dockdu_commands' \\",
            "        '*:: :->command' && ret=0",
            "",
            "    case $state in",
            "    (command)",
            "        curcontext=${curcontext%:*:*}:dockdu-$words[1]:",
            "        case $words[1] in",
        ]
        for command in commands {
            lines.append("        (\(zshQuoted(command.rawValue)))")
            lines.append("            _arguments -s -S \\")
            lines += options(for: command).map { "                " + zshSpec($0) + " \\" }
            lines.append("                && ret=0 ;;")
        }
        lines += [
            "        esac ;;",
            "    esac",
            "    return ret",
            "}",
            "",
            "_dockdu_commands() {",
            "    local -a commands=(",
        ]
        lines += commands.map { "        " + zshQuoted(zshEscaped($0.rawValue, brackets: false) + ":" + zshEscaped($0.summary, brackets: false)) }
        lines += [
            "    )",
            "    _describe -t commands 'dockdu command' commands",
            "}",
            "",
            "if [[ $funcstack[1] == _dockdu ]]; then",
            "    _dockdu \"$@\"",
            "else",
            "    compdef _dockdu dockdu",
            "fi",
        ]
        return lines
    }

    /// One `_arguments` spec: `'--root=[help]:DIR:_directories'`, `'*--keep=[help]:PATTERN: '`,
    /// `'--format=[help]:FORMAT:(table json prometheus html)'`,
    /// `'(-q --quiet)'{-q,--quiet}'[help]'`; `--help` and `--version` end the completion.
    private func zshSpec(_ option: OptionSpec) -> String {
        let spellings = ["--" + option.long] + (option.short.map { ["-" + String($0)] } ?? [])
        let excluded: String
        if option.scope == .global {
            excluded = "(- *)"
        } else if spellings.count > 1 && !option.isRepeatable {
            excluded = "(" + spellings.joined(separator: " ") + ")"
        } else {
            excluded = ""
        }
        var tail = "[" + zshEscaped(option.help) + "]"
        if let valueName = option.valueName {
            let action = switch ShellCompletions.ValueCompletion(option) {
            case .directories: "_directories"
            case .files: "_files"
            case .choices(let choices): "(" + choices.map { zshEscaped($0) }.joined(separator: " ") + ")"
            case .nothing: " "
            }
            tail += ":" + zshEscaped(valueName, brackets: false) + ":" + action
        }
        let prefix = excluded + (option.isRepeatable ? "*" : "")
        let names = spellings.map { $0 + (option.takesValue ? "=" : "") }
        if names.count == 1 {
            return zshQuoted(prefix + names[0] + tail)
        }
        let braced = "{" + names.map(zshQuoted).joined(separator: ",") + "}"
        return (prefix.isEmpty ? "" : zshQuoted(prefix)) + braced + zshQuoted(tail)
    }

    /// Text for an `_arguments` option description (`brackets`) or message, or a `_describe`
    /// entry: `\`, `:` (and `[`, `]` in a description) escaped with a backslash.
    private func zshEscaped(_ text: String, brackets: Bool = true) -> String {
        let special: Set<Character> = brackets ? ["\\", ":", "[", "]"] : ["\\", ":"]
        var result = ""
        for character in text {
            if special.contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// `'text'`, with `'` written as `'\''`.
    private func zshQuoted(_ text: String) -> String {
        "'" + text.replacing("'", with: "'\\''") + "'"
    }
}

// MARK: - fish

extension CompletionTable {
    /// `complete` commands: the commands until one is given, then each option under the commands
    /// that accept it; file names only for a `FILE`, directories for a `DIR`.
    func fishLines() -> [String] {
        var lines = ShellCompletions.header(.fish) + ["", "complete -c dockdu -f"]
        for command in commands {
            lines.append(
                "complete -c dockdu -n __fish_use_subcommand -a \(fishQuoted(command.rawValue)) -d \(fishQuoted(command.summary))")
        }
        for option in options {
            var words = ["complete", "-c", "dockdu"]
            if option.scope != .global {
                let accepting = commands(accepting: option).map(\.rawValue).joined(separator: " ")
                words += ["-n", fishQuoted("__fish_seen_subcommand_from " + accepting)]
            }
            if let short = option.short {
                words += ["-s", fishQuoted(String(short))]
            }
            words += ["-l", fishQuoted(option.long)]
            switch option.takesValue ? ShellCompletions.ValueCompletion(option) : nil {
            case .directories: words += ["-x", "-a", "'(__fish_complete_directories)'"]
            case .files: words += ["-r", "-F"]
            case .choices(let choices): words += ["-x", "-a", fishQuoted(choices.joined(separator: " "))]
            case .nothing: words.append("-x")
            case nil: break
            }
            words += ["-d", fishQuoted(option.help)]
            lines.append(words.joined(separator: " "))
        }
        return lines
    }

    /// `'text'`, with `\` and `'` escaped by a backslash as fish's single quotes want.
    private func fishQuoted(_ text: String) -> String {
        "'" + text.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}
