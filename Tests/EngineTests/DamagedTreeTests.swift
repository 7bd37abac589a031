import Foundation
import Testing

/// Phase `damaged`: the stopped tree is damaged behind the engine's back, the way crashes, hand
/// clean-ups and hostile users leave real hosts. Each test applies its own damage (once, however
/// the tests are ordered) and checks what dockdu makes of it; the last one applies all of it and
/// checks the totals again.
@Suite("Damaged tree", .serialized)
struct DamagedTreeTests {
    // MARK: orphans

    @Test(
        "an overlay2 directory no one owns is an orphan overlayDirectory of du's size",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func strayOverlayDirectory() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        try Damage.strayOverlayDirectory(environment)
        let report = try Dockdu.report(environment, mode: .disk, allowWarnings: true)
        let path = "overlay2/\(Damage.strayName)"
        let orphan = try #require(report.orphans.first { $0.path == path }, "\(path) is not listed; orphans: \(report.orphans.map(\.path))")
        #expect(orphan.kind == "overlayDirectory")
        #expect(orphan.pathBase64 == nil)
        let measured = try Measure.du("\(environment.root)/\(path)")
        #expect(orphan.bytes == measured, "\(path): bytes \(orphan.bytes), du \(measured)")
        #expect(report.categories.orphans >= measured)

        let linkedPath = "overlay2/\(Damage.strayLinkedName)"
        let linked = try #require(report.orphans.first { $0.path == linkedPath }, "\(linkedPath) is not listed")
        #expect(linked.kind == "overlayDirectory")
        let linkedMeasured = try Measure.overlayDirectory(root: environment.root, name: Array(Damage.strayLinkedName.utf8))
        #expect(linkedMeasured > (try Measure.du("\(environment.root)/\(linkedPath)")), "its l/ link is not there")
        #expect(linked.bytes == linkedMeasured, "\(linkedPath): bytes \(linked.bytes), du of it and its l/ link \(linkedMeasured)")
        #expect(!report.orphans.contains { $0.path.hasPrefix("overlay2/l") }, "overlay2/l or a link in it is an orphan of its own")
    }

