import Foundation
import Testing

/// Comparisons shared by the phases. Each one measures the real tree (or asks Docker) and
/// records an expectation per figure, so one run names every figure that disagrees.
enum Compare {
    /// Apparent mode against Docker's `/system/df`, to the byte.
    static func apparentAgainstSystemDF(
        _ report: ReportDocument, _ df: SystemDF, facts: PopulateFacts, checkStates: Bool
    ) {
        #expect(report.sizeMode == "apparent")

        // Images: the same set as Docker lists, each with Docker's Size and SharedSize.
        let reportImages = Dictionary(report.images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(reportImages.count == report.images.count, "an image is listed twice")
        #expect(
            Set(reportImages.keys) == Set(df.Images.map(\.Id)),
            "listed images differ: only dockdu \(Set(reportImages.keys).subtracting(df.Images.map(\.Id)).sorted()), only Docker \(Set(df.Images.map(\.Id)).subtracting(reportImages.keys).sorted())"
        )
        for image in df.Images {
            guard let mine = reportImages[image.Id] else { continue }
            #expect(mine.bytes == image.Size, "image \(image.Id) \(image.RepoTags ?? []): bytes \(mine.bytes), Docker's Size \(image.Size)")
            #expect(
                mine.sharedBytes == image.SharedSize,
                "image \(image.Id) \(image.RepoTags ?? []): sharedBytes \(mine.sharedBytes), Docker's SharedSize \(image.SharedSize)")
            #expect(
                mine.uniqueBytes == mine.bytes - mine.sharedBytes,
                "image \(image.Id): uniqueBytes \(mine.uniqueBytes) != bytes \(mine.bytes) - sharedBytes \(mine.sharedBytes)")
            #expect(
                mine.containers.count == image.Containers,
                "image \(image.Id): \(mine.containers.count) containers, Docker counts \(image.Containers)")
            let dockerReferences = Set(
                (image.RepoTags ?? []).filter { $0 != "<none>:<none>" }
                    + (image.RepoDigests ?? []).filter { $0 != "<none>@<none>" })
            #expect(Set(mine.tags) == dockerReferences, "image \(image.Id): tags \(mine.tags), Docker \(dockerReferences.sorted())")
            #expect(mine.dangling == dockerReferences.isEmpty, "image \(image.Id): dangling \(mine.dangling)")
        }
        #expect(reportImages[facts.danglingImage]?.dangling == true, "the dangling image \(facts.danglingImage) is not listed as dangling")
        #expect(reportImages[facts.pinned.image]?.dangling == true, "the pinned image \(facts.pinned.image) is not listed as dangling")
        #expect(
            reportImages[facts.pinned.image]?.containers == [facts.pinned.container],
            "the pinned image lists containers \(reportImages[facts.pinned.image]?.containers ?? [])")
        #expect(Set(report.images.flatMap(\.tags)).isSuperset(of: facts.tags), "tags \(facts.tags) not all listed")

        // Layers: their sum is Docker's LayersSize; each image's layers are listed.
        let layerIDs = Set(report.layers.map(\.chainId))
        #expect(
            report.layers.reduce(0) { $0 + $1.bytes } == df.LayersSize,
            "sum of layers' bytes \(report.layers.reduce(0) { $0 + $1.bytes }), Docker's LayersSize \(df.LayersSize)")
        for image in report.images {
            #expect(Set(image.layers).isSubset(of: layerIDs), "image \(image.id) names layers not in layers[]")
            let layerBytes = image.layers.compactMap { id in report.layers.first { $0.chainId == id }?.bytes }
                .reduce(0, +)
            #expect(image.bytes == layerBytes, "image \(image.id): bytes \(image.bytes) != sum of its layers \(layerBytes)")
        }

        // Containers: the same set, Docker's SizeRw (absent = 0), and the same state.
        let reportContainers = Dictionary(report.containers.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(reportContainers.keys) == Set(df.Containers.map(\.Id)), "listed containers differ")
        for container in df.Containers {
            guard let mine = reportContainers[container.Id] else { continue }
            let name = container.Names?.first.map { String($0.drop { $0 == "/" }) } ?? ""
            #expect(mine.rwBytes == container.SizeRw ?? 0, "container \(name): rwBytes \(mine.rwBytes), Docker's SizeRw \(container.SizeRw ?? 0)")
            #expect(mine.name == name, "container \(container.Id): name \(mine.name), Docker \(name)")
            #expect(mine.imageId == container.ImageID, "container \(name): imageId \(mine.imageId), Docker \(container.ImageID)")
            if checkStates {
                #expect(mine.state == container.State, "container \(name): state \(mine.state), Docker \(container.State)")
            }
        }

        // Volumes: the same set, Docker's UsageData.Size and RefCount.
        let reportVolumes = Dictionary(report.volumes.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        #expect(Set(reportVolumes.keys) == Set(df.Volumes.map(\.Name)), "listed volumes differ")
        for volume in df.Volumes {
            guard let mine = reportVolumes[volume.Name], let usage = volume.UsageData else { continue }
            #expect(mine.bytes == usage.Size, "volume \(volume.Name): bytes \(mine.bytes), Docker's UsageData.Size \(usage.Size)")
            #expect(
                Int64(mine.containers.count) == usage.RefCount,
                "volume \(volume.Name): \(mine.containers.count) containers, Docker's RefCount \(usage.RefCount)")
        }
        for name in facts.volumes.anonymous {
            #expect(reportVolumes[name]?.anonymous == true, "volume \(name) was created anonymously")
        }
        for name in facts.volumes.named {
            #expect(reportVolumes[name]?.anonymous == false, "volume \(name) was created by name")
        }
    }

    /// Disk mode against `du -sx --block-size=1` of each owner's directory or files.
    static func diskAgainstDu(_ report: ReportDocument, _ environment: EngineEnvironment) throws {
        #expect(report.sizeMode == "disk")
        let root = environment.root
        #expect(!report.layers.isEmpty, "no layers listed")
        for layer in report.layers {
            let measured = try Measure.du("\(root)/overlay2/\(layer.cacheId)/diff")
            #expect(layer.bytes == measured, "layer \(layer.chainId): bytes \(layer.bytes), du of overlay2/\(layer.cacheId)/diff \(measured)")
            let recordedCacheID = try readText("\(root)/image/overlay2/layerdb/sha256/\(layer.chainId.dropFirst(7))/cache-id")
            #expect(layer.cacheId == recordedCacheID, "layer \(layer.chainId): cacheId \(layer.cacheId), layerdb \(recordedCacheID)")
        }
        for volume in report.volumes {
            let measured = try Measure.du("\(root)/volumes/\(volume.name)/_data")
            #expect(volume.bytes == measured, "volume \(volume.name): bytes \(volume.bytes), du of its _data \(measured)")
        }
        for container in report.containers {
            let logs = try logPaths(of: container.id, root: root)
            let measuredLogs = try Measure.duTotal(logs)
            #expect(
                container.logBytes == measuredLogs,
                "container \(container.name): logBytes \(container.logBytes), du of \(logs.map { $0.replacingOccurrences(of: root + "/", with: "") }) \(measuredLogs)")
            let mountID = try readText("\(root)/image/overlay2/layerdb/mounts/\(container.id)/mount-id")
            let measuredRw = try Measure.du("\(root)/overlay2/\(mountID)/diff")
            #expect(container.rwBytes == measuredRw, "container \(container.name): rwBytes \(container.rwBytes), du of overlay2/\(mountID)/diff \(measuredRw)")
            // Everything that exists because of it: both layer directories with their l/ links,
            // containers/<id> (logs included) and its layerdb/mounts entry.
            var owned = [
                "\(root)/overlay2/\(mountID)", "\(root)/overlay2/\(mountID)-init",
                "\(root)/containers/\(container.id)", "\(root)/image/overlay2/layerdb/mounts/\(container.id)",
            ]
            for layer in [mountID, mountID + "-init"] {
                if let link = try? readText("\(root)/overlay2/\(layer)/link"),
                    FileManager.default.fileExists(atPath: "\(root)/overlay2/l/\(link)")
                {
                    owned.append("\(root)/overlay2/l/\(link)")
                }
            }
            let measuredTotal = try Measure.duTotal(owned)
            #expect(
                container.totalBytes == measuredTotal,
                "container \(container.name): totalBytes \(container.totalBytes), du of its layers, l/ links, containers/<id> and mounts entry \(measuredTotal)")
        }
        for image in report.images {
            let layerBytes = image.layers.compactMap { id in report.layers.first { $0.chainId == id }?.bytes }.reduce(0, +)
            #expect(image.bytes == layerBytes, "image \(image.id): bytes \(image.bytes) != sum of its layers \(layerBytes)")
        }
        #expect(report.categories.sum == report.totalBytes, "categories sum to \(report.categories.sum), totalBytes \(report.totalBytes)")
        let logBytes = report.containers.reduce(0) { $0 + $1.logBytes }
        #expect(report.categories.logs == logBytes, "logs category \(report.categories.logs), containers' logBytes add up to \(logBytes)")
    }

    /// A container's log files: json-file's `<id>-json.log*` and the local driver's `local-logs/`.
    static func logPaths(of id: String, root: String) throws -> [String] {
        let directory = "\(root)/containers/\(id)"
        return try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasPrefix("\(id)-json.log") || $0 == "local-logs" }
            .sorted()
            .map { "\(directory)/\($0)" }
    }

    /// dockdu's disk total against `du -sx` of the root. `du` runs before and after dockdu; if the
    /// tree moved in between the measurement is retried, so only a quiet tree is compared.
    static func totalAgainstDu(
        _ environment: EngineEnvironment, allowWarnings: Bool = false
    ) throws -> ReportDocument {
        var lastReport: ReportDocument?
        for _ in 0..<3 {
            let before = try Measure.du(environment.root)
            let report = try Dockdu.report(environment, mode: .disk, allowWarnings: allowWarnings)
            let after = try Measure.du(environment.root)
            lastReport = report
            if before == after {
                #expect(report.totalBytes == before, "totalBytes \(report.totalBytes), du -sx \(before) (difference \(report.totalBytes - before))")
                #expect(report.categories.sum == report.totalBytes, "categories sum \(report.categories.sum) != totalBytes \(report.totalBytes)")
                return report
            }
            Thread.sleep(forTimeInterval: 1)
        }
        Issue.record("the data root did not stay still for a du/dockdu/du round; cannot compare totals")
        guard let lastReport else { throw EngineTestError("no report") }
        return lastReport
    }

    /// The state Docker would print, derived from the container's own `config.v2.json`
    /// (moby's `State.StateString`).
    static func stateOnDisk(of id: String, root: String) throws -> (state: String, finishedAt: String?) {
        let data = try Data(contentsOf: URL(fileURLWithPath: "\(root)/containers/\(id)/config.v2.json"))
        guard let config = try JSONSerialization.jsonObject(with: data) as? [String: Any],
            let state = config["State"] as? [String: Any]
        else { throw EngineTestError("containers/\(id)/config.v2.json has no State") }
        let running = state["Running"] as? Bool ?? false
        let startedAt = state["StartedAt"] as? String ?? ""
        let finishedAt = (state["FinishedAt"] as? String).flatMap { $0.hasPrefix("0001-01-01") ? nil : $0 }
        let name: String
        if running {
            if state["Paused"] as? Bool == true {
                name = "paused"
            } else if state["Restarting"] as? Bool == true {
                name = "restarting"
            } else {
                name = "running"
            }
        } else if state["Dead"] as? Bool == true {
            name = "dead"
        } else if startedAt.isEmpty || startedAt.hasPrefix("0001-01-01") {
            name = "created"
        } else {
            name = "exited"
        }
        return (name, finishedAt)
    }

    /// Seconds since 1970 of an RFC 3339 time with or without a fraction, for comparing times
    /// that one side may print with fewer digits.
    static func epochSeconds(_ text: String) -> Int? {
        let withoutFraction = text.replacing(#/\.[0-9]+/#, with: "")
        let formatter = ISO8601DateFormatter()
        return formatter.date(from: withoutFraction).map { Int($0.timeIntervalSince1970) }
    }
}

