import Foundation

/// Docker's own accounting, `GET /system/df`, fetched with curl over the engine's unix socket
/// (URLSession cannot speak to a unix socket). Only the fields dockdu is compared with.
struct SystemDF: Decodable, Sendable {
    struct Image: Decodable, Sendable {
        let Id: String
        let RepoTags: [String]?
        let RepoDigests: [String]?
        let Size: Int64
        let SharedSize: Int64
        let Containers: Int
    }
    struct Container: Decodable, Sendable {
        let Id: String
        let Names: [String]?
        let ImageID: String
        /// Omitted when 0.
        let SizeRw: Int64?
        let State: String
    }
    struct Volume: Decodable, Sendable {
        struct UsageData: Decodable, Sendable {
            let Size: Int64
            let RefCount: Int64
        }
        let Name: String
        let UsageData: UsageData?
    }
    /// A BuildKit cache record (`BuildCache[]`, API 1.41 as Docker 20.10 serves it: `Parent`,
    /// empty when there is none; newer engines send `Parents` instead).
    struct BuildCacheRecord: Decodable, Sendable {
        let ID: String
        let Parent: String?
        let Parents: [String]?
        let `Type`: String
        let Description: String
        let InUse: Bool
        let Shared: Bool
        /// What BuildKit measured: the apparent size of the snapshot's diff.
        let Size: Int64
        let CreatedAt: String
        /// Absent or null when it was never used.
        let LastUsedAt: String?
        let UsageCount: Int

        /// The parent's ID, nil when there is none, whichever field the engine's version sends.
        var parentID: String? {
            if let Parent, !Parent.isEmpty { return Parent }
            return Parents?.first
        }
    }
    let LayersSize: Int64
    let Images: [Image]
    let Containers: [Container]
    let Volumes: [Volume]
    let BuildCache: [BuildCacheRecord]?
    let BuilderSize: Int64?

    static func fetchData(socket: String) throws -> Data {
        let result = try CommandRunner.run([
            "curl", "--silent", "--show-error", "--fail", "--max-time", "60",
            "--unix-socket", socket, "http://localhost/system/df",
        ])
        guard result.status == 0 else { throw EngineTestError("GET /system/df: \(result.summary)") }
        return result.stdout
    }

    static func fetch(_ environment: EngineEnvironment) throws -> SystemDF {
        try JSONDecoder().decode(SystemDF.self, from: fetchData(socket: environment.socket))
    }

    /// The `/system/df` that `Tests/Engine/run` saved while the engine still ran.
    static func savedLive(_ environment: EngineEnvironment) throws -> SystemDF {
        let data = try Data(contentsOf: URL(fileURLWithPath: environment.liveSystemDFPath))
        return try JSONDecoder().decode(SystemDF.self, from: data)
    }
}

/// `GET /images/{id}/json`: the fields dockdu's image entries are compared with.
struct ImageInspect: Decodable, Sendable {
    struct RootFS: Decodable, Sendable {
        let Layers: [String]?
    }
    let Id: String
    let Created: String
    let RootFS: RootFS
}

/// `GET /containers/{id}/json`: the fields dockdu's container entries are compared with.
struct ContainerInspect: Decodable, Sendable {
    struct State: Decodable, Sendable {
        let Status: String
        let StartedAt: String
        let FinishedAt: String
    }
    struct Mount: Decodable, Sendable {
        let `Type`: String
        let Name: String?
    }
    struct HostConfig: Decodable, Sendable {
        struct LogConfig: Decodable, Sendable {
            let `Type`: String
        }
        let LogConfig: LogConfig
    }
    let Id: String
    let Name: String
    let Created: String
    let Image: String
    let State: State
    let Mounts: [Mount]
    let HostConfig: HostConfig
}

enum DockerAPI {
    /// GET a path of the engine's API and decode the answer.
    static func get<Value: Decodable>(_ path: String, _ environment: EngineEnvironment, as type: Value.Type)
        throws -> Value
    {
        let result = try CommandRunner.run([
            "curl", "--silent", "--show-error", "--fail", "--max-time", "60",
            "--unix-socket", environment.socket, "http://localhost\(path)",
        ])
        guard result.status == 0 else { throw EngineTestError("GET \(path): \(result.summary)") }
        return try JSONDecoder().decode(Value.self, from: result.stdout)
    }
}
