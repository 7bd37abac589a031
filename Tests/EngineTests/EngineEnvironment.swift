import Foundation
import Testing

/// Which part of the real-engine proof `Tests/Engine/run` is running. Every engine test belongs to
/// exactly one phase and is disabled, with a reason, in the others and outside that script.
enum EnginePhase: String, Sendable {
    /// The engine runs: dockdu is compared with Docker's own `/system/df` and with `du`.
    case live
    /// The engine has stopped: the tree is quiet, dockdu must match `du` exactly and change nothing.
    case stopped
    /// The stopped tree is damaged behind the engine's back, one way after another.
    case damaged
    /// Copies of the stopped tree, each damaged one hostile way: values that point outside the
    /// root, unreadable metadata, moved folders, absurd caches.
    case hostile
    /// No Docker engine: a private containerd 1.6 runs (`Tests/Engine/containerd.sh`), with a
    /// Docker 29 data root beside it; dockdu's containerd store is held to containerd's own answers.
    case containerd
    /// A private engine of its own with a BuildKit build cache (`Tests/Engine/buildkit.sh`): real
    /// builds' records, held to the engine's `/system/df` `BuildCache[]`, `du`, and a carried-out
    /// `docker builder prune`.
    case buildkit
    /// A private engine of its own with images of known sizes used in a known order
    /// (`Tests/Engine/lru.sh`): `dockdu plan --free` chooses the least recently used, and
    /// carrying it out frees what it says.
    case free
    /// A private engine of its own with an image whose upper layers delete, replace and hide
    /// files (`Tests/Engine/wasted.sh`): dockdu's wasted bytes held to a replay of the image's
    /// `docker save` layer tars (`Tests/Engine/wasted-oracle.py`).
    case wasted
}

/// What `Tests/Engine/run` hands the tests through the environment.
struct EngineEnvironment: Sendable {
    /// `DOCKDU_ENGINE_DIR`: the temporary folder holding the engine (`root/`, `docker.sock`, `facts.json`).
    let dir: String
    /// `DOCKDU_BIN`: the dockdu binary under test.
    let binary: String
    /// `DOCKDU_ENGINE_PHASE`.
    let phase: EnginePhase

    var root: String { dir + "/root" }
    var socket: String { dir + "/docker.sock" }
    /// Written by `Tests/Engine/populate.sh`.
    var factsPath: String { dir + "/facts.json" }
    /// Docker's `/system/df` saved by `Tests/Engine/run` just before it stopped the engine.
    var liveSystemDFPath: String { dir + "/expect/live-system-df.json" }
    /// The engine's `/system/df` that `Tests/Engine/buildkit.sh` saved when its builds were done.
    var buildKitSystemDFPath: String { dir + "/buildkit.json" }
    /// Where a test may keep scratch files of its own (outside the data root).
    var scratch: String { dir + "/scratch" }
    /// A copy of the stopped, undamaged tree that `Tests/Engine/run` made before the damaged
    /// phase; the hostile phase copies it and never changes it.
    var pristine: String { dir + "/pristine" }

    static let current: EngineEnvironment? = {
        let environment = ProcessInfo.processInfo.environment
        guard let dir = environment["DOCKDU_ENGINE_DIR"], !dir.isEmpty,
            let binary = environment["DOCKDU_BIN"], !binary.isEmpty,
            let phaseName = environment["DOCKDU_ENGINE_PHASE"],
            let phase = EnginePhase(rawValue: phaseName)
        else { return nil }
        return EngineEnvironment(dir: dir, binary: binary, phase: phase)
    }()

    static func isPhase(_ phase: EnginePhase) -> Bool { current?.phase == phase }

    /// The environment of the running phase; a test only calls it when its phase is enabled.
    static func required() throws -> EngineEnvironment {
        guard let current else { throw EngineTestError("DOCKDU_ENGINE_DIR, DOCKDU_BIN and DOCKDU_ENGINE_PHASE are not set") }
        return current
    }
}

/// The reason shown for a disabled test.
enum PhaseReason {
    static let live: Comment =
        "needs a running private engine: Tests/Engine/run sets DOCKDU_ENGINE_PHASE=live"
    static let stopped: Comment =
        "needs a stopped, quiet engine tree: Tests/Engine/run sets DOCKDU_ENGINE_PHASE=stopped"
    static let damaged: Comment =
        "damages a stopped engine tree: Tests/Engine/run sets DOCKDU_ENGINE_PHASE=damaged"
    static let hostile: Comment =
        "damages copies of a stopped engine tree: Tests/Engine/run sets DOCKDU_ENGINE_PHASE=hostile"
    static let containerd: Comment =
        "needs a running private containerd and a Docker 29 data root: Tests/Engine/containerd-phase (or Tests/Engine/run) sets DOCKDU_ENGINE_PHASE=containerd"
    static let buildkit: Comment =
        "needs a running private engine with a BuildKit build cache (Tests/Engine/buildkit.sh): Tests/Engine/run sets DOCKDU_ENGINE_PHASE=buildkit"
    static let wasted: Comment =
        "needs a private engine with an image that hides bytes (Tests/Engine/wasted.sh): Tests/Engine/run sets DOCKDU_ENGINE_PHASE=wasted"
    static let free: Comment =
        "needs a private engine with images used in a known order (Tests/Engine/lru.sh): Tests/Engine/run sets DOCKDU_ENGINE_PHASE=free"
}

struct EngineTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// What `populate.sh` built, so that the tests know which container and volume plays which part.
struct PopulateFacts: Decodable, Sendable {
    struct Containers: Decodable, Sendable {
        let running: String
        let exited: String
        let created: String
        let paused: String
    }
    struct Volumes: Decodable, Sendable {
        let named: [String]
        let used: String
        let unused: String
        let anonymous: [String]
    }
    let containers: Containers
    /// `paused`, or `running` where `docker pause` does not work.
    let pausedState: String
    let volumes: Volumes
    struct Pinned: Decodable, Sendable {
        /// A created container whose image was untagged by a rebuild.
        let container: String
        let image: String
    }
    /// Untagged, no child, no container.
    let danglingImage: String
    let pinned: Pinned
    let tags: [String]

    static func load(_ environment: EngineEnvironment) throws -> PopulateFacts {
        let data = try Data(contentsOf: URL(fileURLWithPath: environment.factsPath))
        return try JSONDecoder().decode(PopulateFacts.self, from: data)
    }
}