extension Compare {
    static let containerStates: Set<String> = ["running", "paused", "restarting", "exited", "created", "dead", "unknown"]
    /// As Packaging/schema/report.schema.json lists them.
    static let orphanKinds: Set<String> = [
        "overlayDirectory", "containerLayer", "mountMetadata", "containerDirectory", "layerMetadata",
        "unreferencedLayer", "buildKitSnapshot", "snapshotDirectory", "unreferencedSnapshot", "unlistedBlob", "unreferencedBlob",
    ]
    static let warningCodes: Set<String> = [
        "unreadable", "corrupt", "vanished", "brokenLink", "missingDirectory", "chainMismatch", "appeared", "cache", "layerChanged",
    ]

    /// Where the document breaks the interface's promises (enumerations, identifier shapes,
    /// `uniqueBytes`, sorted lists), one line each.
    static func schemaProblems(_ report: ReportDocument) -> [String] {
        var problems: [String] = []
        if report.schemaVersion != 1 { problems.append("schemaVersion \(report.schemaVersion)") }
        if !["disk", "apparent"].contains(report.sizeMode) { problems.append("sizeMode \(report.sizeMode)") }
        if report.categories.sum != report.totalBytes {
            problems.append("categories sum \(report.categories.sum) != totalBytes \(report.totalBytes)")
        }
        for image in report.images {
            if image.id.wholeMatch(of: #/sha256:[0-9a-f]{64}/#) == nil { problems.append("image id \(image.id)") }
            if image.uniqueBytes != image.bytes - image.sharedBytes { problems.append("image \(image.id): uniqueBytes") }
            if image.tags != image.tags.sorted() { problems.append("image \(image.id): tags not sorted") }
        }
        for container in report.containers {
            if container.id.wholeMatch(of: #/[0-9a-f]{64}/#) == nil { problems.append("container id \(container.id)") }
            if !containerStates.contains(container.state) {
                problems.append("container \(container.id) (\(container.name)): state \"\(container.state)\" is not one of \(containerStates.sorted())")
            }
            // A container whose config.v2.json cannot be read is listed with state "unknown" and
            // no name or image (a `corrupt` warning says why); any other must have both.
            let unknown = container.state == "unknown"
            if unknown ? !container.name.isEmpty : (container.name.isEmpty || container.name.hasPrefix("/")) {
                problems.append("container \(container.id): name \"\(container.name)\"")
            }
            if unknown ? !container.imageId.isEmpty : container.imageId.wholeMatch(of: #/sha256:[0-9a-f]{64}/#) == nil {
                problems.append("container \(container.id): imageId \"\(container.imageId)\"")
            }
        }
        for volume in report.volumes where volume.containers != volume.containers.sorted() {
            problems.append("volume \(volume.name): containers not sorted")
        }
        for orphan in report.orphans where !orphanKinds.contains(orphan.kind) {
            problems.append("orphan \(orphan.path): kind \(orphan.kind)")
        }
        for warning in report.warnings where !warningCodes.contains(warning.code) {
            problems.append("warning \(warning.path): code \(warning.code)")
        }
        return problems
    }
}

/// Marks that a phase ran at least one of its tests, for `Tests/Engine/run` to check (a phase
/// whose tests were all disabled by mistake must not pass silently).
func markPhaseRan(_ environment: EngineEnvironment) throws {
    try Data().write(to: URL(fileURLWithPath: "\(environment.dir)/phase-\(environment.phase.rawValue).ran"))
}
