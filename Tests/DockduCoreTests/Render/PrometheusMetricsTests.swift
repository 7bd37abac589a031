import Foundation
import Testing

@testable import DockduCore

@Suite struct PrometheusMetricsTests {
    /// Prometheus's own linter and parser; Debian's `prometheus` package ships it.
    static let promtool = ExternalTool.find("promtool")

    static let samples = SampleReports.named.merging(["many": many(500)]) { first, _ in first }

    // MARK: A real parser

    @Test(
        .enabled(if: PrometheusMetricsTests.promtool != nil || ExternalTool.isCI, "promtool is not installed (Debian: prometheus)"),
        arguments: ["hostile", "empty", "long", "many", "containerd", "buildKit"])
    func promtoolFindsNothingWrong(name: String) throws {
        let report = try #require(Self.samples[name])
        let text = PrometheusMetrics(report: report, scanSeconds: 12.5).render()
        let outcome = try runPromtool(text)
        #expect(outcome.status == 0, "promtool check metrics failed:\n\(outcome.standardOutput)\(outcome.standardError)")
        #expect(outcome.standardOutput.isEmpty, "\(outcome.standardOutput)")
        #expect(outcome.standardError.isEmpty, "\(outcome.standardError)")
    }

    /// So that the test above can fail: promtool does reject a broken exposition and a metric
    /// its linter dislikes.
    @Test(.enabled(if: PrometheusMetricsTests.promtool != nil || ExternalTool.isCI, "promtool is not installed (Debian: prometheus)"))
    func promtoolRejectsWhatIsWrong() throws {
        let unescaped = "# HELP dockdu_x A.\n# TYPE dockdu_x gauge\ndockdu_x{a=\"b\"c\"} 1\n"
        #expect(try runPromtool(unescaped).status != 0)
        let counterWithoutTotal = "# HELP dockdu_runs Runs.\n# TYPE dockdu_runs counter\ndockdu_runs 1\n"
        let linted = try runPromtool(counterWithoutTotal)
        #expect(linted.status != 0)
        #expect((linted.standardOutput + linted.standardError).contains("dockdu_runs counter metrics should have \"_total\" suffix"))
    }

    private func runPromtool(_ text: String) throws -> ExternalTool.Outcome {
        guard let promtool = Self.promtool else {
            Issue.record("promtool is missing on CI: add Debian's prometheus package to .ci/run")
            return ExternalTool.Outcome(status: -1, standardOutput: "", standardError: "")
        }
        return try ExternalTool.run(promtool, ["check", "metrics"], input: Array(text.utf8))
    }

    // MARK: Shape

    @Test(arguments: ["hostile", "empty", "long", "many", "containerd", "buildKit"])
    func everyMetricHasHelpTypeAndOneSetOfLabelNames(name: String) throws {
        let report = try #require(Self.samples[name])
        let text = PrometheusMetrics(report: report, scanSeconds: 1).render()
        #expect(text.hasSuffix("\n"))
        let exposition = try Exposition(text)
        #expect(!exposition.families.isEmpty)
        for family in exposition.families {
            #expect(family.name.hasPrefix("dockdu_"))
            #expect(family.help != nil, "\(family.name) has no HELP")
            #expect(family.type == "gauge", "\(family.name)")
            let labelNames = Set(family.samples.map { $0.labels.map(\.name) })
            #expect(labelNames.count == 1, "\(family.name) mixes label names \(labelNames)")
            for sample in family.samples {
                #expect(sample.labels.map(\.name) == sample.labels.map(\.name).sorted())
                #expect(sample.labels.contains { $0.name == "data_root" && $0.value == report.dataRoot })
                if family.name.hasSuffix("_bytes") {
                    #expect(sample.labels.contains { $0.name == "size_mode" && $0.value == report.sizeMode.rawValue })
                }
            }
            let keys = family.samples.map { $0.labels.map { "\($0.name)=\($0.value)" } }
            #expect(Set(keys).count == keys.count, "\(family.name) repeats a series")
        }
        #expect(Set(exposition.families.map(\.name)).count == exposition.families.count)
    }

    @Test func sampleOfTheHostileReport() throws {
        let text = PrometheusMetrics(report: SampleReports.hostile, scanSeconds: 3.25).render()
        try GoldenFile.expect(text, matches: "prometheus-hostile.prom")
    }

