import Foundation
import Testing

/// The buildkit phase's engine, as `Tests/Engine/run` leaves it: a private engine, running and
/// idle, on which `Tests/Engine/buildkit.sh` made two real BuildKit builds.
/// ```
/// DIR/root/           the data root (the engine runs; no build is in progress)
/// DIR/buildkit.json   the engine's /system/df when the builds were done
/// DIR/pristine/       a copy of the root taken then, for the damage tests
/// DIR/scratch/        the tests' copies; DIR/cache/ dockdu's layer cache
/// ```
struct BuildKitEngine: Sendable {
    let environment: EngineEnvironment

    var dir: String { environment.dir }
    var root: String { environment.root }
    var cache: String { dir + "/cache" }
    var figuresPath: String { dir + "/buildkit-prune-figures.txt" }
    /// Written when the prune test has carried out `docker builder prune`: the records the other
    /// tests compare are gone from then on.
    var prunedMarker: String { dir + "/buildkit-pruned" }
    /// The Debian client, whose `docker builder prune` speaks to the engine's BuildKit.
    static let dockerClient = "/usr/bin/docker"

    static func required() throws -> BuildKitEngine {
        let engine = BuildKitEngine(environment: try EngineEnvironment.required())
        guard FileManager.default.fileExists(atPath: engine.environment.buildKitSystemDFPath) else {
            throw EngineTestError("no \(engine.environment.buildKitSystemDFPath): DOCKDU_ENGINE_DIR is not an engine Tests/Engine/buildkit.sh filled")
        }
        return engine
    }

    /// Throws once the prune test has run: a test that compares the records made by the builds
    /// must run before it (a serialized suite runs in source order, and it is the last).
    func requireNotPruned() throws {
        if FileManager.default.fileExists(atPath: prunedMarker) {
            throw EngineTestError("the build cache was already pruned; this test must run before BuildKitEngineTests.pruneFreesWhatThePlanSays")
        }
    }

    /// The engine's `/system/df` now, with its build cache (required).
    func systemDF() throws -> (df: SystemDF, records: [SystemDF.BuildCacheRecord]) {
        let df = try JSONDecoder().decode(SystemDF.self, from: SystemDF.fetchData(socket: environment.socket))
        guard let records = df.BuildCache else { throw EngineTestError("/system/df has no BuildCache[]") }
        return (df, records)
    }

    /// What `buildkit.sh` saved when the builds were done.
    func savedSystemDF() throws -> [SystemDF.BuildCacheRecord] {
        let data = try Data(contentsOf: URL(fileURLWithPath: environment.buildKitSystemDFPath))
        guard let records = try JSONDecoder().decode(SystemDF.self, from: data).BuildCache else {
            throw EngineTestError("\(environment.buildKitSystemDFPath) has no BuildCache[]")
        }
        return records
    }

    /// A complete report (exit 0) of the live root, with its build cache (required).
    func report(_ mode: Dockdu.SizeMode) throws -> (document: ReportDocument, records: [ReportDocument.BuildCacheRecord]) {
        let document = try Dockdu.report(environment, mode: mode)
        guard let records = document.buildCache else {
            throw EngineTestError("dockdu's report (\(mode)) has no buildCache[]")
        }
        return (document, records)
    }

    /// `dockdu plan --json` of the live root with `arguments`.
    func plan(_ arguments: [String]) throws -> PlanEngineTests.PlanDocument {
        let result = try CommandRunner.run([environment.binary, "plan", "--root", root, "--cache", cache, "--json"] + arguments)
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        do {
            return try JSONDecoder().decode(PlanEngineTests.PlanDocument.self, from: result.stdout)
        } catch {
            throw EngineTestError("plan \(arguments) does not decode (\(error)): \(result.stdoutText.prefix(500))")
        }
    }

    /// Carries out a plan's argv, `docker` being Debian's client pointed at the private engine
    /// with a private client configuration.
    func carryOut(_ command: [String]) throws -> CommandResult {
        guard command.first == "docker" else { throw EngineTestError("not a docker command: \(command)") }
        let config = dir + "/client-config"
        try FileManager.default.createDirectory(atPath: config, withIntermediateDirectories: true)
        return try CommandRunner.run(
            [Self.dockerClient] + command.dropFirst(),
            environment: ["DOCKER_HOST": "unix://" + environment.socket, "DOCKER_CONFIG": config])
    }

    /// Appends a measured figure for the closing note (`Tests/Engine/run` prints the file).
    func record(_ line: String) {
        let previous = (try? String(contentsOfFile: figuresPath, encoding: .utf8)) ?? ""
        try? (previous + line + "\n").write(toFile: figuresPath, atomically: true, encoding: .utf8)
    }

