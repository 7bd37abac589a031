import Foundation
import Testing

/// Phase `plan`, on a second, freshly populated engine (the other phases' tree is left as they
/// need it): carry out `dockdu plan --script` against the engine and hold the bytes `du` says it
/// freed against the plan's figure; then, with the engine stopped, the same for orphans with
/// hostile names and the safety age.
@Suite("Plan carried out on a real engine", .serialized)
struct PlanEngineTests {
    static var enabled: Bool { ProcessInfo.processInfo.environment["DOCKDU_ENGINE_PHASE"] == "plan" }
    static let reason: Comment = "carries out a plan on a private engine: Tests/Engine/run sets DOCKDU_ENGINE_PHASE=plan"

    struct Context {
        let dir: String
        let binary: String
        var root: String { dir + "/root" }
        var socket: String { dir + "/docker.sock" }
        /// dockdu's layer cache for this engine: run as root, it would otherwise keep one in the
        /// system's /var/cache/dockdu.
        var cache: String { dir + "/cache" }

        static func required() throws -> Context {
            let environment = ProcessInfo.processInfo.environment
            guard let dir = environment["DOCKDU_ENGINE_DIR"], let binary = environment["DOCKDU_BIN"] else {
                throw EngineTestError("DOCKDU_ENGINE_DIR and DOCKDU_BIN are not set")
            }
            return Context(dir: dir, binary: binary)
        }

        func plan(_ arguments: [String]) throws -> (json: PlanDocument, script: String) {
            let base = [binary, "plan", "--root", root, "--cache", cache] + arguments
            let json = try CommandRunner.run(base + ["--json"])
            guard json.status == 0 else { throw EngineTestError(json.summary) }
            let script = try CommandRunner.run(base + ["--script"])
            guard script.status == 0 else { throw EngineTestError(script.summary) }
            return (try JSONDecoder().decode(PlanDocument.self, from: json.stdout), script.stdoutText)
        }

        /// Runs the script with the docker CLI pointed at the private engine.
        func carryOut(_ script: String, name: String) throws -> CommandResult {
            let path = dir + "/" + name
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            return try CommandRunner.run(["sh", path], environment: ["DOCKER_HOST": "unix://" + socket], currentDirectory: dir)
        }

