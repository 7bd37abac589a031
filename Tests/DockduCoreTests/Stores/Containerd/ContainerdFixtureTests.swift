import Foundation
import Testing

@testable import DockduCore

/// The fixtures are a real containerd's files, recorded by `Tests/Engine/containerd.sh` with
/// ctr's own listings beside them (see `Fixtures/containerd/README.md`). Every expectation here is
/// read from those listings, so the decoders are held to containerd's view, not to ours.
@Suite struct ContainerdFixtureTests {
    static let dockerContainer = "501b244df77889db79631bf46e3d0170726b5515e8c1621cff55ab789fa0eeac"

    // MARK: meta.db

    @Test func namespacesAndImagesAreCtrs() throws {
        let metadata = try ContainerdMetadata(database: BoltDB(bytes: fixture("meta.db")))
        #expect(metadata.warnings == [])
        #expect(metadata.isComplete)
        #expect(metadata.schemaVersion == 3, "containerd 1.6's dbVersion")
        #expect(metadata.namespaces.map(\.name) == ["moby"])
        let moby = try #require(metadata.namespace("moby"))

        let listed = try rows("ctr-images-ls.txt").map { (name: $0[0], mediaType: $0[1], digest: $0[2]) }
        #expect(moby.images.map(\.name) == listed.map(\.name))
        let blobSizes = try blobFileSizes()
        for (image, row) in zip(moby.images, listed) {
            #expect(image.target.digest == row.digest)
            #expect(image.target.mediaType == row.mediaType)
            #expect(image.target.sizeBytes == blobSizes[row.digest], "a target's size is its manifest's")
        }
    }

