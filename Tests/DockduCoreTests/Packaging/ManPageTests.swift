import Foundation
import Testing

@testable import DockduCore

/// man/dockdu.8: clean under mandoc's linter, and in step with the option table, so that an option
/// added to, renamed in or removed from ``OptionTable/all`` fails here until the page follows.
@Suite struct ManPageTests {
    static let path = ExternalCommand.repositoryRoot + "/man/dockdu.8"

    static func page() throws -> ManPage {
        ManPage(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    @Test(.enabled(if: ExternalCommand.find("mandoc") != nil, "mandoc is not installed (apt-get install mandoc)"))
    func mandocLintIsClean() throws {
        let mandoc = try #require(ExternalCommand.find("mandoc"))
        let result = try ExternalCommand.run(mandoc, ["-T", "lint", "-W", "warning", Self.path])
        #expect(result.output.isEmpty && result.errors.isEmpty, "mandoc -T lint -W warning:\n\(result.output)\(result.errors)")
        #expect(result.status == 0)
    }

    /// Every long option as `Fl -name`, every short one as `Fl x`, and no flag the table lacks.
    @Test func everyOptionOfTheTableIsOnThePageAndNoOther() throws {
        let flags = try Self.page().flags(in: nil)
        for option in OptionTable.all {
            #expect(flags.contains("--" + option.long), "no Fl -\(option.long) in man/dockdu.8")
            if let short = option.short {
                #expect(flags.contains("-" + String(short)), "no Fl \(short) in man/dockdu.8")
            }
        }
        let known = Set(OptionTable.all.flatMap { ["--" + $0.long] + ($0.short.map { ["-" + String($0)] } ?? []) })
        #expect(flags.subtracting(known).subtracting(["--"]).isEmpty, "flags the table does not have")
    }

    /// The SYNOPSIS line of each command lists exactly its options; a last one lists the global ones.
    @Test func synopsisListsEachCommandsOptions() throws {
        // `completions` takes a shell, not options: it stands outside the option table.
        let synopses = try Self.page().synopses().filter { $0.command != "completions" }
        #expect(try Self.page().synopses().contains { $0.command == "completions" }, "no SYNOPSIS line for dockdu completions")
        #expect(synopses.map(\.command) == Command.allCases.map(\.rawValue) + [nil])
        for synopsis in synopses {
            let options = synopsis.command.flatMap(Command.init(rawValue:)).map { command in
                OptionTable.options(for: command).filter { $0.scope != .global }
            } ?? OptionTable.options(for: nil)
            let expected = Set(options.flatMap { ["--" + $0.long] + ($0.short.map { ["-" + String($0)] } ?? []) })
            #expect(synopsis.flags == expected, "SYNOPSIS of \(synopsis.command ?? "dockdu")")
        }
    }

    /// Under OPTIONS, each `Options of report and plan` subsection (or `Global options`)
    /// describes, in `.It` entries, exactly the options of those commands.
    @Test func optionsSectionDescribesEachCommandsOptions() throws {
        let page = try Self.page()
        for command in Command.allCases {
            var described = Set<String>()
            for (title, flags) in page.optionSubsections() {
                let commands = title.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Command(rawValue: String($0)) }
                if title == "Global options" || commands.contains(command) {
                    described.formUnion(flags)
                }
            }
            let expected = Set(OptionTable.options(for: command).flatMap { ["--" + $0.long] + ($0.short.map { ["-" + String($0)] } ?? []) })
            #expect(described == expected, "OPTIONS for \(command)")
        }
    }

    /// Every environment variable the code reads is in ENVIRONMENT.
    @Test func environmentNamesWhatTheCodeReads() throws {
        let sources = ExternalCommand.repositoryRoot + "/Sources/DockduCore"
        var read: Set<String> = []
        for case let file as String in FileManager.default.enumerator(atPath: sources)! where file.hasSuffix(".swift") {
            let text = try String(contentsOfFile: sources + "/" + file, encoding: .utf8)
            for match in text.matches(of: /ProcessEnvironment\.variable\("([A-Z_]+)"\)/) { read.insert(String(match.1)) }
        }
        #expect(!read.isEmpty)
        let lines = try Self.page().lines
        let start = try #require(lines.firstIndex(of: ".Sh ENVIRONMENT"))
        let section = lines[(start + 1)...].prefix { !$0.hasPrefix(".Sh ") }
        let documented = Set(section.filter { $0.hasPrefix(".It Ev ") }.map { String($0.dropFirst(7)) })
        #expect(documented == read)
    }

    @Test func sectionsAreThoseTheBriefAsksFor() throws {
        let sections = try Self.page().lines.filter { $0.hasPrefix(".Sh ") }.map { String($0.dropFirst(4)) }
        #expect(sections == ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "FILES", "EXIT STATUS", "EXAMPLES", "SEE ALSO"])
        let text = try Self.page().text
        for reference in ["du 1", "docker-system-df 1", "docker-system-prune 1", "systemd.timer 5", "crontab 5"] {
            #expect(text.contains(".Xr \(reference)"), "SEE ALSO \(reference)")
        }
        for status in [0, 1, 64, 65, 66, 70, 73, 77] {
            #expect(text.contains("\n.It \(status)\n"), "EXIT STATUS \(status)")
        }
    }

    @Test func readerSeesTheFlagsAsMdocDoes() {
        let page = ManPage(text: ".Op Fl q | -quiet\n.It Fl -label! Ar key Ns Op = Ns Ar value\n.Fl -root Ns = Ns Ar dir ;\nsaved with\n.Fl -json :\nFl -notamacro\n")
        #expect(page.flags(in: nil) == ["-q", "--quiet", "--label!", "--root", "--json"])
    }
}

/// Just enough of mdoc to find the flags a page documents.
struct ManPage {
    var text: String
    var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) }

    /// The flags written with `Fl` on macro lines (`.Fl -root` is `--root`, `.Fl q` is `-q`; the
    /// arguments after one `Fl` up to the next macro are all flags: `.Op Fl q | -quiet`), in
    /// `lines`, or in the whole page.
    func flags(in lines: ArraySlice<String>?) -> Set<String> {
        var flags = Set<String>()
        for line in lines ?? self.lines[...] where line.hasPrefix(".") {
            var inFlags = false
            for word in line.dropFirst().split(separator: " ") {
                if word == "Fl" {
                    inFlags = true
                } else if word.wholeMatch(of: /[A-Z][a-z][a-z]?/) != nil {
                    inFlags = false  // another macro: Ar, Ns, Op, ...
                } else if inFlags && !["|", ",", ";", ":", ".", "?", "!", "=", "(", ")", "[", "]"].contains(word) {
                    flags.insert("-" + word)
                }
            }
        }
        return flags
    }

    /// Each `.Nm` block of the SYNOPSIS: the command after it (`.Cm report`), if any, and its flags.
    func synopses() -> [(command: String?, flags: Set<String>)] {
        let lines = self.lines
        guard let start = lines.firstIndex(of: ".Sh SYNOPSIS") else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix(".Sh ") } ?? lines.endIndex
        let starts = lines[start..<end].indices.filter { lines[$0] == ".Nm" }
        return starts.enumerated().map { index, blockStart in
            let blockEnd = index + 1 < starts.count ? starts[index + 1] : end
            let block = lines[(blockStart + 1)..<blockEnd]
            let command = block.first.flatMap { $0.hasPrefix(".Cm ") ? String($0.dropFirst(4)) : nil }
            return (command, flags(in: block))
        }
    }

    /// The `.Ss` subsections of OPTIONS with the flags of their `.It` entries.
    func optionSubsections() -> [(title: String, flags: Set<String>)] {
        let lines = self.lines
        guard let start = lines.firstIndex(of: ".Sh OPTIONS") else { return [] }
        let end = lines[(start + 1)...].firstIndex { $0.hasPrefix(".Sh ") } ?? lines.endIndex
        let starts = lines[start..<end].indices.filter { lines[$0].hasPrefix(".Ss ") }
        return starts.enumerated().map { index, subsectionStart in
            let subsectionEnd = index + 1 < starts.count ? starts[index + 1] : end
            let items = lines[(subsectionStart + 1)..<subsectionEnd].filter { $0.hasPrefix(".It ") }
            return (String(lines[subsectionStart].dropFirst(4)), flags(in: items[...]))
        }
    }
}
