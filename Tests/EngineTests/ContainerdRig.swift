import Foundation
import Testing

/// The containerd phase's rig, as `Tests/Engine/containerd.sh start DIR` leaves it:
/// ```
/// DIR/root/          containerd's root (it runs, holding its locks on meta.db and metadata.db)
/// DIR/docker/        a Docker 29 data root in containerd-store mode: containers/ and volumes/
/// DIR/oracle.json    containerd's own answers and du, taken while it ran and was idle
/// DIR/scratch/       copies the tests damage; DIR/cache/ dockdu's layer cache
/// ```
struct ContainerdRig: Sendable {
    let environment: EngineEnvironment

    var dir: String { environment.dir }
    var dockerRoot: String { dir + "/docker" }
    var containerdRoot: String { dir + "/root" }
    var oraclePath: String { dir + "/oracle.json" }
    var scratch: String { dir + "/scratch" }
    var cache: String { dir + "/cache" }
    var pidFile: String { dir + "/containerd.pid" }

    static let overlayfs = "io.containerd.snapshotter.v1.overlayfs"
    static let content = "io.containerd.content.v1.content"
    static let metaDB = "io.containerd.metadata.v1.bolt/meta.db"
    static let snapshotterDB = overlayfs + "/metadata.db"

    static func required() throws -> ContainerdRig {
        let rig = ContainerdRig(environment: try EngineEnvironment.required())
        guard FileManager.default.fileExists(atPath: rig.oraclePath) else {
            throw EngineTestError("no \(rig.oraclePath): DOCKDU_ENGINE_DIR is not a rig made by Tests/Engine/containerd.sh start")
        }
        return rig
    }

    func oracle() throws -> ContainerdOracle {
        try JSONDecoder().decode(ContainerdOracle.self, from: Data(contentsOf: URL(fileURLWithPath: oraclePath)))
    }

    /// Whether containerd is still running (the tests are meant to read its root while it does).
    func containerdRuns() throws -> Bool {
        let pid = try readText(pidFile)
        return try CommandRunner.bash("kill -0 \"$1\" && [ \"$(awk '{ print $3 }' /proc/$1/stat)\" != Z ]", [pid]).status == 0
    }

    /// Whether a shared flock on the file is refused, as it is while containerd holds its own.
    func lockIsHeld(_ relativePath: String) throws -> Bool {
        try CommandRunner.run(["flock", "--nonblock", "--shared", containerdRoot + "/" + relativePath, "true"]).status != 0
    }

    /// A copy of both roots under `scratch/<name>/`, for damage (`cp -a`, no reflinks, taken while
    /// containerd is idle: the oracle was written after its databases had stopped changing).
    func copy(_ name: String) throws -> ContainerdRigCopy {
        let copy = ContainerdRigCopy(rig: self, base: scratch + "/" + name)
        try CommandRunner.bashChecked(
            """
            set -e
            rm -rf --one-file-system "$1"
            mkdir -p "$1"
            cp -a --reflink=never "$2" "$1/docker"
            cp -a --reflink=never "$3" "$1/root"
            """, [copy.base, dockerRoot, containerdRoot])
        return copy
    }
}

/// Copies of the rig's two roots that a test may damage; containerd never sees them.
struct ContainerdRigCopy: Sendable {
    let rig: ContainerdRig
    let base: String

    var dockerRoot: String { base + "/docker" }
    var containerdRoot: String { base + "/root" }
    /// Its own layer cache: a copy's entries must not meet the rig's.
    var cache: String { base + "/cache" }
}

/// What the report of a containerd store adds to today's document (issue 10), decoded leniently:
/// every new key is optional here so that a missing one fails its own expectation, by name,
/// instead of the whole decoding. Today's keys are decoded strictly by ``ReportDocument``.
struct ContainerdAdditions: Decodable, Sendable {
    struct Store: Decodable, Sendable {
        let name: String
        let root: String
        let rule: String
        let namespace: String?
        let snapshotter: String?
    }
    struct Root: Decodable, Sendable {
        let path: String
        let bytes: Int64
    }
    struct Blob: Decodable, Sendable {
        let digest: String
        let mediaType: String?
        let bytes: Int64
        let images: [String]
    }
    struct Image: Decodable, Sendable {
        let id: String
        let contentBytes: Int64?
    }
    struct Orphan: Decodable, Sendable {
        let path: String
        let kind: String
        let bytes: Int64
        /// `containerd` when `path` is relative to the containerd root; absent for the data root.
        let base: String?
    }
    let stores: [Store]?
    let roots: [Root]?
    let blobs: [Blob]?
    let images: [Image]
    let orphans: [Orphan]
}

