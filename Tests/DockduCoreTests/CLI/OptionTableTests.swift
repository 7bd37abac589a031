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
            let report = Set(OptionTable.options(for: .report).map(\.long))
            let plan = Set(OptionTable.options(for: .plan).map(\.long))
            #expect(report.isSuperset(of: ["root", "json", "apparent-size", "bytes", "quiet", "format", "output", "compare", "top", "cache", "no-cache", "help", "version"]))
            #expect(plan.isSuperset(of: [
                "root", "json", "apparent-size", "bytes", "cache", "no-cache", "script", "no-containers", "no-images",
                "all-images", "no-build-cache", "volumes", "all-volumes", "no-orphans", "orphan-min-age", "log-threshold",
                "older-than", "keep", "label", "label!", "output", "help", "version",
            ]))
            #expect(!plan.contains("quiet") && !plan.contains("compare") && !report.contains("script"))
            #expect(OptionTable.options(for: nil).map(\.long) == ["help", "version"])
        }

        @Test func usageLines() {
            for command in Command.allCases {
                let usage = OptionTable.usage(for: command)
                #expect(usage.hasPrefix("usage: dockdu \(command.rawValue) [--root DIR] [--json] [--apparent-size] [--bytes]"))
                for option in OptionTable.options(for: command) where option.scope != .global {
                    #expect(usage.contains(option.synopsisLabel), "\(option.long)")
                }
            }
            #expect(OptionTable.usage(for: .plan).hasSuffix("[--keep PATTERN]... [--label KEY[=VALUE]]... [--label! KEY[=VALUE]]..."))
            #expect(OptionTable.usage(for: nil) == "usage: dockdu <command> [options]\n       dockdu --help | --version")
        }

        @Test func everyHelpExampleParses() throws {
            for command in Command.allCases {
                #expect(!command.examples.isEmpty)
                for example in command.examples {
                    // Shell words of the example, without `sudo dockdu`, quotes and a redirection.
                    let words = example.command.split(separator: " ").dropFirst(2).prefix { $0 != ">" }.map { $0.replacingOccurrences(of: "'", with: "") }
                    let parsed = try ArgumentParser().parse(words)
                    #expect(parsed.command == command, "\(example.command)")
                    #expect(OptionTable.helpText(for: command).contains(example.command))
                }
            }
        }

        @Test func commandHelp() {
            let help = OptionTable.helpText(for: .report)
            #expect(help.hasPrefix(OptionTable.usage(for: .report) + "\n\n" + Command.report.summary + "\n"))
            let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            // One aligned line per option: its label, padding to a common column, its help.
            let optionLines = OptionTable.options(for: .report).map { option in
                lines.first { $0.hasPrefix("  " + option.helpLabel + " ") && $0.hasSuffix(option.help) }
            }
            #expect(optionLines.allSatisfy { $0 != nil }, "\(help)")
            let columns = Set(optionLines.compactMap { line in line.map { $0.count - (OptionTable.options(for: .report).first { line?.hasSuffix($0.help) == true }?.help.count ?? 0) } })
            #expect(columns.count == 1, "help texts do not start in one column")
            #expect(help.hasSuffix("\n"))
        }

        @Test func generalHelpListsCommandsAndGlobalOptions() {
            let help = OptionTable.helpText(for: nil)
            #expect(help.hasPrefix("usage: dockdu <command> [options]\n"))
            #expect(help.contains("\n  report  \(Command.report.summary)\n"))
            #expect(help.contains("\n  plan    \(Command.plan.summary)\n"))
            #expect(help.contains("\n  -h, --help  "))
            #expect(!help.contains("--root"))
            #expect(help.hasSuffix("Run 'dockdu <command> --help' for a command's options;\n'dockdu completions bash|zsh|fish' prints a shell completion script.\n"))
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
