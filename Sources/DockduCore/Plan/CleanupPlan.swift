/// What `dockdu plan` proposes: an ordered list of actions, each with the bytes it frees given
/// the actions before it. A dry run by construction: dockdu never carries any of it out.
public struct CleanupPlan: Sendable, Codable, Equatable {
    public static let currentSchemaVersion = 1

    public var schemaVersion: Int
    public var dataRoot: String
    /// The data root with every link resolved: the paths in commands start with it.
    public var dataRootCanonical: String?
    public var sizeMode: SizeMode
    /// Always true: the plan is for a person to review and carry out.
    public var dryRun: Bool
    public var generatedAt: String
    /// Sum of the actions' ``PlanAction/reclaimableBytes``.
    public var reclaimableBytes: Int64
    public var actions: [PlanAction]
    /// Candidates a policy would take but a safety rule or filter kept, with the reason.
    public var skipped: [SkippedItem]
    public var policy: PlanPolicy
    /// The scan's warnings: a plan over a partly unreadable root deserves a second look.
    public var warnings: [Warning]
    /// Why whole kinds of removal were left out: metadata a removal depends on was unreadable,
    /// so the plan proposes nothing the missing piece could protect.
    public var notes: [String] = []
    /// Where linked top folders of the data root lead (``LinkedFolder``): commands under them
    /// name these paths, and the script accepts them as well as the data root.
    public var linkedFolders: [String] = []
    /// Other stores' roots (containerd's) that orphan commands may act in; the script accepts
    /// them as well.
    public var storeRoots: [String]? = nil
    /// `--free`, `--until-free` or `--high-water`: what was asked, and whether the plan gets there.
    public var target: PlanTarget? = nil
}

/// A plan that reaches a target: `--free SIZE`, `--until-free PERCENT`, and `--high-water PERCENT`.
public struct PlanTarget: Sendable, Codable, Equatable {
    /// The option that set it, as given (`--free 20.0 GiB`, `--until-free 20%`, `--high-water 85%`).
    public var rule: String
    /// The file system holding the data root, when a percentage needed it.
    public var filesystem: FileSystemSpace?
    /// Bytes to free; absent with `--high-water` alone.
    public var requestedBytes: Int64?
    /// What the chosen actions free.
    public var plannedBytes: Int64?
    public var reached: Bool?
    /// How far the allowed removals fall short; 0 when reached.
    public var shortBytes: Int64?
    /// Actions the policy allows, of which the plan took the least recently used first.
    public var candidates: Int?
    public var highWaterPercent: Double?
    /// The file system is below `--high-water`: the plan is empty by design.
    public var belowHighWater: Bool?

    public init(rule: String, filesystem: FileSystemSpace?) {
        self.rule = rule
        self.filesystem = filesystem
    }
}

public struct PlanAction: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, Equatable, CaseIterable {
        case removeContainer, removeVolume, removeImage, pruneBuildCache, truncateLog, removeOrphan
    }

    public var kind: Kind
    /// What it acts on: a container name, an image reference or ID, a volume name, a path.
    public var target: String
    /// The target's exact bytes, base64, only when they are not valid UTF-8 (orphan paths).
    public var targetBase64: String?
    public var reason: String
    public var reclaimableBytes: Int64
    /// The command that carries it out, as an argument vector (no shell).
    public var command: [String]
    /// The same, byte-exact, base64 per argument, only when some argument is not valid UTF-8.
    public var commandBase64: [String]?
    /// Advice (log truncation) rather than a removal.
    public var advisory: Bool
    /// Its last use (RFC 3339 UTC): the container's, image's or volume's, the newest of the
    /// build-cache records it prunes, an orphan's modification time. `--free` takes the least
    /// recently used first.
    public var lastUsedAt: String? = nil
}

public struct SkippedItem: Sendable, Codable, Equatable {
    public var target: String
    public var reason: String
}

/// The policies and filters that produced a plan, echoed in its JSON.
public struct PlanPolicy: Sendable, Codable, Equatable {
    public enum ImagePolicy: String, Sendable, Codable { case none, dangling, all }
    public enum VolumePolicy: String, Sendable, Codable { case none, anonymous, all }

    public var stoppedContainers = true
    public var images = ImagePolicy.dangling
    public var buildCache = true
    /// `--all-build-cache`: prune as `docker builder prune --all` (shared, internal and frontend
    /// records too).
    public var allBuildCache = false
    /// `--build-cache-type`: only records of these types, one prune command each; empty for all.
    public var buildCacheTypes: [String] = []
    /// `--unused-for`: only what was last used this many seconds ago or longer.
    public var unusedForSeconds: Int64?
    /// `--free SIZE`: the least recently used removals that free at least this much.
    public var freeBytes: Int64?
    /// `--until-free PERCENT`: the least recently used removals that leave this much of the data
    /// root's file system available.
    public var untilFreePercent: Double?
    /// `--high-water PERCENT`: an empty plan while the file system is used less than this.
    public var highWaterPercent: Double?
    public var volumes = VolumePolicy.none
    public var orphans = true
    public var orphanMinAgeSeconds: Int64 = 3600
    /// Containers whose logs exceed it get an advisory truncation; nil for none.
    public var logThresholdBytes: Int64? = 100 << 20
    /// Only what was created (images) or finished (containers) before this many seconds ago.
    public var olderThanSeconds: Int64?
    /// Glob patterns of container names, image references and volume names never proposed.
    public var keep: [String] = []
    /// `KEY` or `KEY=VALUE`: only items with the label (`--label`), or without it (`--label!`).
    public var labels: [String] = []
    public var notLabels: [String] = []

    public init() {}
}
