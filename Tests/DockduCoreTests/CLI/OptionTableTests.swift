import Testing

@testable import DockduCore

extension ArgumentParserTests {
    /// The table that parsing, help, the man page and completions share.
    @Suite struct OptionTableTests {
        @Test func namesAreUnique() {
            let longs = OptionTable.all.map(\.long)
            let shorts = OptionTable.all.compactMap(\.short)
            #expect(Set(longs).count == longs.count)
            #expect(Set(shorts).count == shorts.count)
        }

        @Test func everyOptionTheTableDeclaresParses() throws {
            for command in Command.allCases {
                for option in OptionTable.options(for: command) {
                    let arguments = [command.rawValue, "--" + option.long] + (option.takesValue ? ["v"] : [])
                    let parsed = try ArgumentParser().parse(arguments)
                    #expect(option.takesValue ? parsed.value(option.long) == "v" : parsed.flag(option.long))
                }
            }
        }

        @Test func commandsAcceptWhatTheBriefSays() {
            let report = OptionTable.options(for: .report).map(\.long)
            let plan = OptionTable.options(for: .plan).map(\.long)
            #expect(report == ["root", "json", "apparent-size", "bytes", "quiet", "help", "version"])
            #expect(plan == [
                "root", "json", "apparent-size", "bytes", "script", "no-containers", "no-images", "all-images",
                "no-build-cache", "volumes", "all-volumes", "no-orphans", "orphan-min-age", "log-threshold",
                "older-than", "keep", "label", "label!", "help", "version",
            ])
            #expect(OptionTable.options(for: nil).map(\.long) == ["help", "version"])
        }

        @Test func usageLines() {
            #expect(
                OptionTable.usage(for: .report)
                    == "usage: dockdu report [--root DIR] [--json] [--apparent-size] [--bytes] [--quiet]")
            #expect(OptionTable.usage(for: .plan).hasPrefix("usage: dockdu plan [--root DIR] [--json] [--apparent-size] [--bytes] [--script]"))
            #expect(OptionTable.usage(for: .plan).hasSuffix("[--keep PATTERN]... [--label KEY[=VALUE]]... [--label! KEY[=VALUE]]..."))
            #expect(OptionTable.usage(for: nil) == "usage: dockdu <command> [options]\n       dockdu --help | --version")
        }

        @Test func commandHelp() {
            #expect(OptionTable.helpText(for: .report) == """
                usage: dockdu report [--root DIR] [--json] [--apparent-size] [--bytes] [--quiet]

                \(Command.report.summary)

                options:
                  --root DIR       \(OptionTable.option(long: "root")?.help ?? "")
                  --json           Print the versioned JSON document instead of tables.
                  --apparent-size  Count st_size, as docker system df does, instead of allocated blocks (du -sx).
                  --bytes          Print sizes as exact byte counts.
                  -q, --quiet      Print only the summary.
                  -h, --help       Show this help and exit.
                  --version        Show the version and exit.

                """)
        }

        @Test func generalHelpListsCommandsAndGlobalOptions() {
            let help = OptionTable.helpText(for: nil)
            #expect(help.hasPrefix("usage: dockdu <command> [options]\n"))
            #expect(help.contains("\n  report  \(Command.report.summary)\n"))
            #expect(help.contains("\n  plan    \(Command.plan.summary)\n"))
            #expect(help.contains("\n  -h, --help  "))
            #expect(!help.contains("--root"))
            #expect(help.hasSuffix("Run 'dockdu <command> --help' for a command's options.\n"))
        }

        @Test func labels() {
            let root = OptionTable.option(long: "root")
            #expect(root?.helpLabel == "--root DIR")
            #expect(root?.synopsisLabel == "[--root DIR]")
            #expect(OptionTable.option(short: "q")?.helpLabel == "-q, --quiet")
            let repeatable = OptionSpec(long: "exclude", valueName: "PATTERN", help: "", scope: .global, isRepeatable: true)
            #expect(repeatable.synopsisLabel == "[--exclude PATTERN]...")
        }
    }
}
