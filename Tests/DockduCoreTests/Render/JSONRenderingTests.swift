import FoundationEssentials
import Testing

@testable import DockduCore

@Suite struct JSONRenderingTests {
    private func render(_ report: Report) throws -> String {
        String(decoding: try JSONRendering.render(report), as: UTF8.self)
    }

    @Test func topLevelKeysAreSortedAndSchemaVersionIsPresent() throws {
        let text = try render(SampleReports.empty)
        let keys = text.split(separator: "\n")
            .filter { $0.hasPrefix("  \"") }  // two-space indent: top level only
            .map { $0.dropFirst(3).prefix { $0 != "\"" } }
        #expect(keys == [
            "categories", "containers", "dataRoot", "generatedAt", "images", "layers", "linkedFolders",
            "metadataComplete", "orphans", "reclaimableBytes", "schemaVersion", "sizeMode", "summary", "totalBytes",
            "volumes", "warnings",
        ])
        #expect(text.contains("\"schemaVersion\" : \(Report.currentSchemaVersion)"))
    }

    @Test func nestedKeysAreSortedToo() throws {
        let text = try render(SampleReports.hostile)
        let buildCache = try #require(text.range(of: "\"buildCache\""))
        let containers = try #require(text.range(of: "\"containers\" : 671088640"))
        #expect(buildCache.lowerBound < containers.lowerBound)
    }

    @Test func slashesAreNotEscaped() throws {
        let text = try render(SampleReports.hostile)
        #expect(text.contains("\"dataRoot\" : \"/var/lib/docker\""))
        #expect(!text.contains("\\/"))
    }

    @Test func endsWithOneNewline() throws {
        let bytes = try JSONRendering.render(SampleReports.empty)
        #expect(bytes.last == UInt8(ascii: "\n"))
        #expect(bytes.dropLast().last == UInt8(ascii: "}"))
    }

    @Test func pathWithNewlineAndQuoteIsEscapedAndRoundTrips() throws {
        var report = SampleReports.empty
        let path = "overlay2/a\"b\nc/\u{1B}"
        report.orphans = [OrphanUsage(path: path, kind: .overlayDirectory, bytes: 1)]
        let bytes = try JSONRendering.render(report)
        let text = String(decoding: bytes, as: UTF8.self)
        #expect(text.contains(#""path" : "overlay2/a\"b\nc/\u001b""#))
        // The only raw newlines are the pretty-printer's.
        #expect(!text.contains("a\"b\n"))
        let decoded = try JSONDecoder().decode(Report.self, from: Data(bytes))
        #expect(decoded.orphans.first?.path == path)
    }

    @Test func decodingTheOutputGivesBackTheReport() throws {
        for report in [SampleReports.hostile, SampleReports.empty, SampleReports.long] {
            let bytes = try JSONRendering.render(report)
            #expect(try JSONDecoder().decode(Report.self, from: Data(bytes)) == report)
        }
    }

    @Test func renderingIsDeterministic() throws {
        #expect(try JSONRendering.render(SampleReports.hostile)
            == JSONRendering.render(SampleReports.hostile))
    }
}
