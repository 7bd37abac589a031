import Foundation
import Testing

/// Phase `free`: `dockdu plan --free` on an engine whose images were used in a known order
/// (`Tests/Engine/lru.sh`: lru-a, then lru-b, then lru-c, each with its own 1, 2, 3 MiB layer on
/// base:latest). The least recently used go first, the plan stops as soon as the target is met,
/// an unreachable target says by how much, and carrying the plan out frees what it says.
@Suite("plan --free on a real engine", .serialized)
struct FreeEngineTests {
    struct Facts: Decodable {
        struct Entry: Decodable { let image: String; let container: String; let finished: String }
        let a: Entry, b: Entry, c: Entry
    }

    struct Plan: Decodable {
        struct Action: Decodable {
            let kind: String
            let target: String
            let reclaimableBytes: Int64
            let lastUsedAt: String?
        }
        struct Target: Decodable {
            let requestedBytes: Int64?
            let plannedBytes: Int64?
            let reached: Bool?
            let shortBytes: Int64?
            let candidates: Int?
            let belowHighWater: Bool?
        }
        let reclaimableBytes: Int64
        let actions: [Action]
        let target: Target?
    }

    /// Everything but orphans and build cache may go; base:latest, which every image stands on,
    /// is kept so that only the three known images and their containers are candidates.
    static let policy = ["--all-images", "--no-orphans", "--no-build-cache", "--keep", "base:latest"]

    func plan(_ environment: EngineEnvironment, _ extra: [String], script: Bool = false) throws -> (Plan, String) {
        let base = [environment.binary, "plan", "--root", environment.root, "--cache", environment.dir + "/cache"] + Self.policy + extra
        let json = try CommandRunner.run(base + ["--json"])
        #expect(json.status == 0, "\(json.summary)")
        let text = script ? try CommandRunner.run(base + ["--script"]).stdoutText : ""
        return (try JSONDecoder().decode(Plan.self, from: json.stdout), text)
    }

    func record(_ environment: EngineEnvironment, _ line: String) {
        let path = environment.dir + "/free-figures.txt"
        let previous = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try? (previous + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(
        "least recently used first, stopping at the target; unreachable targets say by how much; carried out, it frees what it says",
        .enabled(if: EngineEnvironment.isPhase(.free), PhaseReason.free))
    func freeReachesItsTarget() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let facts = try JSONDecoder().decode(Facts.self, from: Data(contentsOf: URL(fileURLWithPath: environment.dir + "/lru.json")))
        let manifest = try Measure.manifest(environment.root)

        // The whole of what the policy allows: three containers and three images.
        let (full, _) = try plan(environment, [])
        let byTarget = Dictionary(uniqueKeysWithValues: full.actions.map { ($0.target, $0) })
        #expect(Set(byTarget.keys) == ["lru-a-run", "lru-b-run", "lru-c-run", "lru-a:latest", "lru-b:latest", "lru-c:latest"], "\(byTarget.keys.sorted())")
        // Last use as the engine recorded it: each image's is its container's FinishedAt.
        for (name, entry) in [("a", facts.a), ("b", facts.b), ("c", facts.c)] {
            let finished = try #require(Self.seconds(entry.finished))
            #expect(byTarget["lru-\(name)-run"]?.lastUsedAt.flatMap(Self.seconds) == finished)
            #expect(byTarget["lru-\(name):latest"]?.lastUsedAt.flatMap(Self.seconds) == finished)
        }
        let aBytes = (byTarget["lru-a-run"]?.reclaimableBytes ?? 0) + (byTarget["lru-a:latest"]?.reclaimableBytes ?? 0)
        let bBytes = (byTarget["lru-b-run"]?.reclaimableBytes ?? 0) + (byTarget["lru-b:latest"]?.reclaimableBytes ?? 0)
        #expect(aBytes > 1 << 20 && bBytes > 2 << 20)

        // Exactly a's bytes: a's container and image, nothing more.
        let (justA, _) = try plan(environment, ["--free", "\(aBytes)"])
        #expect(Set(justA.actions.map(\.target)) == ["lru-a-run", "lru-a:latest"], "\(justA.actions.map(\.target))")
        #expect(justA.actions.map(\.kind) == ["removeContainer", "removeImage"])
        #expect(justA.target?.reached == true && justA.target?.plannedBytes == aBytes && justA.target?.shortBytes == 0)
        #expect(justA.target?.candidates == 6)

        // One byte more takes the next least recently used, b, whole (container before image).
        let (aAndB, script) = try plan(environment, ["--free", "\(aBytes + 1)"], script: true)
        #expect(Set(aAndB.actions.map(\.target)) == ["lru-a-run", "lru-a:latest", "lru-b-run", "lru-b:latest"], "\(aAndB.actions.map(\.target))")
        #expect(aAndB.target?.plannedBytes == aBytes + bBytes)
        #expect(try Measure.manifest(environment.root) == manifest, "planning changed the tree")

        // Too much: every allowed removal, and exactly how far it falls short.
        let asked: Int64 = 100 << 30
        let (tooMuch, _) = try plan(environment, ["--free", "100G"])
        #expect(tooMuch.target?.reached == false)
        #expect(tooMuch.target?.plannedBytes == full.reclaimableBytes)
        #expect(tooMuch.target?.shortBytes == asked - full.reclaimableBytes)
        #expect(tooMuch.actions.count == full.actions.count)

        // Under the high-water mark nothing is planned (the file system is never 100% used here).
        let (calm, _) = try plan(environment, ["--high-water", "100%"])
        #expect(calm.target?.belowHighWater == true && calm.actions.isEmpty)

        // Carried out: du's drop is at least the target and within 1% of the plan's figure.
        let before = try Measure.du(environment.root)
        let path = environment.dir + "/free-plan.sh"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let run = try CommandRunner.run(["sh", path], environment: ["DOCKER_HOST": "unix://" + environment.socket], currentDirectory: environment.dir)
        #expect(run.status == 0, "\(run.summary)")
        let freed = before - (try Measure.du(environment.root))
        let planned = aAndB.target?.plannedBytes ?? 0
        record(environment, "plan --free \(aBytes + 1): chose \(aAndB.actions.count) of \(full.actions.count) actions (lru-a and lru-b), planned \(planned) bytes, du -sx fell \(freed) bytes, difference \(freed - planned)")
        record(environment, "plan --free 100G: unreachable, every allowed removal frees \(full.reclaimableBytes) bytes, short \(tooMuch.target?.shortBytes ?? -1)")
        #expect(freed >= aBytes + 1, "freed \(freed), asked \(aBytes + 1)")
        #expect(abs(freed - planned) * 100 <= planned, "planned \(planned), freed \(freed)")
    }

    /// RFC 3339 to whole seconds (the plan writes whole seconds; Docker nanoseconds): UTC only.
    static func seconds(_ text: String) -> Int64? {
        guard text.hasSuffix("Z"), text.count >= 20 else { return nil }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: String(text.prefix(19)) + "Z").map { Int64($0.timeIntervalSince1970) }
    }
}
