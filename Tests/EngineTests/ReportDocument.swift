import Foundation

/// dockdu's `report --json` document as its interface promises it, decoded strictly: a missing
/// key or a wrong type fails the test. Written from the interface, not from DockduCore, so that
/// it tests the binary from outside.
struct ReportDocument: Decodable, Sendable {
    struct Categories: Decodable, Sendable {
        let images: Int64
        let containers: Int64
        let logs: Int64
        let volumes: Int64
        let buildCache: Int64
        let orphans: Int64
        let other: Int64

        var sum: Int64 { images + containers + logs + volumes + buildCache + orphans + other }
    }
    struct Image: Decodable, Sendable {
        let id: String
        let tags: [String]
        let dangling: Bool
        let created: String?
        let layers: [String]
        let bytes: Int64
        let sharedBytes: Int64
        let uniqueBytes: Int64
        let containers: [String]
        let reclaimable: Bool
        let reclaimableBytes: Int64
        let reclaimReason: String
    }
    struct Container: Decodable, Sendable {
        let id: String
        let name: String
        let imageId: String
        let state: String
        let created: String?
        let finishedAt: String?
        let logDriver: String?
        let rwBytes: Int64
        let logBytes: Int64
        let totalBytes: Int64
        let volumes: [String]
        let reclaimable: Bool
        let reclaimableBytes: Int64
        let reclaimReason: String
    }
    struct Volume: Decodable, Sendable {
        let name: String
        let bytes: Int64
        let containers: [String]
        let anonymous: Bool
        let reclaimable: Bool
        let reclaimableBytes: Int64
        let reclaimReason: String
    }
    struct Layer: Decodable, Sendable {
        let chainId: String
        let diffId: String
        let cacheId: String
        let bytes: Int64
        let images: [String]
    }
    struct Orphan: Decodable, Sendable {
        let path: String
        let pathBase64: String?
        let kind: String
        let bytes: Int64
        let reclaimable: Bool
        let reclaimableBytes: Int64
        let reclaimReason: String

        /// The path's exact bytes, relative to the root.
        var pathBytes: [UInt8] {
            if let pathBase64, let data = Data(base64Encoded: pathBase64) { return Array(data) }
            return Array(path.utf8)
        }
    }
    /// One record of BuildKit's build cache (`buildCache[]`, issue 11), as `docker system df -v`
    /// lists it, with the bytes dockdu's walk measured for it.
    struct BuildCacheRecord: Decodable, Sendable {
        let id: String
        let type: String
        let description: String
        /// Its `overlay2/` directory with the `l/` link, as the walk measured it; 0 when its data is
        /// an image layer's (`countedUnder`).
        let bytes: Int64
        /// Of `bytes`, its `diff/` directory: what BuildKit measures (its `Size`, in apparent
        /// mode). Not in issue 11's contract; the implementation emits it, so it is held to it.
        let diffBytes: Int64?
        /// `overlay2/<dir>`; absent when the data is an image layer's or unknown.
        let directory: String?
        /// The images its data is counted under (it is one of their layers).
        let countedUnder: [String]?
        let shared: Bool
        let inUse: Bool
        let mutable: Bool
        let createdAt: String?
        let lastUsedAt: String?
        let usageCount: Int
        let parent: String?
        /// BuildKit's own last measurement of it (`snapshot.size`).
        let recordedBytes: Int64?
        let reclaimable: Bool
        let reclaimableBytes: Int64
        let reclaimReason: String
    }
    /// One row of the SUMMARY; items absent for other.
    struct SummaryRow: Decodable, Sendable {
        let bytes: Int64
        let reclaimableBytes: Int64
        let items: Int?
        let unusedItems: Int?
    }
    struct Warning: Decodable, Sendable {
        let code: String
        let path: String
        let message: String
    }

    let schemaVersion: Int
    let dataRoot: String
    let sizeMode: String
    let generatedAt: String
    let totalBytes: Int64
    let categories: Categories
    let reclaimableBytes: Int64
    /// Keyed by category, as `categories`.
    let summary: [String: SummaryRow]
    let images: [Image]
    let containers: [Container]
    let volumes: [Volume]
    let layers: [Layer]
    let orphans: [Orphan]
    let warnings: [Warning]
    struct Completeness: Decodable, Sendable {
        let images: Bool
        let tags: Bool
        let containers: Bool
        let layers: Bool
    }
    struct LinkedFolder: Decodable, Sendable {
        let name: String
        let target: String
        let otherFilesystem: Bool
        let bytes: Int64
    }
    let metadataComplete: Completeness
    let linkedFolders: [LinkedFolder]
    /// Sorted by `id`; optional here only so that a dockdu without it still decodes in the
    /// other phases (the buildkit phase requires it).
    let buildCache: [BuildCacheRecord]?

    func container(_ id: String) -> Container? { containers.first { $0.id == id } }
    func volume(_ name: String) -> Volume? { volumes.first { $0.name == name } }
}

/// Runs the dockdu binary under test.
enum Dockdu {
    enum SizeMode: String { case disk, apparent }

    struct Run: Sendable {
        let result: CommandResult
        /// Decoded when `--json` was asked for and stdout parsed.
        let report: ReportDocument?
        let decodingError: String?
    }

    static func arguments(root: String, json: Bool, mode: SizeMode) -> [String] {
        var arguments = ["report", "--root", root]
        if json { arguments.append("--json") }
        if mode == .apparent { arguments.append("--apparent-size") }
        arguments.append("--bytes")
        return arguments
    }

    static func run(
        _ environment: EngineEnvironment, root: String? = nil, json: Bool = true,
        mode: SizeMode = .disk, currentDirectory: String? = nil
    ) throws -> Run {
        // The layer cache lives beside the engine, never in the machine's /var/cache; every phase
        // after the first runs with it warm, so the exact comparisons cover cached runs too.
        let arguments = arguments(root: root ?? environment.root, json: json, mode: mode) + ["--cache", environment.dir + "/cache"]
        let result = try CommandRunner.run(
            [environment.binary] + arguments, currentDirectory: currentDirectory)
        guard json else { return Run(result: result, report: nil, decodingError: nil) }
        do {
            let report = try JSONDecoder().decode(ReportDocument.self, from: result.stdout)
            return Run(result: result, report: report, decodingError: nil)
        } catch {
            return Run(result: result, report: nil, decodingError: "\(error)")
        }
    }

    /// A report that must have been read completely (exit 0) and parsed.
    static func report(_ environment: EngineEnvironment, mode: SizeMode, allowWarnings: Bool = false)
        throws -> ReportDocument
    {
        let run = try run(environment, mode: mode)
        guard run.result.status == 0 || (allowWarnings && run.result.status == 1) else {
            throw EngineTestError("dockdu failed: \(run.result.summary)")
        }
        guard let report = run.report else {
            throw EngineTestError(
                "dockdu's JSON did not decode: \(run.decodingError ?? "?"); stdout starts: "
                    + run.result.stdoutText.prefix(500))
        }
        return report
    }
}
