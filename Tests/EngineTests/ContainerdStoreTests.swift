import Foundation
import Testing

/// Phase `containerd` (issue 10, Docker 29's containerd image store): a private containerd 1.6
/// runs and holds its locks (`Tests/Engine/containerd.sh`), a Docker 29 data root lies beside it,
/// and `DIR/oracle.json` holds containerd's own answers. dockdu reads both roots while containerd
/// runs; every figure is held to `ctr` or `du`, and each expectation names both figures. The damage
/// tests work on copies in scratch; containerd never sees them.
@Suite("Containerd store", .serialized)
struct ContainerdStoreTests {
    // MARK: the rig

    @Test(
        "the rig: containerd runs and holds its locks, its usage agrees with du, Docker's root has no graph-driver folders",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func rig() throws {
        let rig = try ContainerdRig.required()
        try markPhaseRan(rig.environment)
        let oracle = try rig.oracle()
        #expect(try rig.containerdRuns(), "containerd is not running: this phase reads a live containerd root")
        for database in [ContainerdRig.metaDB, ContainerdRig.snapshotterDB] {
            #expect(try rig.lockIsHeld(database), "rig: containerd does not hold its flock on \(database)")
        }
        for folder in ["image", "overlay2"] {
            #expect(!FileManager.default.fileExists(atPath: "\(rig.dockerRoot)/\(folder)"), "rig: Docker's data root has \(folder)/")
        }
        // The rig's own figures agree, so a difference below is dockdu's, not the rig's.
        #expect(oracle.snapshots.count == 8, "rig: \(oracle.snapshots.count) snapshots: \(oracle.snapshots.map(\.key))")
        for snapshot in oracle.snapshots {
            #expect(
                snapshot.usageBytes == snapshot.fsDuBytes,
                "rig: ctr snapshots usage of \(snapshot.key) \(snapshot.usageBytes), du of snapshots/\(snapshot.directory)/fs \(snapshot.fsDuBytes)")
        }
        let a = try oracle.image(oracle.imageA)
        let b = try oracle.image(oracle.imageB)
        #expect(a.chainIds.first == b.chainIds.first, "rig: the images do not share their base layer")
        #expect(b.mediaType.contains("index"), "rig: image b's target is \(b.mediaType), not an index")
        let unlisted = oracle.blobs.filter { !$0.listed }.map(\.digest)
        #expect(unlisted.isEmpty, "rig: blob files ctr does not list: \(unlisted)")
        #expect(oracle.docker.imageId == a.target)
        #expect(try Measure.du(rig.containerdRoot) == oracle.du.containerdRoot, "rig: the containerd root changed since the oracle")
        #expect(try Measure.du(rig.dockerRoot) == oracle.du.dockerRoot, "rig: the Docker data root changed since the oracle")
    }

    // MARK: what dockdu reports, while containerd runs

