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
                let usage = OptionTable.usage(for: command, width: .max)
                let modes = command == .why ? "" : " [--apparent-size]"
                #expect(usage.hasPrefix("usage: dockdu \(command.rawValue) [--root DIR] [--json]\(modes) [--bytes]"))
                for option in OptionTable.options(for: command) where option.scope != .global {
                    #expect(usage.contains(option.synopsisLabel), "\(option.long)")
                }
                // Wrapped, the same labels in the same order, under the first one.
                let wrapped = OptionTable.usage(for: command).split(separator: "\n")
                #expect(wrapped.count > 1 && wrapped.allSatisfy { $0.count <= 80 })
                let indent = String(repeating: " ", count: "usage: dockdu \(command.rawValue) ".count)
                #expect(wrapped.dropFirst().allSatisfy { $0.hasPrefix(indent + "[") || $0.hasPrefix(indent + (command.operandsLabel ?? "[")) })
                #expect(wrapped.map { $0.trimmingPrefix(indent) }.joined(separator: " ") == usage)
            }
            #expect(OptionTable.usage(for: .plan, width: .max).hasSuffix("[--keep PATTERN]... [--label KEY[=VALUE]]... [--label! KEY[=VALUE]]..."))
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
                    // A long example goes on with ` \` and an indent; joined again, it is whole.
                    let joined = OptionTable.helpText(for: command).replacingOccurrences(of: " \\\n        ", with: " ")
                    #expect(joined.contains("  " + example.command + "\n"), "\(example.command)")
                }
            }
        }

        @Test func commandHelp() {
            let help = OptionTable.helpText(for: .report, width: .max)
            #expect(help.hasPrefix(OptionTable.usage(for: .report, width: .max) + "\n\n" + Command.report.summary + "\n"))
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

        /// At 80 columns (and a narrower terminal's), no line is longer, and each option's text
        /// goes on under its own start: joined again, it is the table's text.
        @Test(arguments: [80, 60])
        func helpIsWrappedWithHangingIndents(width: Int) {
            for command in [nil] + Command.allCases.map(Optional.some) {
                let help = OptionTable.helpText(for: command, width: width)
                let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.allSatisfy { $0.count <= width }, "\(lines.filter { $0.count > width })")
                let options = OptionTable.options(for: command)
                let column = (options.map(\.helpLabel.count).max() ?? 0) + 4
                for option in options {
                    let start = lines.firstIndex { $0.hasPrefix("  " + option.helpLabel + " ") }
                    guard let start else { Issue.record("no line for \(option.long)"); continue }
                    let rest = lines[(start + 1)...].prefix { $0.hasPrefix(String(repeating: " ", count: column)) && !$0.hasPrefix(String(repeating: " ", count: column + 1)) }
                    let text = ([lines[start].dropFirst(column)] + rest.map { $0.dropFirst(column) }).joined(separator: " ")
                    #expect(text == option.help, "\(option.long)")
                }
            }
        }

        @Test func generalHelpListsCommandsAndGlobalOptions() {
            let help = OptionTable.helpText(for: nil, width: .max)
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