        /// Records a measured figure for the closing note (Tests/Engine/run prints these).
        func record(_ line: String) {
            let path = dir + "/plan-figures.txt"
            let previous = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            try? (previous + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
    }

    struct PlanDocument: Decodable {
        struct Action: Decodable {
            let kind: String
            let target: String
            let reclaimableBytes: Int64
            let command: [String]
        }
        struct Skipped: Decodable {
            let target: String
            let reason: String
        }
        let dryRun: Bool
        let reclaimableBytes: Int64
        let actions: [Action]
        let skipped: [Skipped]
    }

    /// One test, in order: the engine's part needs the engine running, the orphans' part stops it.
    @Test("a carried-out plan frees what it says: engine actions within 1%, orphans exactly", .enabled(if: enabled, reason))
    func planCarriedOut() throws {
        try whyFreesWhatItSays()
        try engineActionsFreeWhatThePlanSays()
        try orphansAfterTheEngineStops()
    }

    /// The engine's removals free what the plan says, within 1%.
    func engineActionsFreeWhatThePlanSays() throws {
        let context = try Context.required()
        let manifestBefore = try Measure.manifest(context.root)
        let (plan, script) = try context.plan(["--all-images", "--volumes", "--no-orphans", "--no-build-cache", "--log-threshold", "1k"])
        // Making a plan changes nothing.
        #expect(try Measure.manifest(context.root) == manifestBefore)
        #expect(plan.dryRun)
        let kinds = Set(plan.actions.map(\.kind))
        #expect(kinds.isSuperset(of: ["removeContainer", "removeImage", "removeVolume", "truncateLog"]), "\(kinds)")
        #expect(plan.reclaimableBytes == plan.actions.reduce(0) { $0 + $1.reclaimableBytes })
        #expect(plan.skipped.contains { $0.reason.hasPrefix("used by container") })

        let before = try Measure.du(context.root)
        let run = try context.carryOut(script, name: "engine-plan.sh")
        #expect(run.status == 0, "\(run.summary)")
        let after = try Measure.du(context.root)
        let freed = before - after
        let difference = freed - plan.reclaimableBytes
        context.record("engine actions: \(plan.actions.count), planned \(plan.reclaimableBytes) bytes, freed (du -sx before - after) \(freed) bytes, difference \(difference)")
        #expect(plan.reclaimableBytes > 0)
        #expect(abs(difference) * 100 <= plan.reclaimableBytes, "planned \(plan.reclaimableBytes), freed \(freed)")

        // What the plan removed is gone from the engine's own view.
        let containers = try CommandRunner.run(["curl", "--silent", "--unix-socket", context.socket, "http://localhost/containers/json?all=1"])
        for action in plan.actions where action.kind == "removeContainer" {
            #expect(!containers.stdoutText.contains(action.command.last ?? "-"), "\(action.target) still listed")
        }
    }

    /// Orphans old enough, hostile names included, go; young ones stay.
    func orphansAfterTheEngineStops() throws {
        let context = try Context.required()
        let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        try CommandRunner.bashChecked("\"$1\" stop \"$2\"", [here.appendingPathComponent("Engine/engine.sh").path, context.dir])
        let hostile: [[UInt8]] = [
            Array("old-orphan".utf8), Array("new\nline $(touch pwned-by-dockdu) 'q'".utf8),
            Array("esc\u{1B}[2J%s".utf8), Array("bad-".utf8) + [0xFF, 0xFE],
        ]
        for name in hostile {
            let path = Array((context.root + "/overlay2/").utf8) + name
            try CommandRunner.bashChecked("mkdir -p \(bashQuoted(path))/diff && head -c 300000 /dev/urandom > \(bashQuoted(path))/diff/blob && touch -d '3 hours ago' \(bashQuoted(path))")
        }
        try CommandRunner.bashChecked("mkdir -p \"$1/overlay2/just-made/diff\" && head -c 50000 /dev/urandom > \"$1/overlay2/just-made/diff/blob\"", [context.root])

        let (plan, script) = try context.plan(["--no-containers", "--no-images", "--no-build-cache"])
        #expect(plan.actions.count == hostile.count && plan.actions.allSatisfy { $0.kind == "removeOrphan" }, "\(plan.actions.map(\.target))")
        #expect(plan.skipped.contains { $0.target == "overlay2/just-made" && $0.reason.contains("--orphan-min-age") })
        #expect(script.utf8.allSatisfy { $0 == 0x0A || ($0 >= 0x20 && $0 < 0x7F) }, "the script is not plain ASCII")

        let before = try Measure.du(context.root)
        let run = try context.carryOut(script, name: "orphan-plan.sh")
        #expect(run.status == 0, "\(run.summary)")
        let freed = before - (try Measure.du(context.root))
        context.record("orphans: \(plan.actions.count), planned \(plan.reclaimableBytes) bytes, freed \(freed) bytes, difference \(freed - plan.reclaimableBytes)")
        #expect(freed == plan.reclaimableBytes)
        #expect(!FileManager.default.fileExists(atPath: context.dir + "/pwned-by-dockdu"))
        #expect(FileManager.default.fileExists(atPath: context.root + "/overlay2/just-made"))
        let left = try CommandRunner.run([context.binary, "report", "--root", context.root, "--json", "--cache", context.cache])
        struct Orphans: Decodable { struct Orphan: Decodable { let path: String }; let orphans: [Orphan] }
        #expect(try JSONDecoder().decode(Orphans.self, from: left.stdout).orphans.map(\.path) == ["overlay2/just-made"])
    }
}