    @Test(
        "stores and roots: one containerd store; each root's bytes are its du -sx, totalBytes their sum; a healthy rig is clean",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func storesAndRoots() throws {
        let rig = try ContainerdRig.required()
        let measured = try ContainerdDockdu.measuredDiskReport(rig)
        let report = measured.report
        let document = report.document
        #expect(document.warnings.isEmpty, "warnings on a healthy rig: \(document.warnings.map { "\($0.code) \($0.path): \($0.message)" })")
        #expect(report.additions.orphans.isEmpty, "orphans on a healthy rig: \(report.additions.orphans.map { "\($0.base ?? "-") \($0.path)" })")

        let stores = try #require(report.additions.stores, "the report has no stores[]")
        #expect(stores.map(\.name) == ["containerd"], "stores \(stores.map(\.name)), expected exactly one: containerd")
        if let store = stores.first(where: { $0.name == "containerd" }) {
            #expect(store.root == rig.containerdRoot, "the containerd store's root \(store.root), given \(rig.containerdRoot)")
            #expect(store.namespace == "moby", "the containerd store's namespace \(store.namespace ?? "absent")")
            #expect(store.snapshotter == "overlayfs", "the containerd store's snapshotter \(store.snapshotter ?? "absent")")
            #expect(!store.rule.isEmpty, "the containerd store does not say which rule decided")
        }

        let roots = try #require(report.additions.roots, "the report has no roots[]")
        #expect(roots.map(\.path) == [rig.dockerRoot, rig.containerdRoot], "roots \(roots.map(\.path)): the Docker data root first, then the containerd root")
        if roots.count == 2 {
            #expect(roots[0].bytes == measured.dockerRootDu, "roots[0] (Docker's data root) bytes \(roots[0].bytes), du -sx \(measured.dockerRootDu)")
            #expect(roots[1].bytes == measured.containerdRootDu, "roots[1] (the containerd root) bytes \(roots[1].bytes), du -sx \(measured.containerdRootDu)")
        }
        // rig-a's and rig-b's snapshots (containerd's containers, not Docker's), the unpack in
        // progress and the partial ingest are in no Docker object: they must still be counted.
        let du = measured.dockerRootDu + measured.containerdRootDu
        #expect(document.totalBytes == du, "totalBytes \(document.totalBytes), du -sx of both roots \(measured.dockerRootDu) + \(measured.containerdRootDu) = \(du)")
        #expect(document.totalBytes == roots.reduce(0) { $0 + $1.bytes }, "totalBytes \(document.totalBytes), sum of roots[] \(roots.reduce(0) { $0 + $1.bytes })")
        #expect(document.categories.sum == document.totalBytes, "categories sum \(document.categories.sum), totalBytes \(document.totalBytes)")
    }

    @Test(
        "images: id is the target digest, tags the familiar names, layers the chain IDs; bytes from ctr snapshots usage, the base shared",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func images() throws {
        let rig = try ContainerdRig.required()
        let oracle = try rig.oracle()
        let document = try ContainerdDockdu.report(rig, mode: .disk).document
        #expect(
            Set(document.images.map(\.id)) == Set(oracle.images.map(\.target)),
            "image ids \(document.images.map(\.id).sorted()), ctr images ls targets \(oracle.images.map(\.target).sorted())")
        for image in oracle.images {
            guard let mine = document.images.first(where: { $0.id == image.target }) else { continue }
            #expect(mine.tags == [image.familiar], "image \(image.name): tags \(mine.tags), expected [\(image.familiar)]")
            #expect(mine.layers == image.chainIds, "image \(image.name): layers \(mine.layers), chain IDs base first \(image.chainIds)")
            let usage = try image.chainIds.map { try oracle.snapshot($0).usageBytes }
            let expected = usage.reduce(0, +)
            #expect(mine.bytes == expected, "image \(image.name): bytes \(mine.bytes), sum of ctr snapshots usage of its chain \(usage) = \(expected)")
            let base = usage.first ?? 0
            #expect(mine.sharedBytes == base, "image \(image.name): sharedBytes \(mine.sharedBytes), usage of the shared base snapshot \(base)")
            #expect(mine.uniqueBytes == expected - base, "image \(image.name): uniqueBytes \(mine.uniqueBytes), bytes - shared \(expected - base)")
        }
        let a = try oracle.image(oracle.imageA)
        let containers = document.images.first { $0.id == a.target }?.containers ?? []
        #expect(containers.contains(oracle.docker.id), "image \(a.name): containers \(containers) lack Docker's \(oracle.docker.id)")
    }

    @Test(
        "layers: one per chain ID, cacheId the snapshot directory, bytes ctr's usage and du of snapshots/<n>/fs",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func layers() throws {
        let rig = try ContainerdRig.required()
        let oracle = try rig.oracle()
        let document = try ContainerdDockdu.report(rig, mode: .disk).document
        let chains = Set(oracle.images.flatMap(\.chainIds))
        #expect(Set(document.layers.map(\.chainId)) == chains, "layers \(document.layers.map(\.chainId).sorted()), chain IDs \(chains.sorted())")
        for chain in chains.sorted() {
            let layer = try #require(document.layers.first { $0.chainId == chain }, "no layer \(chain)")
            let snapshot = try oracle.snapshot(chain)
            #expect(layer.cacheId == snapshot.directory, "layer \(chain): cacheId \(layer.cacheId), its snapshot's directory \(snapshot.directory)")
            #expect(layer.bytes == snapshot.usageBytes, "layer \(chain): bytes \(layer.bytes), ctr snapshots usage \(snapshot.usageBytes)")
            let fs = "\(rig.containerdRoot)/\(ContainerdRig.overlayfs)/snapshots/\(snapshot.directory)/fs"
            let du = try Measure.du(fs)
            #expect(layer.bytes == du, "layer \(chain): bytes \(layer.bytes), du of snapshots/\(snapshot.directory)/fs \(du)")
            let users = oracle.images.filter { $0.chainIds.contains(chain) }
            let diffIds = Set(users.compactMap { image in image.chainIds.firstIndex(of: chain).map { image.diffIds[$0] } })
            #expect(diffIds.count == 1 && diffIds.first == layer.diffId, "layer \(chain): diffId \(layer.diffId), the images' configs say \(diffIds.sorted())")
            #expect(Set(layer.images) == Set(users.map(\.target)), "layer \(chain): images \(layer.images.sorted()), expected \(users.map(\.target).sorted())")
        }
    }

    @Test(
        "blobs: every blob containerd lists, with the images that reference it; each image's contentBytes counts its blobs once",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd),
        arguments: [Dockdu.SizeMode.apparent, .disk])
    func blobs(mode: Dockdu.SizeMode) throws {
        let rig = try ContainerdRig.required()
        let oracle = try rig.oracle()
        let additions = try ContainerdDockdu.report(rig, mode: mode).additions
        // Apparent: the blob file's exact size. Disk: what it takes, du of the file, as every
        // disk-mode figure is.
        let figure = mode == .apparent ? "the file's exact size" : "du of the file"
        func expected(_ blob: ContainerdOracle.Blob) -> Int64 { mode == .apparent ? blob.bytes : blob.duBytes }

        let blobs = try #require(additions.blobs, "the report has no blobs[]")
        #expect(Set(blobs.map(\.digest)) == Set(oracle.blobs.map(\.digest)), "\(mode): blobs \(blobs.map(\.digest).sorted()), ctr content ls \(oracle.blobs.map(\.digest).sorted())")
        for blob in oracle.blobs {
            guard let mine = blobs.first(where: { $0.digest == blob.digest }) else { continue }
            #expect(mine.bytes == expected(blob), "\(mode): blob \(blob.digest): bytes \(mine.bytes), \(figure) \(expected(blob))")
            let referencing = Set(oracle.images.filter { $0.blobs.contains(blob.digest) }.map(\.target))
            #expect(Set(mine.images) == referencing, "\(mode): blob \(blob.digest): images \(mine.images.sorted()), referenced by \(referencing.sorted())")
        }
        for image in oracle.images {
            let mine = try #require(additions.images.first { $0.id == image.target }, "\(mode): no image \(image.target)")
            let content = try #require(mine.contentBytes, "\(mode): image \(image.name) has no contentBytes")
            let sizes = try image.blobs.map { expected(try oracle.blob($0)) }
            #expect(content == sizes.reduce(0, +), "\(mode): image \(image.name): contentBytes \(content), \(figure) of its \(sizes.count) blobs \(sizes) = \(sizes.reduce(0, +))")
        }
    }

    @Test(
        "Docker's container: rw from snapshot <id>, its log, volume rigvol and image a",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func dockerContainer() throws {
        let rig = try ContainerdRig.required()
        let oracle = try rig.oracle()
        let document = try ContainerdDockdu.report(rig, mode: .disk).document
        let docker = oracle.docker
        let container = try #require(
            document.container(docker.id), "Docker's container \(docker.id) is not listed; containers: \(document.containers.map(\.id))")
        #expect(container.name == docker.name, "container name \(container.name), config.v2.json \(docker.name)")
        #expect(container.state == "exited", "container state \(container.state), config.v2.json says exited")
        #expect(container.imageId == docker.imageId, "container imageId \(container.imageId), image a's target \(docker.imageId)")
        #expect(container.logDriver == "json-file", "container logDriver \(container.logDriver ?? "absent")")
        let rw = try oracle.snapshot(docker.snapshotKey)
        #expect(container.rwBytes == rw.usageBytes, "container rwBytes \(container.rwBytes), ctr snapshots usage of key \(docker.snapshotKey) \(rw.usageBytes)")
        let rwDu = try Measure.du("\(rig.containerdRoot)/\(ContainerdRig.overlayfs)/snapshots/\(rw.directory)/fs")
        #expect(container.rwBytes == rwDu, "container rwBytes \(container.rwBytes), du of snapshots/\(rw.directory)/fs \(rwDu)")
        let logDu = try Measure.du(docker.logPath)
        #expect(container.logBytes == logDu, "container logBytes \(container.logBytes), du of its json-file log \(logDu)")
        #expect(container.volumes == [docker.volume.name], "container volumes \(container.volumes)")

        let volume = try #require(document.volume(docker.volume.name), "volume \(docker.volume.name) is not listed")
        let volumeDu = try Measure.du("\(rig.dockerRoot)/volumes/\(docker.volume.name)/_data")
        #expect(volume.bytes == volumeDu, "volume \(volume.name): bytes \(volume.bytes), du of its _data \(volumeDu)")
        #expect(volume.containers == [docker.id], "volume \(volume.name): containers \(volume.containers)")
        #expect(document.categories.volumes >= volumeDu, "categories.volumes \(document.categories.volumes) < du of volumes/rigvol/_data \(volumeDu)")
        #expect(document.categories.logs >= logDu, "categories.logs \(document.categories.logs) < du of the log \(logDu)")
    }

    @Test(
        "apparent mode: totalBytes is st_size of every inode of both roots once, and each root's bytes its own",
        .enabled(if: EngineEnvironment.isPhase(.containerd), PhaseReason.containerd))
    func apparentTotals() throws {
        let rig = try ContainerdRig.required()
        let report = try ContainerdDockdu.report(rig, mode: .apparent)
        let document = report.document
        #expect(document.sizeMode == "apparent")
        let docker = try Measure.apparentBytes(rig.dockerRoot)
        let containerd = try Measure.apparentBytes(rig.containerdRoot)
        #expect(document.totalBytes == docker + containerd, "apparent totalBytes \(document.totalBytes), st_size of every non-directory inode once \(docker) + \(containerd) = \(docker + containerd)")
        #expect(document.categories.sum == document.totalBytes, "categories sum \(document.categories.sum), totalBytes \(document.totalBytes)")
        let roots = try #require(report.additions.roots, "the report has no roots[]")
        #expect(roots.map(\.bytes) == [docker, containerd], "apparent roots[] bytes \(roots.map(\.bytes)), st_size sums \([docker, containerd])")
    }
}
