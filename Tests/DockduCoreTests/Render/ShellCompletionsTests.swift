import Foundation
import Testing

@testable import DockduCore

/// The completion scripts: made from the option table (every command offers exactly its options),
/// and run for real in bash, zsh and fish, whose answers are checked.
@Suite struct ShellCompletionsTests {
    /// The long names `command` accepts, as the parser sees them.
    static func accepted(by command: Command) -> Set<String> {
        Set(OptionTable.options(for: command).map(\.long))
    }

    // MARK: The scripts follow the table

    @Test(arguments: ShellCompletions.Shell.allCases)
    func eachCommandOffersExactlyItsOptions(shell: ShellCompletions.Shell) {
        let script = ShellCompletions.script(for: shell)
        for command in Command.allCases {
            #expect(Self.offered(in: script, shell: shell, command: command) == Self.accepted(by: command), "\(shell) \(command)")
        }
    }

    @Test(arguments: ShellCompletions.Shell.allCases)
    func everyCommandIsOffered(shell: ShellCompletions.Shell) {
        let script = ShellCompletions.script(for: shell)
        for command in Command.allCases {
            let offer = switch shell {
            case .bash: "for candidate in \(Command.allCases.map(\.rawValue).joined(separator: " ")); do"
            case .zsh: "'\(command.rawValue):\(command.summary.replacing("'", with: "'\\''"))'"
            case .fish: "-n __fish_use_subcommand -a '\(command.rawValue)'"
            }
            #expect(script.contains(offer), "\(shell) \(command)")
        }
    }

    /// `DIR` completes directories, `FILE` files, `--format` its choices; `DURATION`, `SIZE`,
    /// `PATTERN`, labels and counts complete nothing.
    @Test func valuesCompleteByKind() throws {
        let zsh = ShellCompletions.script(for: .zsh)
        let fish = ShellCompletions.script(for: .fish).split(separator: "\n")
        var kinds: [ShellCompletions.ValueCompletion] = []
        for option in OptionTable.all {
            guard let valueName = option.valueName else { continue }
            let kind = ShellCompletions.ValueCompletion(option)
            kinds.append(kind)
            let line = try #require(fish.first { $0.contains(" -l '\(option.long)' ") })
            let (zshAction, fishWords) = switch kind {
            case .directories: ("_directories'", " -x -a '(__fish_complete_directories)' ")
            case .files: ("_files'", " -r -F ")
            case .choices(let words): ("(" + words.joined(separator: " ") + ")'", " -x -a '" + words.joined(separator: " ") + "' ")
            case .nothing: (" '", " -x -d ")
            }
            #expect(zsh.contains("--\(option.long)=[") && zsh.contains(":\(valueName):" + zshAction), "\(option.long)")
            #expect(line.contains(fishWords), "\(option.long): \(line)")
        }
        // Every kind is in use, so each branch above is exercised by the real table.
        #expect(kinds.contains(.directories) && kinds.contains(.files) && kinds.contains(.nothing))
        #expect(kinds.contains { if case .choices = $0 { true } else { false } })
    }

    /// The choices the scripts offer are values the parser takes, of options that take a value.
    @Test func choicesAreValuesTheCommandTakes() throws {
        for (long, choices) in ShellCompletions.choicesByOption {
            let option = try #require(OptionTable.option(long: long))
            #expect(option.takesValue)
            for choice in choices {
                #expect(option.help.contains(choice), "--\(long) \(choice)")
            }
        }
        let formats = try #require(ShellCompletions.choicesByOption["format"])
        #expect(formats.allSatisfy { ReportCommand.Format(rawValue: $0) != nil })
    }

    @Test func scriptsSayHowTheyWereMade() {
        for shell in ShellCompletions.Shell.allCases {
            let script = ShellCompletions.script(for: shell)
            #expect(script.contains("dockdu completions \(shell.rawValue)"))
            #expect(script.hasSuffix("\n"))
        }
        #expect(ShellCompletions.script(for: .zsh).hasPrefix("#compdef dockdu\n"))
    }

    // MARK: bash, for real