    @Test func blobsHaveTheContentStoresSizesAndCtrsLabels() throws {
        let moby = try #require(ContainerdMetadata(database: BoltDB(bytes: fixture("meta.db"))).namespace("moby"))
        let blobSizes = try blobFileSizes()
        let listed = try tabRows("ctr-content-ls.txt")
        #expect(moby.blobs.map(\.digest) == listed.map { $0[0] })
        #expect(moby.blobs.map(\.digest) == blobSizes.keys.sorted())
        for (blob, row) in zip(moby.blobs, listed) {
            #expect(blob.sizeBytes == blobSizes[blob.digest])
            var labels: [String: String] = [:]
            for pair in row[3].split(separator: ",") where row[3] != "-" {
                let parts = pair.split(separator: "=", maxSplits: 1)
                labels[String(parts[0])] = String(parts[1])
            }
            #expect(blob.labels == labels, "\(blob.digest)")
        }

        // The garbage collector's references, as ctr listed them: each manifest names its config
        // and two layers; each config names its image's top snapshot; layers name diff IDs.
        let manifests = moby.blobs.filter { !$0.contentReferences.isEmpty }
        #expect(manifests.map(\.digest).sorted() == moby.images.map(\.target.digest).sorted())
        for manifest in manifests {
            #expect(manifest.contentReferences.count == 3)
            #expect(manifest.contentReferences.allSatisfy { digest in moby.blobs.contains { $0.digest == digest } })
        }
        let snapshotKeys = Set(try #require(moby.snapshots["overlayfs"]).map(\.key))
        let configs = moby.blobs.filter { !$0.snapshotReferences.isEmpty }
        #expect(configs.count == 2)
        #expect(configs.allSatisfy { ($0.snapshotReferences["overlayfs"] ?? []).allSatisfy(snapshotKeys.contains) })
        #expect(moby.blobs.filter { $0.uncompressedDigest != nil }.count == 3, "three distinct layers, one shared")
    }

    @Test func snapshotKeysAndParentsAreCtrs() throws {
        let moby = try #require(ContainerdMetadata(database: BoltDB(bytes: fixture("meta.db"))).namespace("moby"))
        let snapshots = try #require(moby.snapshots["overlayfs"])
        #expect(Array(moby.snapshots.keys) == ["overlayfs"])
        let listed = try snapshotListing()
        #expect(snapshots.map(\.key) == listed.map(\.key))
        for (snapshot, row) in zip(snapshots, listed) {
            #expect(snapshot.parentKey == row.parent, "\(snapshot.key)")
            #expect(snapshot.backendName.namespace == "moby")
            #expect(snapshot.backendName.key == snapshot.key)
        }
        #expect(snapshots.filter(\.isUnpackInProgress).map(\.key) == listed.filter { $0.key.hasPrefix("extract-") }.map(\.key))
    }

    @Test func leasesContainersAndIngestsAreCtrs() throws {
        let moby = try #require(ContainerdMetadata(database: BoltDB(bytes: fixture("meta.db"))).namespace("moby"))
        #expect(moby.leases.map(\.id) == (try rows("ctr-leases-ls.txt").map { $0[0] }))
        // ctr 1.6 cannot list a lease's resources; the rig put Docker's pair under it
        // (moby's daemon/containerd/image_snapshot.go: <id>-init-key, committed as <id>-init, then <id>).
        let lease = try #require(moby.leases.first { $0.id == Self.dockerContainer })
        let held = try #require(lease.snapshots["overlayfs"])
        // Commit moves the lease's reference from <id>-init-key to <id>-init (metadata/snapshot.go).
        #expect(held == [Self.dockerContainer, Self.dockerContainer + "-init"])
        #expect(lease.content == [] && lease.ingests == [])

        let listed = try rows("ctr-containers-ls.txt")
        #expect(moby.containers.map(\.id) == listed.map { $0[0] })
        for (container, row) in zip(moby.containers, listed) {
            #expect(container.image == row[1])
            #expect(container.snapshotter == "overlayfs")
            // ctr names a container's snapshot after the container.
            #expect(container.snapshotKey == container.id)
        }

        #expect(moby.ingests.map(\.reference) == (try tabRows("ctr-content-active.txt").map { $0[0] }))
        #expect(moby.ingests.allSatisfy { $0.backendReference != nil })
    }

    // MARK: the overlayfs snapshotter's metadata.db

    @Test func snapshotsKindsAndCommittedUsageAreCtrs() throws {
        let metadata = try ContainerdMetadata(database: BoltDB(bytes: fixture("meta.db")))
        let backend = try OverlayfsMetadata(database: BoltDB(bytes: fixture("metadata.db")))
        #expect(backend.warnings == [])
        #expect(backend.isComplete)
        let snapshots = try #require(metadata.namespace("moby")?.snapshots["overlayfs"])
        #expect(backend.snapshots.count == snapshots.count)
        let usage = try usageListing()
        let listed = try snapshotListing()
        for (snapshot, row) in zip(snapshots, listed) {
            let stored = try #require(backend.snapshot(named: snapshot.backendName), "\(snapshot.key)")
            #expect(stored.kind.ctrName == row.kind, "\(snapshot.key)")
            let parent = snapshot.parentKey.flatMap { key in snapshots.first { $0.key == key } }
            #expect(stored.parentName == parent?.backendName, "\(snapshot.key)")
            if stored.kind == .committed {
                // ctr reports what commit stored; an active snapshot's usage is walked on each call.
                let figures = try #require(usage[snapshot.key])
                #expect(stored.usage == SnapshotUsage(sizeBytes: figures.bytes, inodes: figures.inodes), "\(snapshot.key)")
            } else {
                #expect(stored.usage == nil)
            }
        }
    }

    /// `ctr snapshots mounts` names an active snapshot's directory and its parents', nearest first:
    /// the same numbers as the ids and parent links read from metadata.db.
    @Test func directoriesAreTheOnesContainerdMounts() throws {
        let metadata = try ContainerdMetadata(database: BoltDB(bytes: fixture("meta.db")))
        let backend = try OverlayfsMetadata(database: BoltDB(bytes: fixture("metadata.db")))
        let snapshots = try #require(metadata.namespace("moby")?.snapshots["overlayfs"])
        let mounts = try mountListing()
        #expect(mounts.count == 4)
        for (key, directories) in mounts {
            let name = try #require(snapshots.first { $0.key == key }?.backendName, "\(key)")
            var chain: [String] = []
            var current = backend.snapshot(named: name)
            while let snapshot = current {
                chain.append(snapshot.directoryName)
                current = snapshot.parentName.flatMap { backend.snapshot(named: $0) }
            }
            #expect(chain == directories, "\(key)")
        }
        #expect(Set(backend.snapshots.map(\.id)) == Set(1...8))
    }

    // MARK: reading while containerd writes

    @Test func aSteadyFileIsReadOnce() throws {
        let bytes = try fixture("meta.db")
        let outcome = try ConsistentBoltRead.read(readFile: { bytes }, decode: ContainerdMetadata.init(database:))
        #expect(outcome.attempts == 1)
        #expect(outcome.isConsistent)
        #expect(outcome.transactionID == outcome.value.transactionID)
        #expect(BoltMetaPages.currentTransactionID(in: bytes) == outcome.transactionID)
    }

    @Test func aCommitDuringTheReadIsRetried() throws {
        let older = try fixture("meta.db")
        let newer = try withTransactionID(of: older, raisedBy: 1)
        #expect(BoltMetaPages.currentTransactionID(in: newer) == BoltMetaPages.currentTransactionID(in: older).map { $0 + 1 })
        // First read: the older file, then a commit; the second attempt sees no change.
        var reads = [older, newer, newer, newer]
        let outcome = try ConsistentBoltRead.read(
            readFile: { reads.isEmpty ? newer : reads.removeFirst() }, decode: { $0.transactionID })
        #expect(outcome.attempts == 2)
        #expect(outcome.isConsistent)
        #expect(outcome.value == BoltMetaPages.currentTransactionID(in: newer))
    }

    @Test func aFileThatNeverSettlesIsReportedSo() throws {
        var file = try fixture("meta.db")
        let outcome = try ConsistentBoltRead.read(
            maximumAttempts: 3,
            readFile: {
                defer { file = (try? withTransactionID(of: file, raisedBy: 1)) ?? file }
                return file
            }, decode: { _ in true })
        #expect(outcome.attempts == 3)
        #expect(!outcome.isConsistent)
    }

    @Test func notBoltAtAllThrows() {
        #expect(throws: ConsistentBoltRead.Failure.self) {
            try ConsistentBoltRead.read(readFile: { [UInt8](repeating: 0, count: 8192) }, decode: { _ in 0 })
        }
        #expect(throws: ConsistentBoltRead.Failure.unreadable(.noSuchFileOrDirectory)) {
            try ConsistentBoltRead.read(readFile: { () throws(Errno) -> [UInt8] in throw .noSuchFileOrDirectory }, decode: { _ in 0 })
        }
    }
}

