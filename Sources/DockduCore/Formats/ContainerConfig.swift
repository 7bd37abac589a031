import FoundationEssentials

/// `containers/<id>/config.v2.json`: only what dockdu reads.
public struct ContainerConfig: Decodable, Sendable {
    public struct State: Decodable, Sendable {
        public var running: Bool?
        public var paused: Bool?
        public var restarting: Bool?
        public var dead: Bool?
        public var removalInProgress: Bool?
        public var startedAt: String?
        public var finishedAt: String?

        enum CodingKeys: String, CodingKey {
            case running = "Running", paused = "Paused", restarting = "Restarting", dead = "Dead"
            case removalInProgress = "RemovalInProgress", startedAt = "StartedAt", finishedAt = "FinishedAt"
        }
    }

    public struct MountPoint: Decodable, Sendable {
        public var type: String?
        public var name: String?
        public var driver: String?

        enum CodingKeys: String, CodingKey { case type = "Type", name = "Name", driver = "Driver" }
    }

    public struct Settings: Decodable, Sendable {
        public var labels: [String: String]?
        enum CodingKeys: String, CodingKey { case labels = "Labels" }
    }

    public var id: String?
    public var name: String?
    /// `Config`: the container's settings, of which dockdu reads the labels.
    public var settings: Settings?
    public var image: String?
    public var created: String?
    public var state: State?
    public var mountPoints: [String: MountPoint]?
    public var logPath: String?
    /// The storage driver (`overlay2`) or containerd snapshotter (`overlayfs`) of its layers.
    public var driver: String?

    enum CodingKeys: String, CodingKey {
        case id = "ID", name = "Name", image = "Image", created = "Created", state = "State"
        case mountPoints = "MountPoints", logPath = "LogPath", settings = "Config", driver = "Driver"
    }

    public var labels: [String: String] { settings?.labels ?? [:] }

    public static func parse(_ bytes: [UInt8]) throws -> ContainerConfig {
        try JSONDecoder().decode(ContainerConfig.self, from: Data(bytes))
    }

    /// The state as `docker ps` names it (moby's `State.StateString`).
    public var containerState: ContainerState {
        let state = self.state
        if state?.running == true {
            if state?.paused == true { return .paused }
            if state?.restarting == true { return .restarting }
            return .running
        }
        if state?.dead == true { return .dead }
        if Self.isZeroTime(state?.startedAt) { return .created }
        return .exited
    }

    /// `FinishedAt`, unless it is Go's zero time.
    public var finishedAt: String? {
        guard let finished = state?.finishedAt, !Self.isZeroTime(finished) else { return nil }
        return finished
    }

    /// `StartedAt`, unless it is Go's zero time.
    public var startedAt: String? {
        guard let started = state?.startedAt, !Self.isZeroTime(started) else { return nil }
        return started
    }

    /// Names of the volumes mounted, sorted.
    public var volumeNames: [String] {
        (mountPoints ?? [:]).values.compactMap { $0.type == "volume" ? $0.name : nil }.filter { !$0.isEmpty }.sorted()
    }

    private static func isZeroTime(_ time: String?) -> Bool {
        guard let time else { return true }
        return time.isEmpty || time.hasPrefix("0001-01-01")
    }
}

/// `containers/<id>/hostconfig.json`: the log configuration.
public struct ContainerHostConfig: Decodable, Sendable {
    public struct LogConfig: Decodable, Sendable {
        public var type: String?
        public var config: [String: String]?
        enum CodingKeys: String, CodingKey { case type = "Type", config = "Config" }
    }

    public var logConfig: LogConfig?

    enum CodingKeys: String, CodingKey { case logConfig = "LogConfig" }

    public static func parse(_ bytes: [UInt8]) throws -> ContainerHostConfig {
        try JSONDecoder().decode(ContainerHostConfig.self, from: Data(bytes))
    }
}

/// Which files in `containers/<id>/` are logs.
public enum ContainerLogFiles {
    /// json-file logs (`<id>-json.log`, rotated `.1`, `.2.gz`, …), the `local` driver's
    /// `local-logs/`, and dual logging's `container-cached.log*`.
    public static func isLog(_ name: some Collection<UInt8>, containerID: [UInt8]) -> Bool {
        let jsonLog = containerID + Array("-json.log".utf8)
        if name.starts(with: jsonLog) { return true }
        if name.elementsEqual("local-logs".utf8) { return true }
        return name.starts(with: "container-cached.log".utf8)
    }
}
