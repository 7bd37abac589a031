import Foundation

/// `DIR/oracle.json`, written by `containerd.sh` from `ctr` (namespace moby), `stat` and `du`.
struct ContainerdOracle: Decodable, Sendable {
    struct Snapshot: Decodable, Sendable {
        let key: String
        /// `Committed`, `Active` or `View`.
        let kind: String
        let parent: String?
        let labels: [String: String]
        /// n of `io.containerd.snapshotter.v1.overlayfs/snapshots/<n>`.
        let directory: String
        /// `ctr snapshots usage --b`: stored at commit for committed snapshots, walked for active ones.
        let usageBytes: Int64
        let usageInodes: Int64
        /// `du -sx --block-size=1` of `snapshots/<n>/fs` and of `snapshots/<n>`.
        let fsDuBytes: Int64
        let directoryDuBytes: Int64
    }
    struct Blob: Decodable, Sendable {
        let digest: String
        /// The blob file's exact size (`ctr content ls` rounds).
        let bytes: Int64
        let duBytes: Int64
        /// Whether `ctr content ls` lists it.
        let listed: Bool
    }
    struct Image: Decodable, Sendable {
        /// `docker.io/rig/a:1`.
        let name: String
        /// `rig/a:1`: the name as Docker prints it.
        let familiar: String
        let mediaType: String
        let target: String
        let config: String
        /// Every blob it references: the target, an index's manifests, configs and layers.
        let blobs: [String]
        let diffIds: [String]
        /// Base first.
        let chainIds: [String]
    }
    struct Ingest: Decodable, Sendable {
        /// Relative to the containerd root.
        let path: String
        let ref: String
        let duBytes: Int64
        let dataBytes: Int64
    }
    struct DockerContainer: Decodable, Sendable {
        struct Volume: Decodable, Sendable {
            let name: String
            let duBytes: Int64
        }
        let id: String
        let name: String
        /// Docker's snapshot key for the container's writable layer is its ID; `<id>-init` below it.
        let snapshotKey: String
        let initSnapshotKey: String
        let lease: String
        let imageId: String
        let logPath: String
        let logBytes: Int64
        let logDuBytes: Int64
        let volume: Volume
    }
    struct RootDu: Decodable, Sendable {
        let containerdRoot: Int64
        let dockerRoot: Int64
    }

    let containerdVersion: String
    let namespace: String
    let snapshotter: String
    let containerdRoot: String
    let dockerRoot: String
    let du: RootDu
    let snapshots: [Snapshot]
    let blobs: [Blob]
    let images: [Image]
    let ingests: [Ingest]
    let leases: [String]
    let containerdContainers: [String]
    let docker: DockerContainer

    func snapshot(_ key: String) throws -> Snapshot {
        guard let snapshot = snapshots.first(where: { $0.key == key }) else {
            throw EngineTestError("the oracle has no snapshot \(key); it has \(snapshots.map(\.key))")
        }
        return snapshot
    }

    func image(_ name: String) throws -> Image {
        guard let image = images.first(where: { $0.name == name }) else {
            throw EngineTestError("the oracle has no image \(name); it has \(images.map(\.name))")
        }
        return image
    }

    func blob(_ digest: String) throws -> Blob {
        guard let blob = blobs.first(where: { $0.digest == digest }) else {
            throw EngineTestError("the oracle has no blob \(digest)")
        }
        return blob
    }

    /// Image a (its target a manifest; Docker's container runs it) and image b (an index).
    var imageA: String { "docker.io/rig/a:1" }
    var imageB: String { "docker.io/rig/b:1" }
}