// MARK: - Fixture files

extension SnapshotKind {
    /// As `ctr snapshots ls` prints it.
    var ctrName: String {
        switch self {
        case .unknown: "Unknown"
        case .view: "View"
        case .active: "Active"
        case .committed: "Committed"
        }
    }
}

func containerdFixture(_ name: String) throws -> [UInt8] {
    let folder = try #require(Bundle.module.resourceURL)
    let url = folder.appendingPathComponent("Fixtures").appendingPathComponent("containerd").appendingPathComponent(name)
    return try [UInt8](Data(contentsOf: url))
}

private func fixture(_ name: String) throws -> [UInt8] { try containerdFixture(name) }

private func lines(_ name: String) throws -> [String] {
    String(decoding: try fixture(name), as: UTF8.self).split(separator: "\n").map(String.init)
}

/// A ctr table without its header, split at runs of spaces and tabs.
private func rows(_ name: String) throws -> [[String]] {
    try lines(name).dropFirst().map { $0.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
}

/// A ctr table whose columns are tab-separated (values may hold spaces), without its header.
private func tabRows(_ name: String) throws -> [[String]] {
    try lines(name).dropFirst().map { $0.split(separator: "\t").map(String.init) }
}

/// `ctr snapshots ls`: KEY PARENT KIND, where a key may hold a space (`extract-… <chain>`) and a
/// base layer has no parent.
private func snapshotListing() throws -> [(key: String, parent: String?, kind: String)] {
    try rows("ctr-snapshots-ls.txt").map { fields in
        if fields.count == 2 { return (fields[0], nil, fields[1]) }
        return (fields.dropLast(2).joined(separator: " "), fields[fields.count - 2], fields[fields.count - 1])
    }
}

/// `ctr snapshots usage --b`: KEY SIZE INODES.
private func usageListing() throws -> [String: (bytes: Int64, inodes: Int64)] {
    var usage: [String: (bytes: Int64, inodes: Int64)] = [:]
    for fields in try rows("ctr-snapshots-usage.txt") {
        let bytes = try #require(Int64(fields[fields.count - 2]))
        let inodes = try #require(Int64(fields[fields.count - 1]))
        usage[fields.dropLast(2).joined(separator: " ")] = (bytes, inodes)
    }
    return usage
}

/// `content-blob-sizes.txt`: each blob file's size, from `stat`.
private func blobFileSizes() throws -> [String: Int64] {
    var sizes: [String: Int64] = [:]
    for line in try lines("content-blob-sizes.txt") {
        let fields = line.split(separator: " ")
        sizes[String(fields[0])] = try #require(Int64(fields[1]))
    }
    return sizes
}

/// `ctr snapshots mounts` of each non-committed key: upperdir then lowerdirs, as directory names.
private func mountListing() throws -> [String: [String]] {
    var mounts: [String: [String]] = [:]
    var key: String?
    for line in try lines("ctr-snapshots-mounts.txt") {
        if line.hasPrefix("== ") {
            key = String(line.dropFirst(3))
            continue
        }
        let key = try #require(key)
        let options = try #require(line.split(separator: " ").last).split(separator: ",")
        var directories: [String] = []
        for option in options {
            let parts = option.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "upperdir" || parts[0] == "lowerdir" else { continue }
            for path in parts[1].split(separator: ":") {
                let components = path.split(separator: "/")
                #expect(components.count == 3 && components[0] == "snapshots" && components[2] == "fs")
                directories.append(String(components[1]))
            }
        }
        mounts[key] = directories
    }
    return mounts
}

/// The file with its current meta page's txid raised by `step`, checksum recomputed: what a
/// commit changes first, as far as a reader comparing transactions can tell.
func withTransactionID(of file: [UInt8], raisedBy step: UInt64) throws -> [UInt8] {
    var file = file
    let pageSize = 4096
    func txid(_ page: Int) -> UInt64 {
        (0..<8).reversed().reduce(0) { $0 << 8 | UInt64(file[page * pageSize + 16 + 48 + $1]) }
    }
    let page = txid(0) > txid(1) ? 0 : 1
    let start = page * pageSize + 16
    let raised = txid(page) + step
    for index in 0..<8 { file[start + 48 + index] = UInt8(truncatingIfNeeded: raised >> (8 * UInt64(index))) }
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in file[start..<(start + 56)] {
        hash ^= UInt64(byte)
        hash = hash &* 0x0000_0100_0000_01b3
    }
    for index in 0..<8 { file[start + 56 + index] = UInt8(truncatingIfNeeded: hash >> (8 * UInt64(index))) }
    return file
}
