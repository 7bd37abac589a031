import Foundation
import Testing

/// README.md and its marked blocks: `<!-- begin sample: NAME -->` … `<!-- end sample: NAME -->`
/// (recorded from the binary by `make samples`, Tests/Engine/samples) and
/// `<!-- begin generated: NAME -->` … (written by the unit tests under DOCKDU_RECORD_GOLDEN=1).
struct Readme {
    static let path = ExternalCommand.repositoryRoot + "/README.md"

    let text: String

    static func load() throws -> Readme {
        Readme(text: try String(contentsOfFile: path, encoding: .utf8))
    }

    /// Names of the blocks of a kind, in order.
    func names(_ kind: String) -> [String] {
        text.split(separator: "\n").compactMap { line in
            let prefix = "<!-- begin \(kind): "
            guard line.hasPrefix(prefix), line.hasSuffix(" -->") else { return nil }
            return String(line.dropFirst(prefix.count).dropLast(4))
        }
    }

    /// The lines between a block's markers, or nil when it has none.
    func block(_ kind: String, _ name: String) -> [String]? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let begin = lines.firstIndex(of: "<!-- begin \(kind): \(name) -->"),
            let end = lines[begin...].firstIndex(of: "<!-- end \(kind): \(name) -->")
        else { return nil }
        return Array(lines[(begin + 1)..<end])
    }

    /// A sample's output: the lines inside its code fence, without the `$ command` line.
    func sampleOutput(_ name: String) -> [String]? {
        guard let lines = block("sample", name), lines.first == "```", lines.last == "```", lines.count >= 3,
            lines[1].hasPrefix("$ ")
        else { return nil }
        return Array(lines[2..<(lines.count - 1)])
    }

    /// The text of the section under a `#…` heading, up to the next heading of its level or above
    /// (a `#` line inside a code block is no heading).
    func section(_ heading: String) -> String? {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == heading }) else { return nil }
        let level = heading.prefix { $0 == "#" }.count
        var inCode = false
        var end = lines.endIndex
        for index in lines.indices.dropFirst(start + 1) {
            let line = lines[index]
            if line.hasPrefix("```") { inCode.toggle() }
            let hashes = line.prefix { $0 == "#" }.count
            if !inCode && hashes > 0 && hashes <= level && line.dropFirst(hashes).first == " " {
                end = index
                break
            }
        }
        return lines[(start + 1)..<end].joined(separator: "\n")
    }

    /// A generated block equals `lines`; re-recorded in README.md under DOCKDU_RECORD_GOLDEN=1
    /// (a run that records fails on purpose, as the golden files' do).
    static func expectGenerated(_ name: String, _ lines: [String], sourceLocation: SourceLocation = #_sourceLocation) throws {
        let readme = try load()
        guard let current = readme.block("generated", name) else {
            Issue.record("README.md has no <!-- begin generated: \(name) --> block", sourceLocation: sourceLocation)
            return
        }
        guard current != lines else { return }
        if ProcessInfo.processInfo.environment["DOCKDU_RECORD_GOLDEN"] == "1" {
            let begin = "<!-- begin generated: \(name) -->\n"
            let end = "<!-- end generated: \(name) -->"
            guard let start = readme.text.range(of: begin), let stop = readme.text.range(of: end, range: start.upperBound..<readme.text.endIndex) else { return }
            let replaced = readme.text.replacingCharacters(
                in: start.upperBound..<stop.lowerBound, with: lines.map { $0 + "\n" }.joined())
            try Data(replaced.utf8).write(to: URL(fileURLWithPath: path))
            Issue.record("recorded README.md's \(name); run again without DOCKDU_RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        let message = "README.md's \(name) is not what the code says; re-record with "
            + "DOCKDU_RECORD_GOLDEN=1 swift test --filter ReadmeTests:\n" + lines.joined(separator: "\n")
        Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
    }
}