    @Test func figuresComeFromTheReport() throws {
        let report = SampleReports.hostile
        let exposition = try Exposition(PrometheusMetrics(report: report, scanSeconds: 3.25).render())
        let common = ["data_root": "/var/lib/docker", "size_mode": "disk"]
        #expect(exposition.value("dockdu_total_bytes", common) == String(report.totalBytes))
        for category in Category.allCases {
            let labels = common.merging(["category": category.rawValue]) { $1 }
            #expect(exposition.value("dockdu_bytes", labels) == String(report.categories[category]))
            #expect(exposition.value("dockdu_reclaimable_bytes", labels) == String(report.reclaimable[category].bytes))
        }
        #expect(exposition.value("dockdu_items", ["category": "images", "data_root": "/var/lib/docker"]) == "4")
        #expect(exposition.value("dockdu_items", ["category": "buildCache", "data_root": "/var/lib/docker"]) == nil)
        #expect(exposition.value("dockdu_orphan_bytes", common) == String(report.categories.orphans))
        #expect(exposition.value("dockdu_orphans", ["data_root": "/var/lib/docker"]) == "3")
        #expect(exposition.value("dockdu_scan_duration_seconds", ["data_root": "/var/lib/docker"]) == "3.25")
        // 2026-11-29T19:24:24Z
        #expect(exposition.value("dockdu_last_run_timestamp_seconds", ["data_root": "/var/lib/docker"]) == "1795980264")
        #expect(exposition.value("dockdu_info", [
            "data_root": "/var/lib/docker", "schema_version": "1", "size_mode": "disk",
            "version": CommandLineTool.version,
        ]) == "1")
        let nginx = common.merging(["image": "nginx:1.27", "image_id": "sha256:aaaaaaaaaaaa"]) { $1 }
        #expect(exposition.value("dockdu_image_bytes", nginx.merging(["kind": "unique"]) { $1 }) == String(107 * SampleReports.mebibyte))
        #expect(exposition.value("dockdu_image_bytes", nginx.merging(["kind": "shared"]) { $1 }) == String(80 * SampleReports.mebibyte))
        let web = common.merging(["container": "web", "container_id": "111111111111"]) { $1 }
        #expect(exposition.value("dockdu_container_bytes", web.merging(["part": "logs"]) { $1 }) == String(30 * SampleReports.mebibyte))
        #expect(exposition.value("dockdu_volume_bytes", common.merging(["volume": "pgdata"]) { $1 }) == String(1200 * SampleReports.mebibyte))
    }

    @Test func everyWarningCodeHasASeriesZerosIncluded() throws {
        var report = SampleReports.long
        report.warnings += [
            Warning(code: .unreadable, path: "volumes/y", message: "denied"),
            Warning(code: .corrupt, path: "containers/z/config.v2.json", message: "bad"),
        ]
        let exposition = try Exposition(PrometheusMetrics(report: report, scanSeconds: 1).render())
        let family = try #require(exposition.families.first { $0.name == "dockdu_warnings" })
        #expect(family.samples.count == WarningCode.allCases.count)
        let counts = Dictionary(uniqueKeysWithValues: family.samples.map { sample in
            (sample.labels.first { $0.name == "code" }?.value ?? "", sample.value)
        })
        var expected = Dictionary(uniqueKeysWithValues: WarningCode.allCases.map { ($0.rawValue, "0") })
        expected["unreadable"] = "2"
        expected["corrupt"] = "1"
        #expect(counts == expected)
        #expect(counts.count >= 7)
    }

    // MARK: The containerd store

    /// Every family the containerd store adds, exactly: one series per root, the top images' blobs
    /// and the store's figures, each from the report.
    @Test func containerdFamiliesAreTheReportsFigures() throws {
        let report = SampleReports.containerd
        let summary = try #require(report.containerdStore)
        let text = PrometheusMetrics(report: report, scanSeconds: 1).render()
        let root = #"data_root="/var/lib/docker""#, mode = #"size_mode="disk""#
        let roots = try #require(report.roots)
        let imageA = try #require(report.images.first { $0.id == SampleReports.rigAID })
        let imageB = try #require(report.images.first { $0.id == SampleReports.rigBID })
        let blobSum = try #require(report.blobs).reduce(Int64(0)) { $0 + $1.bytes }
        func content(_ image: String, _ id: String, _ kind: String, _ bytes: Int64) -> String {
            #"dockdu_image_content_bytes{\#(root),image="\#(image)",image_id="\#(id)",kind="\#(kind)",\#(mode)} \#(bytes)"#
        }
        let expected = [
            #"dockdu_store_root_bytes{\#(root),root="dataRoot",\#(mode),store="overlay2"} \#(roots[0].bytes)"#,
            #"dockdu_store_root_bytes{\#(root),root="containerd",\#(mode),store="containerd"} \#(roots[1].bytes)"#,
            // rig/b has the more unique snapshot bytes, so it comes first, as in dockdu_image_bytes.
            content("rig/b:1", "sha256:496b89b378b8", "unique", 118_784 + 8192),
            content("rig/b:1", "sha256:496b89b378b8", "shared", imageB.sharedContentBytes ?? -1),
            content("rig/a:1", "sha256:0bd33f163fb4", "unique", 4096 + 8192),
            content("rig/a:1", "sha256:0bd33f163fb4", "shared", imageA.sharedContentBytes ?? -1),
            content("_other", "_other", "unique", 0),
            content("_other", "_other", "shared", 0),
            "dockdu_blob_bytes{\(root),\(mode)} \(blobSum)",
            "dockdu_containerd_compressed_copies_bytes{\(root),\(mode)} \(summary.compressedCopiesBytes)",
            "dockdu_containerd_in_progress_bytes{\(root),\(mode)} \(summary.inProgressBytes)",
            "dockdu_containerd_held_bytes{\(root),\(mode)} \(summary.heldBytes)",
        ]
        let samples = text.split(separator: "\n").map(String.init).filter { line in
            ["dockdu_store_root_bytes", "dockdu_image_content_bytes", "dockdu_blob_bytes", "dockdu_containerd_"].contains { line.hasPrefix($0) }
        }
        #expect(samples == expected)
        // The shared base layer's blob is in the sum once, not once per image.
        #expect(blobSum == (imageA.contentBytes ?? 0) + (imageB.contentBytes ?? 0) - 1_032_192)
        #expect(roots[0].bytes + roots[1].bytes == report.totalBytes)
        for family in ["dockdu_store_root_bytes", "dockdu_image_content_bytes", "dockdu_blob_bytes", "dockdu_containerd_compressed_copies_bytes",
                       "dockdu_containerd_in_progress_bytes", "dockdu_containerd_held_bytes"] {
            #expect(text.contains("# TYPE \(family) gauge\n"), "\(family)")
        }
    }

    /// A report from before dockdu 0.3 gets no new family: its file is what it always was (the
    /// golden file above holds the rest).
    @Test(arguments: ["hostile", "empty", "long", "many"])
    func anEarlierReportHasNoStoreFamilies(name: String) throws {
        let text = PrometheusMetrics(report: try #require(Self.samples[name]), scanSeconds: 1).render()
        for family in ["dockdu_store_root_bytes", "dockdu_image_content_bytes", "dockdu_blob_bytes", "dockdu_containerd_"] {
            #expect(!text.contains(family), "\(family)")
        }
    }

    /// An overlay2 host's report from 0.3 on has its one root, and nothing of containerd's.
    @Test func anOverlay2ReportHasItsRootAndNoContainerdFamilies() throws {
        var report = SampleReports.hostile
        report.stores = [StoreFinding(name: .overlay2, root: "/var/lib/docker", rule: "storage-driver overlay2")]
        report.roots = [RootUsage(name: .dataRoot, path: "/var/lib/docker", bytes: report.totalBytes)]
        let text = PrometheusMetrics(report: report, scanSeconds: 1).render()
        let roots = text.split(separator: "\n").filter { $0.hasPrefix("dockdu_store_root_bytes") }
        #expect(roots == [#"dockdu_store_root_bytes{data_root="/var/lib/docker",root="dataRoot",size_mode="disk",store="overlay2"} \#(report.totalBytes)"#])
        for family in ["dockdu_image_content_bytes", "dockdu_blob_bytes", "dockdu_containerd_"] {
            #expect(!text.contains(family), "\(family)")
        }
    }

    /// A data root with only containers and volumes (the image store lives elsewhere) says so.
    @Test func aRootNoStoreLivesUnderIsStoreNone() throws {
        var report = SampleReports.containerd
        report.stores = report.stores?.filter { $0.name == .containerd }
        let exposition = try Exposition(PrometheusMetrics(report: report, scanSeconds: 1).render())
        let family = try #require(exposition.families.first { $0.name == "dockdu_store_root_bytes" })
        #expect(family.samples.map { [$0.label("root"), $0.label("store")] } == [["dataRoot", "none"], ["containerd", "containerd"]])
    }

    /// The content family names exactly the images the image family names, by the same rule, and
    /// folding the rest loses nothing.
    @Test func imageContentFollowsTheImageSeriesTopN() throws {
        var report = Self.many(500)
        for index in report.images.indices {
            // Content bytes that grow the other way: a different order would name other images.
            report.images[index].contentBytes = Int64(600 - index) * SampleReports.kibibyte
            report.images[index].sharedContentBytes = Int64(index % 7) * 100
        }
        report.containerdStore = ContainerdStoreSummary(compressedCopiesBytes: 0, inProgressBytes: 0, heldBytes: 0)
        let exposition = try Exposition(PrometheusMetrics(report: report, scanSeconds: 1, topN: 20).render())
        func series(_ metric: String, kind: String) throws -> [Exposition.Sample] {
            try #require(exposition.families.first { $0.name == metric }).samples.filter { $0.label("kind") == kind }
        }
        for kind in ["unique", "shared"] {
            let images = try series("dockdu_image_bytes", kind: kind)
            let content = try series("dockdu_image_content_bytes", kind: kind)
            #expect(content.count == 21)
            #expect(content.map { [$0.label("image"), $0.label("image_id")] } == images.map { [$0.label("image"), $0.label("image_id")] })
        }
        let unique = try series("dockdu_image_content_bytes", kind: "unique").compactMap { Int64($0.value) }
        #expect(unique.reduce(0, +) == report.images.reduce(0) { $0 + ($1.contentBytes ?? 0) - ($1.sharedContentBytes ?? 0) })
        let shared = try series("dockdu_image_content_bytes", kind: "shared").compactMap { Int64($0.value) }
        #expect(shared.reduce(0, +) == report.images.reduce(0) { $0 + ($1.sharedContentBytes ?? 0) })
    }

    // MARK: Bounded cardinality

    @Test func fiveHundredItemsGiveTopNAndOneOtherSeriesEach() throws {
        let report = Self.many(500)
        let exposition = try Exposition(PrometheusMetrics(report: report, scanSeconds: 1, topN: 20).render())
        func series(_ metric: String, _ label: String, _ value: String) throws -> [Exposition.Sample] {
            let family = try #require(exposition.families.first { $0.name == metric })
            return family.samples.filter { $0.labels.contains { $0.name == label && $0.value == value } }
        }
        for kind in ["unique", "shared"] {
            let images = try series("dockdu_image_bytes", "kind", kind)
            #expect(images.count == 21)
            #expect(images.last?.label("image") == "_other")
        }
        for part in ["rw", "logs", "total"] {
            let containers = try series("dockdu_container_bytes", "part", part)
            #expect(containers.count == 21)
            #expect(containers.last?.label("container") == "_other")
        }
        let volumes = try #require(exposition.families.first { $0.name == "dockdu_volume_bytes" }).samples
        #expect(volumes.count == 21)

        // Nothing is lost in the folding.
        let unique = try series("dockdu_image_bytes", "kind", "unique").compactMap { Int64($0.value) }
        #expect(unique.reduce(0, +) == report.images.reduce(0) { $0 + $1.uniqueBytes })
        let totals = try series("dockdu_container_bytes", "part", "total").compactMap { Int64($0.value) }
        #expect(totals.reduce(0, +) == report.containers.reduce(0) { $0 + $1.totalBytes })
        #expect(volumes.compactMap { Int64($0.value) }.reduce(0, +) == report.volumes.reduce(0) { $0 + $1.bytes })

        // The biggest are the ones named: image 500 has the most unique bytes.
        let first = try series("dockdu_image_bytes", "kind", "unique").first
        #expect(first?.label("image") == "app:500")
        #expect(first?.value == String(500 * SampleReports.kibibyte))
        #expect(try series("dockdu_image_bytes", "kind", "unique").dropLast().last?.label("image") == "app:481")
    }

    @Test(arguments: [0, -3])
    func topNOfZeroFoldsEverything(topN: Int) throws {
        let exposition = try Exposition(PrometheusMetrics(report: Self.many(30), scanSeconds: 1, topN: topN).render())
        let volumes = try #require(exposition.families.first { $0.name == "dockdu_volume_bytes" }).samples
        #expect(volumes.map { $0.label("volume") } == ["_other"])
        #expect(volumes.first?.value == String((1...30).reduce(Int64(0)) { $0 + Int64($1) * SampleReports.mebibyte }))
    }

    @Test func emptyReportStillHasTheOtherSeries() throws {
        let exposition = try Exposition(PrometheusMetrics(report: SampleReports.empty, scanSeconds: 0).render())
        let images = try #require(exposition.families.first { $0.name == "dockdu_image_bytes" }).samples
        #expect(images.map { $0.label("kind") } == ["unique", "shared"])
        #expect(images.allSatisfy { $0.label("image") == "_other" && $0.value == "0" })
    }

    // MARK: Escaping and determinism

    @Test func labelValuesEscapeBackslashQuoteAndNewline() {
        #expect(PrometheusMetrics.escapeLabelValue("a\"b\\c\nd") == #"a\"b\\c\nd"#)
        #expect(PrometheusMetrics.escapeLabelValue("app:2 ünï") == "app:2 ünï")
    }

    /// Names are escaped for the terminal first (the text may go to one), then for the format.
    @Test func hostileNamesReachNeitherTheTerminalNorTheParserRaw() throws {
        var report = SampleReports.empty
        report.dataRoot = "/srv/dock\"er\\root"
        let name = "a\"b\\c\nd\u{1B}[2J\u{202E}"
        report.containers = [
            ContainerUsage(
                id: SampleReports.hex("7"), name: name, imageId: "", state: .unknown,
                created: nil, finishedAt: nil, logDriver: nil, rwBytes: 1, logBytes: 2, totalBytes: 3,
                volumes: [])
        ]
        let text = PrometheusMetrics(report: report, scanSeconds: 1).render()
        #expect(text.contains(#"container="a\"b\\\\c\\nd\\e[2J\\u{202e}""#))
        #expect(text.contains(#"data_root="/srv/dock\"er\\\\root""#))
        #expect(text.utf8.allSatisfy { $0 >= 0x20 && $0 != 0x7F || $0 == 0x0A })
        #expect(!text.unicodeScalars.contains { $0 == "\u{202E}" })
        for line in text.split(separator: "\n") {
            #expect(line.hasPrefix("# ") || line.hasPrefix("dockdu_"), "\(line)")
        }
        let exposition = try Exposition(text)
        let sample = try #require(exposition.families.first { $0.name == "dockdu_container_bytes" }?.samples.first)
        #expect(sample.label("container") == TerminalEscaping.escape(name))
    }

    @Test(.enabled(if: PrometheusMetricsTests.promtool != nil || ExternalTool.isCI, "promtool is not installed (Debian: prometheus)"))
    func promtoolReadsHostileNames() throws {
        var report = SampleReports.hostile
        report.dataRoot = "/srv/dock\"er\\root\n"
        let outcome = try runPromtool(PrometheusMetrics(report: report, scanSeconds: 1).render())
        #expect(outcome.status == 0, "\(outcome.standardOutput)\(outcome.standardError)")
    }

    @Test func outputDoesNotDependOnTheReportsOrder() {
        var shuffled = Self.many(60)
        shuffled.images.reverse()
        shuffled.containers.reverse()
        shuffled.volumes.reverse()
        let metrics = PrometheusMetrics(report: Self.many(60), scanSeconds: 2)
        #expect(metrics.render() == PrometheusMetrics(report: shuffled, scanSeconds: 2).render())
        #expect(metrics.render() == metrics.render())
    }

    @Test(arguments: [(0.5, "0.5"), (2, "2.0"), (Double.nan, "NaN"), (Double.infinity, "+Inf")])
    func scanSecondsAreFloatsPrometheusReads(seconds: Double, text: String) throws {
        let exposition = try Exposition(PrometheusMetrics(report: SampleReports.empty, scanSeconds: seconds).render())
        #expect(exposition.value("dockdu_scan_duration_seconds", ["data_root": "/srv/docker"]) == text)
    }

    @Test func shortImageIDsThatCollideMakeOneSeries() throws {
        var report = SampleReports.empty
        let prefix = "sha256:" + String(repeating: "0", count: 12)
        report.images = ["1", "2"].map { last in
            ImageUsage(
                id: prefix + String(repeating: "f", count: 51) + last, tags: [], dangling: true,
                created: nil, layers: [], bytes: 10, sharedBytes: 0, uniqueBytes: 10, containers: [])
        }
        let exposition = try Exposition(PrometheusMetrics(report: report, scanSeconds: 1).render())
        let unique = try #require(exposition.families.first { $0.name == "dockdu_image_bytes" })
            .samples.filter { $0.label("kind") == "unique" }
        #expect(unique.map { $0.label("image") } == ["<none>:<none>", "_other"])
        #expect(unique.first?.value == "20")
    }

    // MARK: Helpers

    /// `count` images, containers and volumes of growing sizes, listed smallest first.
    static func many(_ count: Int) -> Report {
        var report = SampleReports.empty
        report.dataRoot = "/var/lib/docker"
        report.sizeMode = .disk
        for index in 1...count {
            let hex = String(String(index, radix: 16).reversed()) + String(repeating: "0", count: 64)
            let id = String(hex.prefix(64))
            report.images.append(ImageUsage(
                id: "sha256:" + id, tags: ["app:\(index)"], dangling: false, created: nil, layers: [],
                bytes: Int64(index) * 3 * SampleReports.kibibyte, sharedBytes: Int64(index) * 2 * SampleReports.kibibyte,
                uniqueBytes: Int64(index) * SampleReports.kibibyte, containers: []))
            report.containers.append(ContainerUsage(
                id: id, name: "c\(index)", imageId: "sha256:" + id, state: .running, created: nil,
                finishedAt: nil, logDriver: "json-file", rwBytes: Int64(index), logBytes: Int64(index) * 2,
                totalBytes: Int64(index) * 4, volumes: []))
            report.volumes.append(VolumeUsage(
                name: "v\(index)", bytes: Int64(index) * SampleReports.mebibyte, containers: [], anonymous: false))
        }
        report.categories.images = report.images.reduce(0) { $0 + $1.uniqueBytes }
        report.categories.volumes = report.volumes.reduce(0) { $0 + $1.bytes }
        report.totalBytes = report.categories.sum
        return report
    }
}