    /// The words `_dockdu` puts in COMPREPLY for a command line whose last word is being completed,
    /// run in `directory`.
    static func bashCompletions(_ words: [String], in directory: String? = nil, script: String = ShellCompletions.script(for: .bash))
        throws -> [String]
    {
        let tree = try TemporaryTree()
        let path = tree.path + "/dockdu.bash"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let driver = #"""
            source "$1" || exit 100
            shift
            COMP_WORDS=("$@")
            COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
            _dockdu || exit 101
            ((${#COMPREPLY[@]} == 0)) || printf '%s\n' "${COMPREPLY[@]}"
            """#
        let bash = try #require(ExternalCommand.find("bash"))
        let result = try ExternalCommand.run(bash, ["--norc", "--noprofile", "-c", driver, "bash", path] + words, directory: directory)
        #expect(result.status == 0, "\(words): \(result.errors)")
        #expect(result.errors.isEmpty, "\(words): \(result.errors)")
        return result.output.split(separator: "\n").map(String.init)
    }

    @Test func bashCompletesCommands() throws {
        #expect(try Self.bashCompletions(["dockdu", "re"]) == ["report"])
        #expect(try Self.bashCompletions(["dockdu", ""]) == Command.allCases.map(\.rawValue))
        #expect(try Self.bashCompletions(["dockdu", "x"]) == [])
        // Options before the command, and their values, are skipped to find where it goes.
        #expect(try Self.bashCompletions(["dockdu", "--json", "re"]) == ["report"])
        #expect(try Self.bashCompletions(["dockdu", "--root", "/tmp", "pl"]) == ["plan"])
        #expect(try Self.bashCompletions(["dockdu", "--root", "=", "/tmp", "pl"]) == ["plan"])
        #expect(try Self.bashCompletions(["dockdu", "--", "re"]) == ["report"])
    }

    @Test func bashCompletesOptions() throws {
        #expect(try Self.bashCompletions(["dockdu", "report", "--ro"]) == ["--root"])
        #expect(try Self.bashCompletions(["dockdu", "plan", "--all-"]) == ["--all-images", "--all-build-cache", "--all-volumes"])
        #expect(try Self.bashCompletions(["dockdu", "plan", "--label"]) == ["--label", "--label!"])
        #expect(try Self.bashCompletions(["dockdu", "report", "--sc"]) == [], "--script is plan's")
        #expect(try Self.bashCompletions(["dockdu", "-"]) == ["--help", "--version"])
        // Every option of the command, after it (readline sorts them for display).
        for command in Command.allCases {
            let offered = try Self.bashCompletions(["dockdu", command.rawValue, ""])
            #expect(offered.sorted() == OptionTable.options(for: command).map { "--" + $0.long }.sorted())
        }
        // Nothing after an unknown command, or after -- (only operands follow it).
        #expect(try Self.bashCompletions(["dockdu", "bogus", "-"]) == [])
        #expect(try Self.bashCompletions(["dockdu", "report", "--", "-"]) == [])
    }

    @Test func bashOffersAnOptionOnlyOnceUnlessItRepeats() throws {
        let given = try Self.bashCompletions(["dockdu", "report", "--json", "-q", "--root", "/tmp", "--"])
        let rest = OptionTable.options(for: .report).map { "--" + $0.long }.filter { !["--json", "--quiet", "--root"].contains($0) }
        #expect(given.sorted() == rest.sorted())
        #expect(rest.count >= 4)
        let repeated = try Self.bashCompletions(["dockdu", "plan", "--keep", "a", "--older-than=1d", "--label", "x", "--"])
        #expect(repeated.contains("--keep") && repeated.contains("--label") && !repeated.contains("--older-than"))
    }

    @Test func bashCompletesDirectoriesForRoot() throws {
        let tree = try TemporaryTree()
        try tree.directory("alpha")
        try tree.directory("be ta")
        try tree.directory("beta")
        try tree.file("bfile", size: 1)
        // compgen -d lists in directory order; readline sorts for display.
        let complete = { (words: [String]) in try Self.bashCompletions(["dockdu"] + words, in: tree.path).sorted() }
        #expect(try complete(["report", "--root", ""]) == ["alpha", "be ta", "beta"])
        #expect(try complete(["plan", "--root", "b"]) == ["be ta", "beta"])
        // --root=DIR, split at = by COMP_WORDBREAKS (bash's default) or not.
        #expect(try complete(["report", "--root", "="]) == ["alpha", "be ta", "beta"])
        #expect(try complete(["report", "--root", "=", "a"]) == ["alpha"])
        #expect(try complete(["report", "--root=a"]) == ["--root=alpha"])
        #expect(try complete(["report", "--root", tree.path + "/al"]) == [tree.path + "/alpha"])
    }

    @Test func bashCompletesFilesAndChoices() throws {
        let tree = try TemporaryTree()
        try tree.directory("alpha")
        try tree.file("old.json", size: 1)
        let complete = { (words: [String]) in try Self.bashCompletions(["dockdu"] + words, in: tree.path).sorted() }
        #expect(try complete(["report", "--output", ""]) == ["alpha", "old.json"])
        #expect(try complete(["report", "--compare", "o"]) == ["old.json"])
        #expect(try complete(["plan", "--output=o"]) == ["--output=old.json"])
        #expect(try complete(["report", "--format", ""]) == ["html", "json", "prometheus", "table"])
        #expect(try complete(["report", "--format", "p"]) == ["prometheus"])
        #expect(try complete(["report", "--format", "=", "t"]) == ["table"])
        #expect(try complete(["report", "--format=j"]) == ["--format=json"])
    }

    @Test func bashCompletesNothingForMadeUpValues() throws {
        let tree = try TemporaryTree()
        try tree.directory("alpha")
        try tree.file("afile", size: 1)
        for command in Command.allCases {
            for option in OptionTable.options(for: command) where option.takesValue && ShellCompletions.ValueCompletion(option) == .nothing {
                let words = ["dockdu", command.rawValue, "--" + option.long]
                #expect(try Self.bashCompletions(words + [""], in: tree.path) == [], "\(option.long)")
                #expect(try Self.bashCompletions(words + ["=", ""], in: tree.path) == [], "\(option.long)")
            }
        }
    }

    // MARK: zsh and fish, for real when installed

    @Test(.enabled(if: ExternalCommand.find("zsh") != nil, "zsh is not installed (apt-get install zsh)"))
    func zshScriptParses() throws {
        let tree = try TemporaryTree()
        try ShellCompletions.script(for: .zsh).write(toFile: tree.path + "/_dockdu", atomically: true, encoding: .utf8)
        let result = try ExternalCommand.run(try #require(ExternalCommand.find("zsh")), ["-n", tree.path + "/_dockdu"])
        #expect(result.status == 0 && result.errors.isEmpty, "\(result.errors)")
    }

    /// What zsh lists when TAB is pressed after `line`, in an interactive zsh on a terminal (zpty)
    /// whose completion system finds the script in `$fpath`; empty when none of `expected` came.
    static func zshListing(_ line: String, expecting expected: [String], in directory: String) throws -> String {
        let tree = try TemporaryTree()
        try ShellCompletions.script(for: .zsh).write(toFile: tree.path + "/_dockdu", atomically: true, encoding: .utf8)
        let driver = #"""
            zmodload zsh/zpty || exit 100
            zpty z 'zsh -f -i'
            zpty -w z "stty cols 200; PS1='> '; fpath=(${(q)1} \$fpath); autoload -Uz compinit; compinit -u -D; cd ${(q)2}; print RE''ADY"
            out= chunk=
            SECONDS=0
            while [[ $out != *READY* ]] && ((SECONDS < 20)); do zpty -r -t z chunk && out+=$chunk || sleep 0.05; done
            zpty -w -n z "$3"$'\t'
            out=
            while ((SECONDS < 30)); do
                zpty -r -t z chunk && out+=$chunk || sleep 0.05
                done=1
                for pattern in "${@:4}"; do [[ $out == *$pattern* ]] || done=0; done
                ((done)) && break
            done
            zpty -d z
            print -r -- "$out"
            """#
        let zsh = try #require(ExternalCommand.find("zsh"))
        let result = try ExternalCommand.run(zsh, ["-f", "-c", driver, "zsh", tree.path, directory, line] + expected)
        #expect(result.status == 0, "\(result.errors)")
        return result.output
    }

    @Test(.enabled(if: ExternalCommand.find("zsh") != nil, "zsh is not installed (apt-get install zsh)"))
    func zshCompletes() throws {
        let tree = try TemporaryTree()
        try tree.directory("alpha")
        try tree.directory("beta")
        let cases: [(line: String, expected: [String])] = [
            ("dockdu ", ["report", "plan", "Show what a clean-up would remove"]),
            ("dockdu plan --all-", ["--all-images", "--all-build-cache", "--all-volumes", "Propose every image no container uses"]),
            ("dockdu plan --label", ["--label!", "without this label"]),
            ("dockdu report --root ", ["alpha/", "beta/"]),
            ("dockdu report --", ["--apparent-size", "--quiet", "(default: data-root"]),
            ("dockdu report --format ", ["html", "json", "prometheus", "table"]),
        ]
        for (line, expected) in cases {
            let listing = try Self.zshListing(line, expecting: expected, in: tree.path)
            for text in expected {
                #expect(listing.contains(text), "zsh, \(line): no \(text) in \(listing)")
            }
        }
    }

    @Test(.enabled(if: ExternalCommand.find("fish") != nil, "fish is not installed (apt-get install fish)"))
    func fishScriptParses() throws {
        let tree = try TemporaryTree()
        try ShellCompletions.script(for: .fish).write(toFile: tree.path + "/dockdu.fish", atomically: true, encoding: .utf8)
        let result = try ExternalCommand.run(try #require(ExternalCommand.find("fish")), ["--no-config", "-n", tree.path + "/dockdu.fish"])
        #expect(result.status == 0 && result.errors.isEmpty, "\(result.errors)")
    }

    /// The candidates fish gives for `line` (`complete -C`), without their descriptions.
    static func fishCompletions(_ line: String, in directory: String, script: String = ShellCompletions.script(for: .fish)) throws -> [String] {
        let tree = try TemporaryTree()
        try script.write(toFile: tree.path + "/dockdu.fish", atomically: true, encoding: .utf8)
        let fish = try #require(ExternalCommand.find("fish"))
        let result = try ExternalCommand.run(
            fish, ["--no-config", "-c", "source $argv[1]; and complete -C$argv[2]", tree.path + "/dockdu.fish", line], directory: directory)
        #expect(result.status == 0 && result.errors.isEmpty, "\(line): \(result.errors)")
        return result.output.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }
    }

    @Test(.enabled(if: ExternalCommand.find("fish") != nil, "fish is not installed (apt-get install fish)"))
    func fishCompletes() throws {
        let tree = try TemporaryTree()
        try tree.directory("alpha")
        try tree.file("afile", size: 1)
        #expect(try Self.fishCompletions("dockdu re", in: tree.path) == ["report"])
        #expect(try Self.fishCompletions("dockdu report --ro", in: tree.path) == ["--root"])
        #expect(try Self.fishCompletions("dockdu plan --all-", in: tree.path) == ["--all-build-cache", "--all-images", "--all-volumes"])
        #expect(try Self.fishCompletions("dockdu report --sc", in: tree.path) == [])
        #expect(try Self.fishCompletions("dockdu report --root ", in: tree.path) == ["alpha/"])
        #expect(try Self.fishCompletions("dockdu plan --older-than ", in: tree.path) == [])
        #expect(try Self.fishCompletions("dockdu plan --label", in: tree.path) == ["--label", "--label!"])
        #expect(try Self.fishCompletions("dockdu report --format ", in: tree.path).sorted() == ["html", "json", "prometheus", "table"])
        #expect(try Self.fishCompletions("dockdu report --output ", in: tree.path) == ["afile", "alpha/"])
        #expect(try Self.fishCompletions("dockdu report --top ", in: tree.path) == [])
    }

    // MARK: Quoting

    /// Help text and names that a careless generator would let the shell interpret.
    static let hostileOptions = [
        OptionSpec(long: "root", valueName: "DIR", help: #"It's $(touch /tmp/dockdu-pwned) `id` \ "q" [a]: b"#, scope: .commands([.report])),
        OptionSpec(long: "label!", valueName: "KEY[=VALUE]", help: "Bang! 100% {x,y} *", scope: .commands([.report]), isRepeatable: true),
        OptionSpec(long: "quiet", short: "q", help: "Quiet; 'really'.", scope: .commands([.report])),
    ]

    @Test func hostileHelpTextStaysText() throws {
        try? FileManager.default.removeItem(atPath: "/tmp/dockdu-pwned")
        let bash = ShellCompletions.script(for: .bash, options: Self.hostileOptions, commands: [.report])
        #expect(try Self.bashCompletions(["dockdu", "report", "--"], script: bash) == ["--root", "--quiet", "--label!"])
        if ExternalCommand.find("zsh") != nil {
            let tree = try TemporaryTree()
            let zsh = ShellCompletions.script(for: .zsh, options: Self.hostileOptions, commands: [.report])
            try zsh.write(toFile: tree.path + "/_dockdu", atomically: true, encoding: .utf8)
            let result = try ExternalCommand.run(try #require(ExternalCommand.find("zsh")), ["-n", tree.path + "/_dockdu"])
            #expect(result.status == 0 && result.errors.isEmpty, "\(result.errors)")
            #expect(zsh.contains(#"'--root=[It'\''s $(touch /tmp/dockdu-pwned) `id` \\ "q" \[a\]\: b]:DIR:_directories'"#))
        }
        if ExternalCommand.find("fish") != nil {
            let tree = try TemporaryTree()
            let fish = ShellCompletions.script(for: .fish, options: Self.hostileOptions, commands: [.report])
            let fishPath = try #require(ExternalCommand.find("fish"))
            try fish.write(toFile: tree.path + "/dockdu.fish", atomically: true, encoding: .utf8)
            let result = try ExternalCommand.run(
                fishPath, ["--no-config", "-c", "source $argv[1]; and complete -C'dockdu report --r'", tree.path + "/dockdu.fish"])
            #expect(result.output == "--root\t" + Self.hostileOptions[0].help + "\n", "\(result.errors)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/dockdu-pwned"))
    }

    // MARK: Reading the scripts back

    /// The long options a script offers after `command`, read back from its text.
    static func offered(in script: String, shell: ShellCompletions.Shell, command: Command) -> Set<String> {
        let lines = script.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let unquoted = { (word: String) in word.replacing("'", with: "") }
        switch shell {
        case .bash:
            // `    plan) once=(--root ...) many=(--keep ...) ;;`
            guard let line = lines.first(where: { $0.hasPrefix("    \(command.rawValue)) once=(") }) else { return [] }
            let words = line.split(whereSeparator: { " ()".contains($0) }).map { unquoted(String($0)) }
            return Set(words.filter { $0.hasPrefix("--") }.map { String($0.dropFirst(2)) })
        case .zsh:
            // The specs between `(plan)` and `&& ret=0`; the names come before the description.
            guard let start = lines.firstIndex(of: "        ('\(command.rawValue)')") else { return [] }
            var names = Set<String>()
            for line in lines[(start + 2)...] {
                if line.contains("&& ret=0") { break }
                let spec = line.prefix { $0 != "[" }
                for match in spec.matches(of: /--([^'=,\s\[]+)/) {
                    names.insert(String(match.1))
                }
            }
            return names
        case .fish:
            var names = Set<String>()
            for line in lines where line.hasPrefix("complete -c dockdu ") && line.contains(" -l '") {
                guard let name = line.firstMatch(of: /-l '([^']+)'/)?.1 else { continue }
                if let condition = line.firstMatch(of: /-n '__fish_seen_subcommand_from ([^']+)'/)?.1 {
                    if condition.split(separator: " ").contains(Substring(command.rawValue)) { names.insert(String(name)) }
                } else {
                    names.insert(String(name))
                }
            }
            return names
        }
    }
}
