import Testing

@testable import DockduCore

@Suite struct ArgumentParserTests {
    private func parse(_ arguments: String...) throws(ArgumentError) -> ParsedArguments {
        try ArgumentParser().parse(arguments)
    }

    private func error(_ arguments: String...) -> ArgumentError? {
        do {
            _ = try ArgumentParser().parse(arguments)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Accepted command lines

    @Test func reportWithEveryOption() throws {
        let parsed = try parse("report", "--root", "/srv/docker", "--json", "--apparent-size", "--bytes", "-q")
        #expect(parsed.command == .report)
        #expect(parsed.value("root") == "/srv/docker")
        #expect(parsed.values("root") == ["/srv/docker"])
        for flag in ["json", "apparent-size", "bytes", "quiet"] {
            #expect(parsed.flag(flag), "\(flag)")
        }
        #expect(!parsed.flag("help"))
    }

    @Test func noOptionsMeansNoFlagsAndNoValues() throws {
        let parsed = try parse("report")
        #expect(parsed == ParsedArguments(command: .report))
        #expect(!parsed.flag("json"))
        #expect(parsed.value("root") == nil)
        #expect(parsed.values("root") == [])
    }

    @Test func valueAfterEqualsSign() throws {
        #expect(try parse("report", "--root=/srv/docker").value("root") == "/srv/docker")
        // Everything after the first `=` is the value, and it may start with `-` or be empty.
        #expect(try parse("report", "--root=/a=b").value("root") == "/a=b")
        #expect(try parse("report", "--root=-odd").value("root") == "-odd")
        #expect(try parse("report", "--root=").value("root") == "")
    }

    @Test func optionsMayComeBeforeTheCommand() throws {
        let parsed = try parse("--json", "--root", "/x", "report")
        #expect(parsed.command == .report)
        #expect(parsed.flag("json"))
        #expect(parsed.value("root") == "/x")
    }

    @Test func shortFlagsCluster() throws {
        let parsed = try parse("report", "-qh")
        #expect(parsed.flag("quiet"))
        #expect(parsed.flag("help"))
    }

    @Test func doubleDashEndsOptions() throws {
        #expect(try parse("--", "report").command == .report)
        #expect(error("report", "--", "--json") == .unexpectedArgument("--json"))
    }

    @Test func planTakesItsOwnOptions() throws {
        let parsed = try parse("plan", "--root", "/x", "--json", "--apparent-size", "--bytes")
        #expect(parsed.command == .plan)
        #expect(parsed.value("root") == "/x")
    }

    @Test func globalOptionsNeedNoCommand() throws {
        #expect(try parse("--help") == ParsedArguments(command: nil, flags: ["help"]))
        #expect(try parse("-h").flag("help"))
        #expect(try parse("--version").flag("version"))
        #expect(try parse("report", "--help") == ParsedArguments(command: .report, flags: ["help"]))
    }

    @Test func aFlagGivenTwiceIsHarmless() throws {
        #expect(try parse("report", "--json", "--json").flag("json"))
    }

    @Test func repeatableOptionsKeepEveryValueInOrder() throws {
        let table = OptionTable.all + [
            OptionSpec(
                long: "exclude", short: "x", valueName: "PATTERN", help: "Skip.",
                scope: .commands([.report]), isRepeatable: true)
        ]
        let parsed = try ArgumentParser(options: table).parse(["report", "--exclude", "a", "-xb", "-x", "c", "--exclude=d"])
        #expect(parsed.values("exclude") == ["a", "b", "c", "d"])
        #expect(parsed.value("exclude") == "d")
    }

    // MARK: Usage errors

    @Test func noArgumentsIsAUsageError() {
        #expect(error() == .missingCommand)
        #expect(ArgumentError.missingCommand.description == "missing command (one of: report, plan, why); try 'dockdu --help'")
    }

    @Test func commandOptionsWithoutACommand() {
        #expect(error("--json") == .missingCommand)
        #expect(error("--root", "/x") == .missingCommand)
    }

    @Test func unknownOptionSuggestsTheNearest() {
        #expect(error("report", "--rot", "/x") == .unknownOption("--rot", suggestion: "--root"))
        #expect(error("report", "--jsno") == .unknownOption("--jsno", suggestion: "--json"))
        #expect(error("report", "--apparent") == .unknownOption("--apparent", suggestion: "--apparent-size"))
        #expect(error("report", "--verison") == .unknownOption("--verison", suggestion: "--version"))
        #expect(error("report", "--frobnicate") == .unknownOption("--frobnicate", suggestion: nil))
        #expect(
            error("report", "--rot").map(String.init(describing:))
                == "unknown option '--rot'; did you mean --root?")
        #expect(error("report", "--frobnicate")?.description == "unknown option '--frobnicate'")
    }

    @Test func suggestionsComeFromTheCommandsOwnOptions() {
        // `--quiet` exists, but not for plan: suggest nothing rather than an option plan rejects.
        #expect(error("plan", "--quite") == .unknownOption("--quite", suggestion: nil))
        #expect(error("report", "--quite") == .unknownOption("--quite", suggestion: "--quiet"))
    }

    @Test func singleDashLongOptionSuggestsTheDoubleDashOne() {
        #expect(error("report", "-root", "/x") == .unknownOption("-r", suggestion: "--root"))
        #expect(error("report", "-x") == .unknownOption("-x", suggestion: nil))
        #expect(error("report", "-qz") == .unknownOption("-z", suggestion: nil))
    }

    @Test func missingValue() {
        #expect(error("report", "--root") == .missingValue(option: "--root", valueName: "DIR"))
        // An option where the value should be is a forgotten value, not a directory.
        #expect(error("report", "--root", "--json") == .missingValue(option: "--root", valueName: "DIR"))
        #expect(error("report", "--root")?.description == "option '--root' requires an argument (DIR)")
    }

    @Test func flagsTakeNoValue() {
        #expect(error("report", "--json=yes") == .unexpectedValue(option: "--json"))
        #expect(error("report", "--json=yes")?.description == "option '--json' doesn't allow an argument")
    }

    @Test func unexpectedArgument() {
        #expect(error("report", "/var/lib/docker") == .unexpectedArgument("/var/lib/docker"))
        #expect(error("report", "plan") == .unexpectedArgument("plan"))
        #expect(error("report", "extra")?.description == "unexpected argument 'extra'")
    }

    @Test func unknownCommandSuggestsTheNearest() {
        #expect(error("reprot") == .unknownCommand("reprot", suggestion: "report"))
        #expect(error("pla") == .unknownCommand("pla", suggestion: "plan"))
        #expect(error("du") == .unknownCommand("du", suggestion: nil))
        #expect(error("reprot")?.description == "unknown command 'reprot'; did you mean report?")
    }

    @Test func optionNotValidForTheCommand() {
        #expect(error("plan", "--quiet") == .optionNotValid(option: "--quiet", command: .plan))
        #expect(error("plan", "-q") == .optionNotValid(option: "-q", command: .plan))
        #expect(error("-q", "plan") == .optionNotValid(option: "-q", command: .plan))
        #expect(error("plan", "-q")?.description == "option '-q' is not valid for 'dockdu plan'")
    }

    @Test func valueOptionGivenTwice() {
        #expect(error("report", "--root", "/a", "--root=/b") == .repeatedOption("--root"))
        #expect(error("report", "--root", "/a", "--root=/b")?.description == "option '--root' may be given only once")
    }

    @Test func hostileArgumentsAreEscapedInMessages() {
        let message = error("report", "\u{1B}[2J")?.description
        #expect(message == #"unexpected argument '\e[2J'"#)
    }

    // MARK: Edit distance

    @Test func editDistance() {
        #expect(ArgumentParser.editDistance("root", "root") == 0)
        #expect(ArgumentParser.editDistance("rot", "root") == 1)
        #expect(ArgumentParser.editDistance("jsno", "json") == 1)  // a swap is one edit
        #expect(ArgumentParser.editDistance("", "json") == 4)
        #expect(ArgumentParser.editDistance("kitten", "sitting") == 3)
    }
}
