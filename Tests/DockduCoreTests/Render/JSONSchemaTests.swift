import Foundation
import Testing

@testable import DockduCore

/// Holds the JSON documents dockdu writes against the schemas it publishes in
/// Packaging/schema/, with a real validator (python's jsonschema, draft 2020-12): documents
/// built from real values must pass, and documents with a key missing, a wrong enum value or an
/// extra key must fail, so the schemas are neither looser nor stricter than the encoder.
@Suite struct JSONSchemaTests {
    static let schemaDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Packaging").appendingPathComponent("schema")

    /// A python 3 that can import jsonschema: the one on PATH, else Debian's.
    static let python: String? = {
        let candidates = [ExternalTool.find("python3"), "/usr/bin/python3"].compactMap { $0 }
        return candidates.first { candidate in
            (try? ExternalTool.run(candidate, ["-c", "import jsonschema"]))?.status == 0
        }
    }()

    static let pythonMissing = "python3 with jsonschema is not installed (Debian: python3-jsonschema)"

    /// Checks the schema itself against draft 2020-12, then validates standard input; prints one
    /// line per error and exits 1 when there is any.
    static let validator = """
        import json, sys
        import jsonschema
        with open(sys.argv[1]) as f:
            schema = json.load(f)
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as error:
            print("invalid schema: " + error.message)
            sys.exit(3)
        document = json.load(sys.stdin)
        errors = sorted(jsonschema.Draft202012Validator(schema).iter_errors(document), key=lambda e: list(map(str, e.absolute_path)))
        for error in errors:
            print("/" + "/".join(map(str, error.absolute_path)) + ": " + error.message)
        sys.exit(1 if errors else 0)
        """