    /// The names in `overlay2/` of BuildKit's shape (25 lowercase letters and digits).
    static func snapshotDirectories(root: String) throws -> Set<String> {
        Set(try FileManager.default.contentsOfDirectory(atPath: root + "/overlay2").filter(isSnapshotName))
    }

    /// Every layer's `cache-id` in layerdb, by chain ID.
    static func layerCacheIDs(root: String) throws -> [String: String] {
        let layerdb = root + "/image/overlay2/layerdb/sha256"
        var cacheIDs: [String: String] = [:]
        for chain in try FileManager.default.contentsOfDirectory(atPath: layerdb) where chain.count == 64 {
            cacheIDs["sha256:" + chain] = try readText("\(layerdb)/\(chain)/cache-id")
        }
        return cacheIDs
    }

    static func isSnapshotName(_ name: String) -> Bool {
        name.wholeMatch(of: #/[a-z0-9]{25}/#) != nil
    }
}

extension Measure {
    /// ``overlayDirectory(root:name:)`` in apparent bytes: `st_size` of every non-directory in
    /// `overlay2/<name>` (each inode once) plus its `l/` symlink's, when it points at it.
    static func apparentOverlayDirectory(root: String, name: String) throws -> Int64 {
        var bytes = try apparentBytes("\(root)/overlay2/\(name)")
        if let link = try? readText("\(root)/overlay2/\(name)/link") {
            let path = "\(root)/overlay2/l/\(link)"
            if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path), target == "../\(name)/diff" {
                bytes += Int64(target.utf8.count)  // a symlink's st_size is its target's length
            }
        }
        return bytes
    }
}

/// An instant of an RFC 3339 time, to the nanosecond, however many fraction digits either side
/// prints (Go's RFC3339Nano drops trailing zeros).
struct Instant: Equatable, Comparable, CustomStringConvertible, Sendable {
    let seconds: Int64
    let nanoseconds: Int64

    init?(_ text: String) {
        guard let match = text.wholeMatch(of: #/(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|z|[+-]\d\d:\d\d)/#),
            let year = Int64(match.1), let month = Int64(match.2), let day = Int64(match.3),
            let hour = Int64(match.4), let minute = Int64(match.5), let second = Int64(match.6)
        else { return nil }
        let fraction = match.7.map(String.init) ?? ""
        guard let nanoseconds = Int64(fraction + String(repeating: "0", count: 9 - fraction.count)) else { return nil }
        var offset: Int64 = 0
        let zone = String(match.8)
        if zone != "Z", zone != "z", let hours = Int64(zone.dropFirst().prefix(2)), let minutes = Int64(zone.suffix(2)) {
            offset = (hours * 3600 + minutes * 60) * (zone.hasPrefix("-") ? -1 : 1)
        }
        // Days from 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        self.seconds = days * 86_400 + hour * 3600 + minute * 60 + second - offset
        self.nanoseconds = nanoseconds
    }

    static func < (a: Instant, b: Instant) -> Bool { (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds) }

    var description: String {
        let digits = String(nanoseconds)
        return "\(seconds).\(String(repeating: "0", count: 9 - digits.count))\(digits)"
    }
}

/// `part` of `whole` as a percentage with two decimals, for the figures (no String(format:)).
func percent(_ part: Int64, of whole: Int64) -> String {
    guard whole != 0 else { return part == 0 ? "0.00%" : "n/a" }
    let basisPoints = (part * 10_000) / whole
    let sign = basisPoints < 0 ? "-" : ""
    let magnitude = abs(basisPoints)
    let cents = String(magnitude % 100)
    return "\(sign)\(magnitude / 100).\(cents.count == 1 ? "0" + cents : cents)%"
}

/// The byte count of a size Docker's CLI printed with `units.HumanSize` (decimal units, 4
/// significant digits: "578.5kB", "0B"), and how far from the exact figure that rounding allows.
func humanSizeBytes(_ text: String) -> (bytes: Double, tolerance: Double)? {
    guard let match = text.wholeMatch(of: #/([0-9]+(?:\.[0-9]+)?)([kMGTPEZY]?B)/#), let value = Double(match.1) else { return nil }
    let units = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]
    guard let power = units.firstIndex(of: String(match.2)) else { return nil }
    var multiplier = 1.0
    for _ in 0..<power { multiplier *= 1000 }
    // Half a unit of the fourth significant digit (value is in [1, 1000) after scaling, or 0).
    var digitUnit = 0.001
    var scaled = value
    while scaled >= 10 {
        scaled /= 10
        digitUnit *= 10
    }
    return (value * multiplier, value == 0 ? 0.5 : digitUnit * multiplier / 2 + 0.5)
}
