import Foundation
import TableAgreement
import Testing

@testable import DockduCore

/// The samples `make samples` records into README.md (it needs root and docker) are held here,
/// without either, to the current binary's format: the same sections and columns, the same first
/// line and metric families, JSON that the report schema accepts.
@Suite struct ReadmeSampleTests {
    static func sample(_ name: String) throws -> [String] {
        try #require(try Readme.load().sampleOutput(name), "README.md has no filled sample \(name): run make samples")
    }

    @Test func theReportSampleHasTheCurrentSectionsAndColumns() throws {
        let sample = try Self.sample("report")
        let current = SampleReports.overlay2Host
        // `make samples` records to a pipe: 80 columns, as CommandLineTool.outputWidth says.
        let rendered = HumanReport(report: current, exactBytes: false, width: 80).render()
        #expect(sample.first?.hasPrefix("Data root /var/lib/docker; sizes: disk (allocated blocks, as du -sx); scanned ") == true)
        let table = HumanTable(sample.joined(separator: "\n"))
        let expected = HumanTable(rendered)
        for title in ["SUMMARY", "IMAGES", "CONTAINERS", "VOLUMES", "ORPHANS"] {
            let section = try #require(table.sections[title], "no \(title) in README's report sample")
            guard section.count != 0 else { continue }
            #expect(Self.words(section.header) == Self.words(expected.sections[title]?.header ?? ""), "\(title) columns")
        }
        let summary = try #require(table.sections["SUMMARY"])
        let labels = summary.rows.map { HumanTable.cell($0, header: summary.header, column: "CATEGORY", rightAligned: false) ?? "" }
        #expect(labels == Category.allCases.map(\.label) + ["TOTAL"])
        #expect(sample.last == "No warnings." || sample.last?.hasSuffix("more") == true || sample.contains { $0.contains("run with --json for details") })
    }

    @Test func thePlanSampleHasTheCurrentColumns() throws {
        let sample = try Self.sample("plan")
        var plan = JSONSchemaTests.plan(everyOptionalField: true)
        plan.dataRoot = "/var/lib/docker"
        plan.target = nil  // the README's plan sample has no --free
        let rendered = HumanPlan(plan: plan, exactBytes: false).render().split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
        #expect(sample.first == rendered.first)
        #expect(sample.dropFirst().first?.hasPrefix("Sizes: disk (allocated blocks, as du -sx); scanned ") == true)
        let headers = ReadmeTests.columns(sample.joined(separator: "\n"))
        #expect(headers == ReadmeTests.columns(rendered.joined(separator: "\n")).filter { $0 != "LEFT OUT" })
        #expect(sample.last == rendered.last)
    }

    /// One block per target, each with the fields HumanWhy prints, in its order.
    @Test func theWhySampleHasTheCurrentFields() throws {
        let sample = try Self.sample("why")
        #expect(sample.first?.hasPrefix("/var/lib/docker/overlay2/") == true, "the first target is a path in merged/")
        let labels = sample.compactMap { line in ["path", "owner", "bytes", "shared by", "to free"].first { line.hasPrefix("  \($0) ") } }
        let document = WhyDocument(
            schemaVersion: 1, dataRoot: "/var/lib/docker", generatedAt: "", answers: [], unknownTargets: [], seconds: 0, walkedPaths: 0)
        #expect(HumanWhy(document: document, exactBytes: false, width: 80).render().isEmpty)
        #expect(labels.filter { $0 == "owner" }.count == 2, "two targets: \(labels)")
        #expect(labels.filter { $0 != "path" } == Array(repeating: ["owner", "bytes", "shared by", "to free"], count: 2).flatMap { $0 })
        #expect(sample.contains { $0.contains("frees") })
    }

    /// Parsed as a report (the trust boundary's checks included), and under python's
    /// jsonschema when it is there: only its lists were cut to one item.
    @Test func theJSONSampleIsAReportOfTodaysSchema() throws {
        let text = try Self.sample("report-json").joined(separator: "\n")
        let report = try ReportComparison.decodeReport(Array(text.utf8))
        #expect(report.schemaVersion == Report.currentSchemaVersion)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let encoded = try ReportEncodingTests.object(SampleReports.overlay2Host)
        #expect(Set(object.keys) == Set(encoded.keys))
        for key in ["images", "containers", "volumes"] {
            for item in ReportEncodingTests.items(object, key) {
                #expect(item["reclaimReason"] != nil && item["reclaimable"] != nil, "\(key) in README's JSON lacks its verdict")
            }
        }
        if let python = JSONSchemaTests.python {
            let schema = JSONSchemaTests.schemaDirectory.appendingPathComponent("report.schema.json").path
            let outcome = try ExternalTool.run(python, ["-c", JSONSchemaTests.validator, schema], input: Array(text.utf8))
            #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
        }
    }

    /// The first line is what dockdu prints first; every HELP and TYPE line is today's; every
    /// series has today's metric name and label names; the families come in today's order; and
    /// the Monitoring section names every family.
    @Test func thePrometheusSampleIsWhatTheProgramPrints() throws {
        let sample = try Self.sample("prometheus").filter { $0 != "…" }
        let current = SampleReports.overlay2Host
        let rendered = PrometheusMetrics(report: current, scanSeconds: 1).render().split(separator: "\n").map(String.init)
        #expect(sample.first == rendered.first)
        let comments = Set(rendered.filter { $0.hasPrefix("# ") })
        let shapes = Set(rendered.filter { !$0.hasPrefix("#") }.map(Self.shape))
        var families: [String] = []
        for line in sample {
            if line.hasPrefix("# ") {
                #expect(comments.contains(line), "not what dockdu prints: \(line)")
                let name = String(line.split(separator: " ")[2])
                if families.last != name { families.append(name) }
            } else {
                #expect(shapes.contains(Self.shape(line)), "no series of this name and labels: \(line)")
            }
        }
        let order = rendered.filter { $0.hasPrefix("# HELP ") }.map { String($0.split(separator: " ")[2]) }
        #expect(Array(order.prefix(families.count)) == families)
        let monitoring = try #require(try Readme.load().section("## Monitoring"))
        for name in order { #expect(monitoring.contains(name), "README's Monitoring does not name \(name)") }
    }

    // MARK: Helpers

    static func words(_ header: String) -> [String] {
        header.components(separatedBy: "  ").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// `name{a,b}`: a series without its label values and value.
    static func shape(_ line: String) -> String {
        guard let open = line.firstIndex(of: "{"), let close = line.lastIndex(of: "}") else {
            return String(line.prefix { $0 != " " })
        }
        var names: [String] = []
        var inValue = false
        var current = ""
        var escaped = false
        for character in line[line.index(after: open)..<close] {
            if inValue {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inValue = false }
            } else if character == "=" {
                names.append(current)
                current = ""
            } else if character == "\"" {
                inValue = true
            } else if character != "," {
                current.append(character)
            }
        }
        return String(line[..<open]) + "{" + names.joined(separator: ",") + "}"
    }
}
