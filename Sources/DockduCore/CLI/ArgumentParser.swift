/// Parses `dockdu`'s command line against ``OptionTable``: `dockdu <command> [options]`.
///
/// Long options take their value as `--root DIR` or `--root=DIR`; short flags cluster (`-qh`);
/// `--` ends the options. Options may come before the command (`dockdu --json report`); they
/// are checked against it once it is known. A separate value may not start with `-`, so
/// `--root --json` is a missing value rather than a directory named `--json`; write
/// `--root=-dir` or `--root ./-dir` for that.
public struct ArgumentParser: Sendable {
    public var options: [OptionSpec]

    public init(options: [OptionSpec] = OptionTable.all) {
        self.options = options
    }

    /// Parses `arguments`, which exclude the program name (`CommandLine.arguments.dropFirst()`).
    public func parse(_ arguments: some Sequence<String>) throws(ArgumentError) -> ParsedArguments {
        var state = State(pending: Array(arguments)[...])
        while let argument = state.pending.popFirst() {
            if state.optionsEnded || argument == "-" || !argument.hasPrefix("-") {
                try state.takeOperand(argument)
            } else if argument == "--" {
                state.optionsEnded = true
            } else if argument.hasPrefix("--") {
                try parseLongOption(argument.dropFirst(2), &state)
            } else {
                try parseShortOptions(argument.dropFirst(), &state)
            }
        }

        guard let command = state.parsed.command else {
            // `dockdu --help` and `dockdu --version` need no command; nothing else works without.
            if state.given.contains(where: { $0.option.scope == .global }) {
                return state.parsed
            }
            throw .missingCommand
        }
        if let misplaced = state.given.first(where: { !$0.option.applies(to: command) }) {
            throw .optionNotValid(option: misplaced.spelling, command: command)
        }
        return state.parsed
    }

    /// `--name`, `--name value` or `--name=value`; `body` is what follows the dashes.
    private func parseLongOption(_ body: Substring, _ state: inout State) throws(ArgumentError) {
        let name = String(body.prefix { $0 != "=" })
        let inline = body.firstIndex(of: "=").map { String(body[body.index(after: $0)...]) }
        let spelling = "--" + name
        guard let option = options.first(where: { $0.long == name }) else {
            throw .unknownOption(spelling, suggestion: suggestion(for: name, state.parsed.command))
        }
        switch (option.takesValue, inline) {
        case (true, let inline?): try state.record(option, spelling, value: inline)
        case (true, nil): try state.record(option, spelling, value: state.takeValue(for: option, spelling))
        case (false, nil): try state.record(option, spelling, value: nil)
        case (false, _?): throw .unexpectedValue(option: spelling)
        }
    }

    /// A cluster of short options, `-qh`; one that takes a value ends it (`-rDIR` or `-r DIR`).
    private func parseShortOptions(_ cluster: Substring, _ state: inout State) throws(ArgumentError) {
        for index in cluster.indices {
            let letter = cluster[index]
            let spelling = "-" + String(letter)
            guard let option = options.first(where: { $0.short == letter }) else {
                // `-root` is more likely a mistyped `--root` than a cluster.
                let suggestion = suggestion(for: String(cluster), state.parsed.command)
                throw .unknownOption(spelling, suggestion: suggestion)
            }
            guard option.takesValue else {
                try state.record(option, spelling, value: nil)
                continue
            }
            let attached = String(cluster[cluster.index(after: index)...])
            let value = try attached.isEmpty ? state.takeValue(for: option, spelling) : attached
            try state.record(option, spelling, value: value)
            return
        }
    }

    /// What parsing has seen so far.
    private struct State {
        var pending: ArraySlice<String>
        var optionsEnded = false
        var parsed = ParsedArguments(command: nil)
        /// Every option as given, to check against the command once it is known.
        var given: [(option: OptionSpec, spelling: String)] = []

        mutating func record(_ option: OptionSpec, _ spelling: String, value: String?)
            throws(ArgumentError)
        {
            if let value {
                if !option.isRepeatable && parsed.valuesByOption[option.long] != nil {
                    throw .repeatedOption(spelling)
                }
                parsed.valuesByOption[option.long, default: []].append(value)
            } else {
                parsed.flags.insert(option.long)
            }
            given.append((option, spelling))
        }

        mutating func takeOperand(_ operand: String) throws(ArgumentError) {
            if let command = parsed.command {
                guard command.takesOperands else { throw .unexpectedArgument(operand) }
                parsed.operands.append(operand)
                return
            }
            guard let command = Command(rawValue: operand) else {
                let names = Command.allCases.map(\.rawValue)
                throw .unknownCommand(operand, suggestion: ArgumentParser.nearest(to: operand, among: names))
            }
            parsed.command = command
        }