    @Test(
        "a container whose containers/<id> is gone leaves containerLayer and mountMetadata orphans",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func removedContainerDirectory() throws {
        let environment = try EngineEnvironment.required()
        let facts = try PopulateFacts.load(environment)
        let id = facts.containers.exited
        let mountID = try readText("\(environment.root)/image/overlay2/layerdb/mounts/\(id)/mount-id")
        try Damage.removeExitedContainer(environment)
        let report = try Dockdu.report(environment, mode: .disk, allowWarnings: true)
        #expect(report.container(id) == nil, "the removed container is still listed")
        let expected = [
            ("overlay2/\(mountID)", "containerLayer"),
            ("overlay2/\(mountID)-init", "containerLayer"),
            ("image/overlay2/layerdb/mounts/\(id)", "mountMetadata"),
        ]
        for (path, kind) in expected {
            let orphan = report.orphans.first { $0.path == path }
            #expect(orphan != nil, "\(path) is not listed as an orphan; orphans: \(report.orphans.map { "\($0.kind) \($0.path)" })")
            guard let orphan else { continue }
            #expect(orphan.kind == kind, "\(path): kind \(orphan.kind), expected \(kind)")
            let measured = try measureOrphan(orphan.pathBytes, environment)
            #expect(orphan.bytes == measured, "\(path): bytes \(orphan.bytes), du \(measured)")
        }
        #expect(report.volume(facts.volumes.used)?.containers.contains(id) == false, "volume \(facts.volumes.used) still names the removed container")
        #expect(report.images.allSatisfy { !$0.containers.contains(id) }, "an image still names the removed container")
    }

    @Test(
        "a half-removed layerdb entry and a containers/<id> without config are orphans of their kinds",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func halfRemovedMetadata() throws {
        let environment = try EngineEnvironment.required()
        let paths = try Damage.halfRemovedMetadata(environment)
        let report = try Dockdu.report(environment, mode: .disk, allowWarnings: true)
        func expectOrphan(_ path: String, _ kind: String) throws {
            let orphan = report.orphans.first { $0.path == path }
            #expect(orphan != nil, "\(path) is not an orphan; orphans: \(report.orphans.map { "\($0.kind) \($0.path)" })")
            guard let orphan else { return }
            #expect(orphan.kind == kind, "\(path): kind \(orphan.kind), expected \(kind)")
            let measured = try Measure.du("\(environment.root)/\(path)")
            #expect(orphan.bytes == measured, "\(path): bytes \(orphan.bytes), du \(measured)")
        }
        try expectOrphan(paths.layer, "layerMetadata")
        try expectOrphan(paths.container, "containerDirectory")
        #expect(report.container(Damage.headlessContainer) == nil, "a container without config.v2.json is listed: \(String(describing: report.container(Damage.headlessContainer)))")
        // The layer whose entry was copied is still whole: its overlay2 directory is no orphan.
        let layerDirectories = Set(report.layers.map { "overlay2/\($0.cacheId)" })
        #expect(!report.orphans.contains { layerDirectories.contains($0.path) }, "a layer's directory is listed as an orphan")
    }

    // MARK: corrupt metadata

    @Test(
        "a corrupt config.v2.json is a `corrupt` warning, exit 1, and the rest of the report is complete",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func corruptContainerConfig() throws {
        let environment = try EngineEnvironment.required()
        let facts = try PopulateFacts.load(environment)
        try Damage.corruptCreatedContainerConfig(environment)
        let live = try SystemDF.savedLive(environment)
        for mode in [Dockdu.SizeMode.disk, .apparent] {
            let run = try Dockdu.run(environment, mode: mode)
            #expect(run.result.status == 1, "exit status \(run.result.status), expected 1 for a warning; \(run.result.summary)")
            let report = try #require(run.report, "JSON did not parse: \(run.decodingError ?? "")")
            let corrupt = report.warnings.filter { $0.code == "corrupt" && $0.path.contains(facts.containers.created) }
            #expect(!corrupt.isEmpty, "no corrupt warning naming \(facts.containers.created); warnings: \(report.warnings.map { "\($0.code) \($0.path)" })")
            #expect(corrupt.allSatisfy { !$0.message.isEmpty })
            #expect(report.categories.sum == report.totalBytes)
            // Everything else is still there, with the figures Docker gave while it ran.
            let images = Dictionary(report.images.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            #expect(Set(images.keys) == Set(live.Images.map(\.Id)), "the image list changed")
            #expect(Set(report.volumes.map(\.name)) == Set(live.Volumes.map(\.Name)), "the volume list changed")
            for container in [facts.containers.running, facts.containers.paused] {
                #expect(report.container(container) != nil, "container \(container) is missing")
            }
            if mode == .apparent {
                for image in live.Images {
                    #expect(images[image.Id]?.bytes == image.Size, "image \(image.Id): \(images[image.Id]?.bytes ?? -1), Docker \(image.Size)")
                }
                for volume in live.Volumes {
                    #expect(report.volume(volume.Name)?.bytes == volume.UsageData?.Size, "volume \(volume.Name)")
                }
                for container in live.Containers where container.Id == facts.containers.running {
                    #expect(report.container(container.Id)?.rwBytes == container.SizeRw ?? 0)
                }
            }
        }
    }

    // MARK: hostile names

    @Test(
        "hostile overlay2 names are orphans, printed without control characters, exact in JSON",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func hostileNames() throws {
        let environment = try EngineEnvironment.required()
        let pwnedBefore = FileManager.default.fileExists(atPath: "/tmp/pwned")
        try Damage.hostileNames(environment)
        let cwd = "\(environment.scratch)/hostile-cwd"
        try FileManager.default.createDirectory(atPath: cwd, withIntermediateDirectories: true)

        let run = try Dockdu.run(environment, mode: .disk, currentDirectory: cwd)
        #expect([0, 1].contains(run.result.status), "\(run.result.summary)")
        let report = try #require(run.report, "JSON did not parse: \(run.decodingError ?? "")")
        for name in Damage.hostileNameBytes {
            let pathBytes = Array("overlay2/".utf8) + name
            let orphan = report.orphans.first { $0.pathBytes == pathBytes }
            #expect(orphan != nil, "overlay2/\(bashQuoted(name)) is not an orphan; orphans: \(report.orphans.map(\.path))")
            guard let orphan else { continue }
            #expect(orphan.kind == "overlayDirectory")
            let measured = try measureOrphan(pathBytes, environment)
            #expect(orphan.bytes == measured, "overlay2/\(bashQuoted(name)): bytes \(orphan.bytes), du \(measured)")
            if String(validating: name, as: UTF8.self) != nil {
                #expect(orphan.pathBase64 == nil, "pathBase64 on a UTF-8 name \(bashQuoted(name))")
                #expect(orphan.path == String(decoding: pathBytes, as: UTF8.self))
            } else {
                #expect(orphan.pathBase64 != nil, "no pathBase64 for the invalid UTF-8 name \(bashQuoted(name))")
                #expect(orphan.path.contains("\u{FFFD}"), "path of the invalid UTF-8 name: \(orphan.path)")
            }
        }

        for json in [false, true] {
            let run = try Dockdu.run(environment, json: json, mode: .disk, currentDirectory: cwd)
            #expect([0, 1].contains(run.result.status), "\(run.result.summary)")
            if !json {
                #expect(!run.result.stdout.isEmpty)
                #expect(controlCharacters(run.result.stdout).isEmpty, "human stdout has control characters \(controlCharacters(run.result.stdout))")
            }
            #expect(controlCharacters(run.result.stderr).isEmpty, "stderr has control characters \(controlCharacters(run.result.stderr))")
        }
        let planted = try FileManager.default.contentsOfDirectory(atPath: cwd)
        #expect(planted.isEmpty, "a name was executed: \(planted) appeared in dockdu's working directory")
        if !pwnedBefore {
            #expect(!FileManager.default.fileExists(atPath: "/tmp/pwned"), "a name was executed: /tmp/pwned appeared")
        }
    }

    // MARK: depth

    @Test(
        "a directory chain deeper than PATH_MAX inside an orphan is counted",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func deeperThanPathMax() throws {
        let environment = try EngineEnvironment.required()
        try Damage.deepChain(environment)
        let path = "overlay2/\(Damage.deepName)"
        let report = try Compare.totalAgainstDu(environment, allowWarnings: true)
        let orphan = try #require(report.orphans.first { $0.path == path }, "\(path) is not an orphan")
        let measured = try Measure.du("\(environment.root)/\(path)")
        #expect(orphan.bytes == measured, "\(path): bytes \(orphan.bytes), du \(measured)")
        #expect(measured > 30 * 4096, "the chain is not there: du \(measured)")
        #expect(!report.warnings.contains { $0.code == "unreadable" }, "unreadable: \(report.warnings.map(\.path))")
    }

    // MARK: everything at once

    @Test(
        "after all the damage, totalBytes still equals du -sx and nothing is left unread",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func allDamageTogether() throws {
        let environment = try EngineEnvironment.required()
        try Damage.strayOverlayDirectory(environment)
        try Damage.removeExitedContainer(environment)
        try Damage.corruptCreatedContainerConfig(environment)
        try Damage.hostileNames(environment)
        try Damage.deepChain(environment)
        _ = try Damage.halfRemovedMetadata(environment)
        let report = try Compare.totalAgainstDu(environment, allowWarnings: true)
        #expect(!report.warnings.contains { $0.code == "unreadable" }, "unreadable: \(report.warnings.map(\.path))")
        // The container whose config.v2.json is corrupt is still listed, its bytes counted, with
        // state "unknown" (and a `corrupt` warning): it still has layers Docker recorded.
        let facts = try PopulateFacts.load(environment)
        let problems = Compare.schemaProblems(report)
        #expect(problems.isEmpty, "\(problems)")
        #expect(report.container(facts.containers.created)?.state == "unknown")
        #expect(report.warnings.contains { $0.code == "corrupt" && $0.path.contains(facts.containers.created) })
        for orphan in report.orphans {
            let measured = try measureOrphan(orphan.pathBytes, environment)
            #expect(orphan.bytes == measured, "orphan \(orphan.path): bytes \(orphan.bytes), du \(measured)")
        }
        #expect(report.categories.orphans == report.orphans.reduce(0) { $0 + $1.bytes }, "orphans category \(report.categories.orphans) != sum of orphans")
        let apparent = try Dockdu.report(environment, mode: .apparent, allowWarnings: true)
        let measured = try Measure.apparentBytes(environment.root)
        #expect(apparent.totalBytes == measured, "apparent totalBytes \(apparent.totalBytes), find's st_size sum \(measured)")
    }

    // MARK: the root itself

    @Test(
        "without permission on the root: exit 77, nothing on stdout, one stderr line naming sudo",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func permissionDenied() throws {
        let environment = try EngineEnvironment.required()
        // A world-traversable folder holding a copy of the binary and a root the way Docker
        // makes /var/lib/docker (root:root 0710), so that only the root's own mode denies nobody.
        let folder = try CommandRunner.bashChecked("mktemp -d /tmp/dockdu-nonroot.XXXXXX").stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        defer { _ = try? CommandRunner.run(["rm", "-rf", "--one-file-system", folder]) }
        try CommandRunner.bashChecked(
            """
            chmod 0755 "$1" && cp "$2" "$1/dockdu" && chmod 0755 "$1/dockdu" &&
            mkdir -p "$1/root/overlay2" "$1/root/containers" && chmod 0710 "$1/root"
            """, [folder, environment.binary])
        for json in [false, true] {
            var arguments = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "\(folder)/dockdu", "report", "--root", "\(folder)/root"]
            if json { arguments.append("--json") }
            let result = try CommandRunner.run(arguments, currentDirectory: "/")
            #expect(result.status == 77, "\(result.summary)")
            #expect(result.stdout.isEmpty, "stdout: \(result.stdoutText.prefix(300))")
            let lines = result.stderrText.split(separator: "\n", omittingEmptySubsequences: false)
                .filter { !$0.isEmpty }
            #expect(lines.count == 1, "stderr has \(lines.count) lines: \(result.stderrText)")
            #expect(result.stderrText.contains("sudo"), "stderr does not mention sudo: \(result.stderrText)")
        }
    }

    @Test(
        "a missing root: exit 66 naming the path and --root",
        .enabled(if: EngineEnvironment.isPhase(.damaged), PhaseReason.damaged))
    func missingRoot() throws {
        let environment = try EngineEnvironment.required()
        let missing = "\(environment.scratch)/no-such-root"
        for json in [false, true] {
            let run = try Dockdu.run(environment, root: missing, json: json)
            #expect(run.result.status == 66, "\(run.result.summary)")
            #expect(run.result.stdout.isEmpty, "stdout: \(run.result.stdoutText.prefix(300))")
            #expect(run.result.stderrText.contains(missing), "stderr does not name \(missing): \(run.result.stderrText)")
            #expect(run.result.stderrText.contains("--root"), "stderr does not mention --root: \(run.result.stderrText)")
        }
    }
}

/// What an orphan at PATH (relative to the root) measures on disk: an `overlay2/` directory with
/// its `l/` link, anything else as `du` sees it.
func measureOrphan(_ path: [UInt8], _ environment: EngineEnvironment) throws -> Int64 {
    let prefix = Array("overlay2/".utf8)
    if path.starts(with: prefix), !path.dropFirst(prefix.count).contains(UInt8(ascii: "/")) {
        return try Measure.overlayDirectory(root: environment.root, name: Array(path.dropFirst(prefix.count)))
    }
    return try Measure.du(bytes: Array(environment.root.utf8) + [UInt8(ascii: "/")] + path)
}

/// Bytes that a terminal would act on: C0 controls except newline, DEL, and C1 controls.
func controlCharacters(_ data: Data) -> [String] {
    var found: [String] = []
    for byte in data where (byte < 0x20 && byte != 0x0A) || byte == 0x7F {
        found.append("0x" + String(byte, radix: 16))
    }
    for scalar in String(decoding: data, as: UTF8.self).unicodeScalars where (0x80...0x9F).contains(scalar.value) {
        found.append("U+" + String(scalar.value, radix: 16))
    }
    return found
}
