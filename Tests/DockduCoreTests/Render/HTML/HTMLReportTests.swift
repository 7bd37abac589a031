import FoundationEssentials
import Testing

@testable import DockduCore

/// The HTML page: a golden file of the hostile sample (re-record with
/// `DOCKDU_RECORD_GOLDEN=1 swift test --filter HTMLReport`), escaping of every hostile name, and
/// the promises of a self-contained page. The browser's view of it is held in EngineTests.
@Suite struct HTMLReportTests {
    @Test func hostileReportGolden() throws {
        try GoldenFile.expect(HTMLReport(report: SampleReports.hostile).render(), matches: "html-report-hostile.html")
    }

    @Test func comparisonAddsGrowthBars() throws {
        var old = SampleReports.hostile
        old.generatedAt = "2026-11-22T19:24:24Z"
        old.volumes[0].bytes /= 2
        old.categories.volumes -= old.volumes[0].bytes
        old.totalBytes -= old.volumes[0].bytes
        let comparison = try ReportComparison(old: old, new: SampleReports.hostile)
        let html = HTMLReport(report: SampleReports.hostile, comparison: comparison).render()
        #expect(html.contains("<section id=\"growth\">"))
        #expect(html.contains("class=\"bar grow\""))
        #expect(!HTMLReport(report: SampleReports.hostile).render().contains("id=\"growth\""))
    }

    /// A name made to break out of HTML stays text: no tag, attribute or entity of its own.
    @Test func hostileNamesStayText() {
        var report = SampleReports.hostile
        report.containers[0].name = "<script>document.title='pwned'</script>"
        report.volumes[0].name = "\"><img src=x onerror=alert(1)>&amp;"
        report.images[0].tags = ["evil'\u{202E}<b>:1"]
        let html = HTMLReport(report: report).render()
        #expect(!html.contains("<script>document.title"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>"))
        #expect(html.contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;"))
        #expect(html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&amp;amp;"))
        #expect(html.contains("evil&#39;\\u{202e}&lt;b&gt;:1"))
        // The page's own script is its only one.
        #expect(html.components(separatedBy: "<script").count == 2)
    }

    @Test func selfContainedWithAPolicyThatForbidsLoads() {
        let html = HTMLReport(report: SampleReports.hostile).render()
        #expect(html.contains("default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-"))
        #expect(!html.contains("src=\"http"))
        #expect(!html.contains("href=\"http"))
        #expect(!html.contains("<link"))
        #expect(!html.contains("@import"))
        // The hash in the policy is the script's.
        let hash = Data(SHA256.digest(Array(HTMLReport.sortScript.utf8))).base64EncodedString()
        #expect(html.contains("'sha256-\(hash)'"))
        #expect(html.contains("<script>\(HTMLReport.sortScript)</script>"))
    }

    /// Every image and container is a row with its exact bytes, and every layer of two images is
    /// one treemap cell marked shared, naming both.
    @Test func tablesAndTreemapCarryTheFigures() {
        let report = SampleReports.hostile
        let html = HTMLReport(report: report).render()
        for image in report.images {
            #expect(html.contains("data-v=\"\(image.uniqueBytes)\""))
        }
        for container in report.containers {
            #expect(html.contains(HTMLEscaping.escape(container.name)))
            #expect(html.contains("data-v=\"\(container.totalBytes)\""))
        }
        for layer in report.layers where layer.images.count > 1 {
            let id = String(layer.chainId.dropFirst("sha256:".count).prefix(12))
            let cells = html.components(separatedBy: "shared layer \(id), used by").count - 1
            #expect(cells == 1)
        }
        #expect(html.contains("tabindex=\"0\""))
        #expect(html.contains("@media (max-width:700px)"))
    }

    @Test func emptyReportRenders() {
        let html = HTMLReport(report: SampleReports.empty).render()
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("No image layers."))
    }
}

@Suite struct HTMLEscapingTests {
    @Test func theFiveCharactersBecomeReferences() {
        #expect(HTMLEscaping.escape("a&b<c>d\"e'f") == "a&amp;b&lt;c&gt;d&quot;e&#39;f")
    }

    @Test func controlsAndBidiAreShownVisibly() {
        #expect(HTMLEscaping.escape("a\nb") == "a\\nb")
        #expect(HTMLEscaping.escape("a\u{202E}b\u{2066}c") == "a\\u{202e}b\\u{2066}c")
        #expect(HTMLEscaping.escape("\u{1B}[2J") == "\\e[2J")
    }

    @Test func invalidUTF8ShowsItsBytes() {
        #expect(HTMLEscaping.escape([0x61, 0xFF, 0x3C]) == "a\\xff&lt;")
    }

    @Test func nonASCIIPassesThrough() {
        #expect(HTMLEscaping.escape("données-ü-日本") == "données-ü-日本")
    }
}