/// One `dockdu report` of a rig (or a copy): today's document and the containerd additions.
struct ContainerdReport: Sendable {
    let result: CommandResult
    let document: ReportDocument
    let additions: ContainerdAdditions

    /// Orphans reported relative to the containerd root.
    var containerdOrphans: [ContainerdAdditions.Orphan] { additions.orphans.filter { $0.base == "containerd" } }
}

/// Runs the binary under test on a Docker data root and a containerd root.
enum ContainerdDockdu {
    /// The command line of the JSON contract, in one place:
    /// `dockdu report --json --root DOCKER --containerd-root ROOT --containerd-namespace moby`.
    static func arguments(dockerRoot: String, containerdRoot: String, cache: String, mode: Dockdu.SizeMode, json: Bool = true)
        -> [String]
    {
        var arguments = ["report"]
        if json { arguments.append("--json") }
        arguments += ["--bytes", "--root", dockerRoot, "--containerd-root", containerdRoot, "--containerd-namespace", "moby"]
        if mode == .apparent { arguments.append("--apparent-size") }
        // The cache lives beside the roots, never in the machine's /var/cache nor under a root.
        return arguments + ["--cache", cache]
    }

    /// dockdu on the rig's roots, or on a copy's when `copy` is given.
    static func run(_ rig: ContainerdRig, copy: ContainerdRigCopy? = nil, mode: Dockdu.SizeMode, json: Bool = true) throws
        -> CommandResult
    {
        let arguments = arguments(
            dockerRoot: copy?.dockerRoot ?? rig.dockerRoot, containerdRoot: copy?.containerdRoot ?? rig.containerdRoot,
            cache: copy?.cache ?? rig.cache, mode: mode, json: json)
        return try CommandRunner.run([rig.environment.binary] + arguments)
    }

    /// A report that parsed; `statuses` are the exit statuses the caller accepts.
    static func report(
        _ rig: ContainerdRig, copy: ContainerdRigCopy? = nil, mode: Dockdu.SizeMode, statuses: Set<Int32> = [0]
    ) throws -> ContainerdReport {
        let result = try run(rig, copy: copy, mode: mode)
        guard statuses.contains(result.status) else {
            throw EngineTestError("dockdu exited \(result.status), expected \(statuses.sorted()): \(result.summary)")
        }
        do {
            let decoder = JSONDecoder()
            return ContainerdReport(
                result: result, document: try decoder.decode(ReportDocument.self, from: result.stdout),
                additions: try decoder.decode(ContainerdAdditions.self, from: result.stdout))
        } catch {
            throw EngineTestError("dockdu's JSON did not decode: \(error); stdout starts: \(result.stdoutText.prefix(500))")
        }
    }
}

/// A disk-mode report with `du -sx` of both roots taken right before and right after it.
struct MeasuredContainerdReport: Sendable {
    let report: ContainerdReport
    let dockerRootDu: Int64
    let containerdRootDu: Int64
}

extension ContainerdDockdu {
    /// Retries until neither root changed across the run (containerd should be idle; its GC runs
    /// only after deletions), so that the totals can be compared with du exactly.
    static func measuredDiskReport(_ rig: ContainerdRig, copy: ContainerdRigCopy? = nil, statuses: Set<Int32> = [0])
        throws -> MeasuredContainerdReport
    {
        let dockerRoot = copy?.dockerRoot ?? rig.dockerRoot
        let containerdRoot = copy?.containerdRoot ?? rig.containerdRoot
        for _ in 0..<3 {
            let before = (try Measure.du(dockerRoot), try Measure.du(containerdRoot))
            let report = try report(rig, copy: copy, mode: .disk, statuses: statuses)
            let after = (try Measure.du(dockerRoot), try Measure.du(containerdRoot))
            if before == after {
                return MeasuredContainerdReport(report: report, dockerRootDu: after.0, containerdRootDu: after.1)
            }
            Thread.sleep(forTimeInterval: 1)
        }
        throw EngineTestError("the roots did not stay still for a du/dockdu/du round; cannot compare totals")
    }
}