        mutating func takeValue(for option: OptionSpec, _ spelling: String) throws(ArgumentError) -> String {
            guard let next = pending.first, next == "-" || !next.hasPrefix("-") else {
                throw .missingValue(option: spelling, valueName: option.valueName ?? "VALUE")
            }
            pending.removeFirst()
            return next
        }
    }

    /// The long option the user most likely meant by `typed` (written without dashes), among
    /// those the command accepts, as `--name`.
    private func suggestion(for typed: String, _ command: Command?) -> String? {
        let candidates = options.filter { option in command.map(option.applies(to:)) ?? true }
        return Self.nearest(to: typed, among: candidates.map(\.long)).map { "--" + $0 }
    }

    /// A unique name that `typed` begins, else the nearest within two edits (and fewer edits
    /// than `typed` has characters, so `-x` suggests nothing).
    static func nearest(to typed: String, among names: [String]) -> String? {
        let extending = names.filter { $0.hasPrefix(typed) }
        if !typed.isEmpty && extending.count == 1 {
            return extending.first
        }
        let scored = names.map { (name: $0, distance: editDistance(typed, $0)) }
        guard let best = scored.min(by: { $0.distance < $1.distance }),
            best.distance <= 2 && best.distance < typed.count
        else {
            return nil
        }
        return best.name
    }

    /// Insertions, deletions, substitutions and swaps of neighbours (optimal string alignment),
    /// so `jsno` is one edit from `json`.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var before = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], before[j - 2] + 1)
                }
            }
            (before, previous, current) = (previous, current, before)
        }
        return previous[b.count]
    }
}

/// What the command line asked for.
public struct ParsedArguments: Sendable, Equatable {
    /// `nil` only when a global option (`--help`, `--version`) was given without a command.
    public var command: Command?
    /// Long names of the flags given.
    public var flags: Set<String>
    /// Values of the options given, by long name, in command-line order.
    public var valuesByOption: [String: [String]]
    /// Operands after the command, in order, for a command that takes them (`why TARGET...`).
    public var operands: [String]

    public init(command: Command?, flags: Set<String> = [], valuesByOption: [String: [String]] = [:], operands: [String] = []) {
        self.command = command
        self.flags = flags
        self.valuesByOption = valuesByOption
        self.operands = operands
    }

    /// Whether the flag `--name` was given.
    public func flag(_ name: String) -> Bool {
        flags.contains(name)
    }

    /// The value of `--name`, or `nil` when it was not given (the last one if repeatable).
    public func value(_ name: String) -> String? {
        valuesByOption[name]?.last
    }

    /// Every value of a repeatable `--name`, in command-line order.
    public func values(_ name: String) -> [String] {
        valuesByOption[name] ?? []
    }
}

/// A command line `dockdu` cannot run. ``description`` reads like a Unix tool's message, to print
/// after `dockdu: `; every case is a usage error (exit status 64, `EX_USAGE`).
public enum ArgumentError: Error, Sendable, Equatable, CustomStringConvertible {
    case missingCommand
    case unknownCommand(String, suggestion: String?)
    /// `suggestion` is the nearest valid option, spelled `--root`.
    case unknownOption(String, suggestion: String?)
    case missingValue(option: String, valueName: String)
    /// A value given to a flag: `--json=yes`.
    case unexpectedValue(option: String)
    case unexpectedArgument(String)
    case optionNotValid(option: String, command: Command)
    case repeatedOption(String)

    public var description: String {
        // The arguments may come from a script that passes file names; keep them printable.
        let escape = TerminalEscaping.escape as (String) -> String
        switch self {
        case .missingCommand:
            let names = Command.allCases.map(\.rawValue).joined(separator: ", ")
            return "missing command (one of: \(names)); try 'dockdu --help'"
        case .unknownCommand(let name, let suggestion):
            return "unknown command '\(escape(name))'" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case .unknownOption(let option, let suggestion):
            return "unknown option '\(escape(option))'" + (suggestion.map { "; did you mean \($0)?" } ?? "")
        case .missingValue(let option, let valueName):
            return "option '\(option)' requires an argument (\(valueName))"
        case .unexpectedValue(let option):
            return "option '\(option)' doesn't allow an argument"
        case .unexpectedArgument(let argument):
            return "unexpected argument '\(escape(argument))'"
        case .optionNotValid(let option, let command):
            return "option '\(option)' is not valid for 'dockdu \(command.rawValue)'"
        case .repeatedOption(let option):
            return "option '\(option)' may be given only once"
        }
    }
}