/// A strict reader of the text exposition format, enough to check our own output's shape
/// (promtool checks the syntax; this checks what promtool does not: one set of label names per
/// metric, no repeated series).
struct Exposition {
    struct Label: Equatable { var name: String; var value: String }
    struct Sample {
        var labels: [Label]
        var value: String
        func label(_ name: String) -> String? { labels.first { $0.name == name }?.value }
    }
    struct Family {
        var name: String
        var help: String?
        var type: String?
        var samples: [Sample] = []
    }
    struct ParseError: Error, CustomStringConvertible { var description: String }

    var families: [Family] = []

    init(_ text: String) throws {
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") || line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ", maxSplits: 3, omittingEmptySubsequences: false)
                guard parts.count == 4 else { throw ParseError(description: "bad comment: \(line)") }
                let name = String(parts[2])
                if families.last?.name != name { families.append(Family(name: name)) }
                if parts[1] == "HELP" { families[families.count - 1].help = String(parts[3]) }
                else { families[families.count - 1].type = String(parts[3]) }
                continue
            }
            var scalars = Substring(line).unicodeScalars[...]
            var name = ""
            while let scalar = scalars.first, scalar != "{", scalar != " " {
                name.unicodeScalars.append(scalar)
                scalars.removeFirst()
            }
            guard families.last?.name == name else { throw ParseError(description: "sample before its TYPE: \(line)") }
            var labels: [Label] = []
            if scalars.first == "{" {
                scalars.removeFirst()
                while scalars.first != "}" {
                    var labelName = ""
                    while let scalar = scalars.first, scalar != "=" {
                        labelName.unicodeScalars.append(scalar)
                        scalars.removeFirst()
                    }
                    guard scalars.popFirst() == "=", scalars.popFirst() == "\"" else {
                        throw ParseError(description: "bad label in \(line)")
                    }
                    var value = ""
                    while let scalar = scalars.popFirst(), scalar != "\"" {
                        if scalar == "\\" {
                            switch scalars.popFirst() {
                            case "\\": value += "\\"
                            case "\"": value += "\""
                            case "n": value += "\n"
                            default: throw ParseError(description: "bad escape in \(line)")
                            }
                        } else {
                            value.unicodeScalars.append(scalar)
                        }
                    }
                    labels.append(Label(name: labelName, value: value))
                    if scalars.first == "," { scalars.removeFirst() }
                }
                scalars.removeFirst()
            }
            guard scalars.popFirst() == " " else { throw ParseError(description: "no value in \(line)") }
            families[families.count - 1].samples.append(Sample(labels: labels, value: String(String.UnicodeScalarView(scalars))))
        }
    }

    /// The value of the series with exactly these labels.
    func value(_ metric: String, _ labels: [String: String]) -> String? {
        families.first { $0.name == metric }?.samples.first { sample in
            Dictionary(uniqueKeysWithValues: sample.labels.map { ($0.name, $0.value) }) == labels
        }?.value
    }
}