    // MARK: Real documents pass

    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)),
          arguments: ["hostile", "empty", "long", "later", "unknown", "containerd", "buildKit"])
    func reportsMatchTheReportSchema(name: String) throws {
        let report = try #require(SampleReports.named.merging(["later": ComparisonSamples.new, "unknown": SampleReports.unknown]) { $1 }[name])
        try expectValid(JSONRendering.render(report), against: "report.schema.json")
    }

    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)),
          arguments: [true, false])
    func plansMatchThePlanSchema(everyOptionalField: Bool) throws {
        try expectValid(JSONRendering.render(Self.plan(everyOptionalField: everyOptionalField)), against: "plan.schema.json")
    }

    /// `dockdu why --json` on the hand-made root, every kind of owner and an unknown target.
    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)))
    func whyAnswersMatchTheWhySchema() throws {
        let root = try HandMadeDataRoot()
        let targets = [
            "overlay2/\(root.layers[0])/diff/content", root.layers[1], "app:1", "web", "data", "\(root.liveMount)-init",
            "overlay2/leftover", root.snapshot, "containers/\(root.liveContainer)/\(root.liveContainer)-json.log", "image", "nothing",
        ]
        let document = try Why(dataRoot: root.tree.path, workerCount: 2).answer(targets, generatedAt: "2026-11-29T19:24:24Z")
        #expect(Set(document.answers.map(\.owner.kind)).count == 9 && document.unknownTargets.count == 1)
        let rendered = try JSONRendering.render(document)
        try expectValid(rendered, against: "why.schema.json")
        try expectInvalid(rendered, against: "why.schema.json", saying: "/answers/0/owner/kind: 'owner' is not one of") { object in
            var answers = object["answers"] as! [[String: Any]]
            var owner = answers[0]["owner"] as! [String: Any]
            owner["kind"] = "owner"
            answers[0]["owner"] = owner
            object["answers"] = answers
        }
    }

    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)))
    func comparisonsMatchTheComparisonSchema() throws {
        let comparisons = [
            try ReportComparison(old: ComparisonSamples.old, new: ComparisonSamples.new),
            try ReportComparison(old: ComparisonSamples.new, new: ComparisonSamples.old),
            try ReportComparison(old: ComparisonSamples.longOld, new: ComparisonSamples.longNew),
            try ReportComparison(old: SampleReports.empty, new: SampleReports.empty),
        ]
        for comparison in comparisons {
            try expectValid(JSONRendering.render(comparison), against: "comparison.schema.json")
        }
    }

    // MARK: Wrong documents fail

    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)))
    func aReportWithAMissingKeyAWrongEnumOrAnExtraKeyFails() throws {
        let report = try JSONRendering.render(SampleReports.hostile)
        try expectInvalid(report, against: "report.schema.json", saying: "'sizeMode' is a required property") {
            $0["sizeMode"] = nil
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/containers/0/state: 'zombie' is not one of") {
            var containers = $0["containers"] as! [[String: Any]]
            containers[0]["state"] = "zombie"
            $0["containers"] = containers
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/warnings/0/code: 'mystery' is not one of") {
            var warnings = $0["warnings"] as! [[String: Any]]
            warnings[0]["code"] = "mystery"
            $0["warnings"] = warnings
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/orphans/0/kind: 'stray' is not one of") {
            var orphans = $0["orphans"] as! [[String: Any]]
            orphans[0]["kind"] = "stray"
            $0["orphans"] = orphans
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/categories: 'logs' is a required property") {
            var categories = $0["categories"] as! [String: Any]
            categories["logs"] = nil
            $0["categories"] = categories
        }
        try expectInvalid(report, against: "report.schema.json", saying: "Additional properties are not allowed ('size' was unexpected)") {
            var images = $0["images"] as! [[String: Any]]
            images[0]["size"] = 1
            $0["images"] = images
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/volumes/0/reclaimReason: 'maybe' is not one of") {
            var volumes = $0["volumes"] as! [[String: Any]]
            volumes[0]["reclaimReason"] = "maybe"
            $0["volumes"] = volumes
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/summary/logs: 'reclaimableBytes' is a required property") {
            var summary = $0["summary"] as! [String: [String: Any]]
            summary["logs"]?["reclaimableBytes"] = nil
            $0["summary"] = summary
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/schemaVersion: 1 was expected") {
            $0["schemaVersion"] = 2
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/totalBytes: -1 is less than the minimum of 0") {
            $0["totalBytes"] = -1
        }
    }

    /// The containerd store's fields are held as tightly as the rest.
    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)))
    func aContainerdReportWithAWrongStoreRootOrBlobFails() throws {
        let report = try JSONRendering.render(SampleReports.containerd)
        try expectInvalid(report, against: "report.schema.json", saying: "/stores/1/name: 'btrfs' is not one of") {
            var stores = $0["stores"] as! [[String: Any]]
            stores[1]["name"] = "btrfs"
            $0["stores"] = stores
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/stores/0: 'rule' is a required property") {
            var stores = $0["stores"] as! [[String: Any]]
            stores[0]["rule"] = nil
            $0["stores"] = stores
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/roots/1/name: 'elsewhere' is not one of") {
            var roots = $0["roots"] as! [[String: Any]]
            roots[1]["name"] = "elsewhere"
            $0["roots"] = roots
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/orphans/0/base: 'dataRoot' is not one of") {
            var orphans = $0["orphans"] as! [[String: Any]]
            orphans[0]["base"] = "dataRoot"
            $0["orphans"] = orphans
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/images/0/contentBytes: -1 is less than the minimum of 0") {
            var images = $0["images"] as! [[String: Any]]
            images[0]["contentBytes"] = -1
            $0["images"] = images
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/layers/0/store: 'zfs' is not one of") {
            var layers = $0["layers"] as! [[String: Any]]
            layers[0]["store"] = "zfs"
            $0["layers"] = layers
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/blobs/0/digest: 'sha256:abc' does not match") {
            var blobs = $0["blobs"] as! [[String: Any]]
            blobs[0]["digest"] = "sha256:abc"
            $0["blobs"] = blobs
        }
        try expectInvalid(report, against: "report.schema.json", saying: "/containerdStore: 'heldBytes' is a required property") {
            var summary = $0["containerdStore"] as! [String: Any]
            summary["heldBytes"] = nil
            $0["containerdStore"] = summary
        }
        try expectInvalid(report, against: "report.schema.json", saying: "Additional properties are not allowed ('leases' was unexpected)") {
            var summary = $0["containerdStore"] as! [String: Any]
            summary["leases"] = 1
            $0["containerdStore"] = summary
        }
    }

    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)))
    func aPlanWithAMissingKeyOrAWrongEnumFails() throws {
        let plan = try JSONRendering.render(Self.plan(everyOptionalField: true))
        try expectInvalid(plan, against: "plan.schema.json", saying: "/actions/0/kind: 'nuke' is not one of") {
            var actions = $0["actions"] as! [[String: Any]]
            actions[0]["kind"] = "nuke"
            $0["actions"] = actions
        }
        try expectInvalid(plan, against: "plan.schema.json", saying: "/policy: 'keep' is a required property") {
            var policy = $0["policy"] as! [String: Any]
            policy["keep"] = nil
            $0["policy"] = policy
        }
        try expectInvalid(plan, against: "plan.schema.json", saying: "/policy/volumes: 'some' is not one of") {
            var policy = $0["policy"] as! [String: Any]
            policy["volumes"] = "some"
            $0["policy"] = policy
        }
        try expectInvalid(plan, against: "plan.schema.json", saying: "/dryRun: True was expected") {
            $0["dryRun"] = false
        }
        try expectInvalid(plan, against: "plan.schema.json", saying: "/sizeMode: 'blocks' is not one of") {
            $0["sizeMode"] = "blocks"
        }
    }

    @Test(.enabled(if: JSONSchemaTests.python != nil || ExternalTool.isCI, .init(rawValue: pythonMissing)))
    func aComparisonWithAMissingKeyOrAWrongEnumFails() throws {
        let comparison = try JSONRendering.render(ReportComparison(old: ComparisonSamples.old, new: ComparisonSamples.new))
        try expectInvalid(comparison, against: "comparison.schema.json", saying: "/images/0/status: 'grew' is not one of") {
            var images = $0["images"] as! [[String: Any]]
            images[0]["status"] = "grew"
            $0["images"] = images
        }
        try expectInvalid(comparison, against: "comparison.schema.json", saying: "/total: 'deltaBytes' is a required property") {
            var total = $0["total"] as! [String: Any]
            total["deltaBytes"] = nil
            $0["total"] = total
        }
        try expectInvalid(comparison, against: "comparison.schema.json", saying: "'newGeneratedAt' is a required property") {
            $0["newGeneratedAt"] = nil
        }
    }

    // MARK: Enums agree with the model

    /// Runs without python: the schemas' enums are exactly the model's cases, so a case added
    /// to the model fails here until the schema has it.
    @Test func schemaEnumsAreTheModelsCases() throws {
        let report = try Self.schema("report.schema.json")
        let plan = try Self.schema("plan.schema.json")
        let comparison = try Self.schema("comparison.schema.json")
        func strings(_ value: Any?) -> [String] { (value as? [String]) ?? [] }
        func definitions(_ schema: [String: Any]) -> [String: [String: Any]] {
            (schema["$defs"] as? [String: [String: Any]]) ?? [:]
        }
        let reportDefinitions = definitions(report)
        #expect(strings(reportDefinitions["sizeMode"]?["enum"]) == ["disk", "apparent"])
        #expect(strings(reportDefinitions["containerState"]?["enum"]) == ContainerState.allCases.map(\.rawValue))
        #expect(strings(reportDefinitions["warningCode"]?["enum"]) == WarningCode.allCases.map(\.rawValue))
        #expect(strings(reportDefinitions["orphanKind"]?["enum"]) == Self.everyOrphanKind.map(\.rawValue))
        #expect(strings(reportDefinitions["categoryBytes"]?["required"]) == Category.allCases.map(\.rawValue))

        let planDefinitions = definitions(plan)
        #expect(strings(planDefinitions["actionKind"]?["enum"]) == PlanAction.Kind.allCases.map(\.rawValue))
        let planWarning = planDefinitions["warning"]?["properties"] as? [String: [String: Any]]
        #expect(strings(planWarning?["code"]?["enum"]) == WarningCode.allCases.map(\.rawValue))

        let comparisonDefinitions = definitions(comparison)
        #expect(strings(comparisonDefinitions["status"]?["enum"]) == ReportComparison.Status.allCases.map(\.rawValue))
        let orphanChange = comparisonDefinitions["orphanChange"]?["properties"] as? [String: [String: Any]]
        #expect(strings(orphanChange?["kind"]?["enum"]) == Self.everyOrphanKind.map(\.rawValue))
        let categoryChange = comparisonDefinitions["categoryChange"]?["properties"] as? [String: [String: Any]]
        #expect(strings(categoryChange?["category"]?["enum"]) == Category.allCases.map(\.rawValue))
    }

    /// Every key the encoder writes for a fully populated value is one the schema lists, and
    /// every key it always writes is required: the schema's required lists are the model's
    /// non-optional properties.
    @Test func requiredKeysAreTheEncodersAlwaysPresentKeys() throws {
        let schema = try Self.schema("plan.schema.json")
        let full = try JSONSerialization.jsonObject(with: Data(JSONRendering.render(Self.plan(everyOptionalField: true)))) as! [String: Any]
        let bare = try JSONSerialization.jsonObject(with: Data(JSONRendering.render(Self.plan(everyOptionalField: false)))) as! [String: Any]
        #expect(Set((schema["properties"] as! [String: Any]).keys) == Set(full.keys))
        #expect(Set(schema["required"] as! [String]) == Set(bare.keys))
        let report = try Self.schema("report.schema.json")
        let encoded = try JSONSerialization.jsonObject(with: Data(JSONRendering.render(SampleReports.hostile))) as! [String: Any]
        #expect(Set(report["required"] as! [String]) == Set(encoded.keys))
        // The containerd and BuildKit samples have every optional top-level key between them.
        let everyKey = try [SampleReports.containerd, SampleReports.buildKit].flatMap { sample in
            (try JSONSerialization.jsonObject(with: Data(JSONRendering.render(sample))) as! [String: Any]).keys
        }
        #expect(Set((report["properties"] as! [String: Any]).keys) == Set(everyKey))
        let comparisonSchema = try Self.schema("comparison.schema.json")
        let comparison = try JSONSerialization.jsonObject(
            with: Data(JSONRendering.render(ReportComparison(old: ComparisonSamples.old, new: ComparisonSamples.new)))) as! [String: Any]
        #expect(Set(comparisonSchema["required"] as! [String]) == Set(comparison.keys))
    }

    // MARK: Helpers

    /// Every orphan kind. `OrphanKind` is not `CaseIterable`, so this follows `next` from the
    /// first: its switch stops compiling when a kind is added, until the new kind is linked in
    /// (and then this test fails until the schemas list it).
    static let everyOrphanKind: [OrphanKind] = Array(sequence(first: .overlayDirectory) { kind in
        switch kind {
        case .overlayDirectory: .containerLayer
        case .containerLayer: .mountMetadata
        case .mountMetadata: .containerDirectory
        case .containerDirectory: .layerMetadata
        case .layerMetadata: .unreferencedLayer
        case .unreferencedLayer: .buildKitSnapshot
        case .buildKitSnapshot: .snapshotDirectory
        case .snapshotDirectory: .unreferencedSnapshot
        case .unreferencedSnapshot: .unlistedBlob
        case .unlistedBlob: .unreferencedBlob
        case .unreferencedBlob: nil
        }
    })

    static func schema(_ name: String) throws -> [String: Any] {
        let data = try Data(contentsOf: schemaDirectory.appendingPathComponent(name))
        return try JSONSerialization.jsonObject(with: data) as! [String: Any]
    }

    /// A plan with every optional field present (base64 targets and commands, a canonical root,
    /// age and log thresholds, a containerd root and a ctr command), or none of them.
    static func plan(everyOptionalField: Bool) -> CleanupPlan {
        var policy = PlanPolicy()
        policy.logThresholdBytes = everyOptionalField ? 100 << 20 : nil
        policy.olderThanSeconds = everyOptionalField ? 86_400 : nil
        policy.images = everyOptionalField ? .all : .dangling
        policy.volumes = everyOptionalField ? .anonymous : .none
        policy.keep = everyOptionalField ? ["db*"] : []
        policy.labels = everyOptionalField ? ["env=dev"] : []
        policy.notLabels = everyOptionalField ? ["keep"] : []
        let orphanPath: [UInt8] = Array("overlay2/".utf8) + [0xFF, 0x41]
        var actions = [
            PlanAction(
                kind: .removeContainer, target: "job", targetBase64: nil, reason: "exited 2d ago",
                reclaimableBytes: 4096, command: ["docker", "container", "rm", SampleReports.jobID],
                commandBase64: nil, advisory: false),
            PlanAction(
                kind: .truncateLog, target: "web", targetBase64: nil, reason: "logs over --log-threshold",
                reclaimableBytes: 0, command: ["truncate", "-s", "0", "--", "/var/lib/docker/containers/x-json.log"],
                commandBase64: nil, advisory: true),
        ]
        if everyOptionalField {
            let command = ["rm", "-rf", "--", "/var/lib/docker/" + String(decoding: orphanPath, as: UTF8.self)]
            actions.append(PlanAction(
                kind: .removeOrphan, target: String(decoding: orphanPath, as: UTF8.self),
                targetBase64: Data(orphanPath).base64EncodedString(), reason: "an overlay2 directory nobody owns",
                reclaimableBytes: 8192, command: command,
                commandBase64: ["rm", "-rf", "--"].map { Data($0.utf8).base64EncodedString() }
                    + [Data(Array("/var/lib/docker/".utf8) + orphanPath).base64EncodedString()],
                advisory: false))
        }
        if everyOptionalField {
            actions.append(PlanAction(
                kind: .removeOrphan, target: SampleReports.containerdRoot + "/io.containerd.snapshotter.v1.overlayfs/snapshots/9",
                targetBase64: nil, reason: "containerd snapshot no image, container or lease uses", reclaimableBytes: 4096,
                command: ["ctr", "--namespace", "moby", "snapshots", "--snapshotter", "overlayfs", "rm", SampleReports.hex("9")],
                commandBase64: nil, advisory: false))
        }
        var plan = CleanupPlan(
            schemaVersion: CleanupPlan.currentSchemaVersion, dataRoot: "/var/lib/docker",
            dataRootCanonical: everyOptionalField ? "/srv/docker" : nil, sizeMode: .disk, dryRun: true,
            generatedAt: "2026-11-29T19:24:24Z", reclaimableBytes: actions.reduce(0) { $0 + $1.reclaimableBytes },
            actions: actions,
            skipped: everyOptionalField ? [SkippedItem(target: "app:2", reason: "used by container web")] : [],
            policy: policy,
            warnings: everyOptionalField ? [Warning(code: .appeared, path: "overlay2/new", message: "appeared")] : [])
        plan.storeRoots = everyOptionalField ? [SampleReports.containerdRoot] : nil
        if everyOptionalField {
            policy.unusedForSeconds = 30 * 86_400
            policy.freeBytes = 20 << 30
            policy.highWaterPercent = 85
            plan.policy = policy
            plan.actions[0].lastUsedAt = "2026-11-27T19:24:24Z"
            var target = PlanTarget(rule: "--free 20.0 GiB", filesystem: FileSystemSpace(sizeBytes: 100 << 30, availableBytes: 8 << 30, usedBytes: 90 << 30))
            target.requestedBytes = 20 << 30
            target.plannedBytes = plan.reclaimableBytes
            target.reached = false
            target.shortBytes = (20 << 30) - plan.reclaimableBytes
            target.candidates = plan.actions.count
            target.highWaterPercent = 85
            target.belowHighWater = false
            plan.target = target
        }
        return plan
    }

    private func validate(_ document: [UInt8], against schema: String) throws -> ExternalTool.Outcome? {
        guard let python = Self.python else {
            Issue.record("\(Self.pythonMissing): add it to .ci/run")
            return nil
        }
        let path = Self.schemaDirectory.appendingPathComponent(schema).path
        return try ExternalTool.run(python, ["-c", Self.validator, path], input: document)
    }

    private func expectValid(
        _ document: [UInt8], against schema: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        guard let outcome = try validate(document, against: schema) else { return }
        #expect(outcome.status == 0, "\(schema):\n\(outcome.standardOutput)\(outcome.standardError)", sourceLocation: sourceLocation)
    }

    /// `document` with `change` made to it must fail validation, with an error that says
    /// `message` (so a broken schema or a crash is not mistaken for the expected failure).
    private func expectInvalid(
        _ document: [UInt8], against schema: String, saying message: String,
        sourceLocation: SourceLocation = #_sourceLocation, _ change: (inout [String: Any]) -> Void
    ) throws {
        var object = try JSONSerialization.jsonObject(with: Data(document)) as! [String: Any]
        change(&object)
        let changed = try JSONSerialization.data(withJSONObject: object)
        guard let outcome = try validate(Array(changed), against: schema) else { return }
        #expect(outcome.status == 1, "\(outcome.standardOutput)\(outcome.standardError)", sourceLocation: sourceLocation)
        #expect(outcome.standardOutput.contains(message), "\(outcome.standardOutput)", sourceLocation: sourceLocation)
    }
}
