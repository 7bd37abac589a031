import FoundationEssentials

@testable import DockduCore

/// Small synthetic reports for the rendering tests, with the names an attacker would choose.
enum SampleReports {
    static let kibibyte: Int64 = 1 << 10
    static let mebibyte: Int64 = 1 << 20
    static let gibibyte: Int64 = 1 << 30

    static func hex(_ digit: Character) -> String {
        String(repeating: digit, count: 64)
    }

    static let nginxID = "sha256:" + hex("a")
    static let evilImageID = "sha256:" + hex("b")
    static let danglingID = "sha256:" + "0123456789abcdef" + hex("c").dropFirst(16)
    static let digestOnlyID = "sha256:" + hex("d")
    static let webID = hex("1")
    static let jobID = hex("2")
    static let bidiID = hex("3")
    static let anonymousVolume = "5f3c" + hex("e").dropFirst(4)

    /// Bytes of an orphan's name that are not valid UTF-8 and hold an ESC.
    static let invalidOrphanPath: [UInt8] = Array("containers/".utf8) + [0xFF, 0x62, 0x61, 0x64, 0x1B]

    /// Every section filled, and every name hostile somewhere.
    static let hostile: Report = {
        var categories = CategoryBytes()
        categories.images = 600 * mebibyte
        categories.containers = 640 * mebibyte
        categories.logs = 1 * gibibyte + 30 * mebibyte
        categories.volumes = 1900 * mebibyte + 4 * kibibyte
        categories.buildCache = 800 * mebibyte
        categories.orphans = 5 * gibibyte / 2 + 24 * kibibyte
        categories.other = 3 * mebibyte / 2
        let images: [ImageUsage] = [
            ImageUsage(
                id: nginxID, tags: ["nginx:1.27", "nginx:latest", "nginx@sha256:" + hex("f")],
                dangling: false, created: "2026-10-01T00:00:00Z", layers: ["sha256:" + hex("7")],
                bytes: 187 * mebibyte, sharedBytes: 80 * mebibyte, uniqueBytes: 107 * mebibyte,
                containers: [webID]),
            ImageUsage(
                id: evilImageID, tags: ["evil\u{1B}[2J:latest"], dangling: false, created: nil,
                layers: [], bytes: 130 * mebibyte, sharedBytes: 80 * mebibyte,
                uniqueBytes: 50 * mebibyte, containers: []),
            ImageUsage(
                id: danglingID, tags: [], dangling: true, created: nil, layers: [],
                bytes: 300 * mebibyte, sharedBytes: 0, uniqueBytes: 300 * mebibyte,
                containers: [jobID]),
            ImageUsage(
                id: digestOnlyID, tags: ["registry.example.com/team/app@sha256:" + hex("9")],
                dangling: false, created: nil, layers: [], bytes: 123 * mebibyte / 10,
                sharedBytes: 0, uniqueBytes: 123 * mebibyte / 10, containers: []),
        ]
        let containers = [
            ContainerUsage(
                id: webID, name: "web", imageId: nginxID, state: .running, created: nil,
                finishedAt: nil, logDriver: "json-file", rwBytes: 2 * mebibyte,
                logBytes: 30 * mebibyte, totalBytes: 40 * mebibyte, volumes: ["pgdata"]),
            ContainerUsage(
                id: jobID, name: "job\n$(rm -rf /)", imageId: danglingID, state: .exited,
                created: nil, finishedAt: "2026-11-28T03:00:00Z", logDriver: "json-file",
                rwBytes: 500 * mebibyte, logBytes: 1 * gibibyte,
                totalBytes: 1 * gibibyte + 630 * mebibyte, volumes: [anonymousVolume]),
            ContainerUsage(
                id: bidiID, name: "a\u{202E}txt.exe", imageId: "sha256:" + hex("4"),
                state: .created, created: nil, finishedAt: nil, logDriver: nil, rwBytes: 0,
                logBytes: 0, totalBytes: 8 * kibibyte, volumes: []),
        ]
        let volumes = [
            VolumeUsage(name: "pgdata", bytes: 1200 * mebibyte, containers: [webID], anonymous: false),
            VolumeUsage(name: anonymousVolume, bytes: 700 * mebibyte, containers: [], anonymous: true),
            VolumeUsage(name: "cache\u{9B}31m", bytes: 4 * kibibyte, containers: [], anonymous: false),
        ]
        let orphans = [
            OrphanUsage(path: "overlay2/" + hex("8"), kind: .overlayDirectory, bytes: 5 * gibibyte / 2),
            OrphanUsage(
                path: "containers/\u{FFFD}bad\u{1B}", pathBase64: base64(invalidOrphanPath),
                kind: .containerDirectory, bytes: 16 * kibibyte),
            OrphanUsage(
                path: "image/overlay2/layerdb/sha256/" + hex("6") + "-removing",
                kind: .layerMetadata, bytes: 8 * kibibyte),
        ]
        let warnings = [
            Warning(code: .unreadable, path: "volumes/secret/_data", message: "permission denied"),
            Warning(code: .corrupt, path: "containers/\(jobID)/hostconfig.json", message: "bad JSON"),
            Warning(code: .vanished, path: "overlay2/x\ny/diff/tmp.123", message: "gone"),
            Warning(code: .brokenLink, path: "overlay2/l/ABCDEF", message: "points nowhere"),
            Warning(code: .missingDirectory, path: "", message: "root vanished?"),
            Warning(code: .appeared, path: "overlay2/new", message: "appeared during scan"),
            Warning(code: .chainMismatch, path: "image/overlay2/layerdb/sha256/x", message: "mismatch"),
        ]
        var report = Report(
            dataRoot: "/var/lib/docker", sizeMode: .disk, generatedAt: "2026-11-29T19:24:24Z",
            totalBytes: categories.sum, categories: categories, images: images,
            containers: containers, volumes: volumes,
            layers: [
                LayerUsage(
                    chainId: "sha256:" + hex("7"), diffId: "sha256:" + hex("7"), cacheId: hex("5"),
                    bytes: 80 * mebibyte, images: [nginxID, evilImageID])
            ],
            orphans: orphans, warnings: warnings)
        // Last use of every kind of evidence; the created container has none it could show.
        let imageUses: [(String?, LastUseSource?)] = [("2026-11-29T19:24:24Z", .container), ("2026-11-28T03:00:00Z", .container), ("2026-11-20T08:00:00Z", .tagged), ("2026-10-01T00:00:00Z", .created)]
        for (index, use) in imageUses.enumerated() where index < report.images.count {
            (report.images[index].lastUsedAt, report.images[index].lastUsedSource) = use
        }
        // Wasted bytes: a package cache one step added and a later step deleted, and a hostile path.
        let base = "sha256:" + hex("7")
        report.images[0].wastedBytes = 12 * mebibyte
        report.images[0].efficiency = 0.9358
        report.images[0].wasted = [
            WastedPath(
                path: "/var/cache/apt/archives/big.deb", bytes: 12 * mebibyte, hiding: .deleted,
                addedBy: .init(index: 0, chainId: base, createdBy: "/bin/sh -c apt-get install -y big"),
                hiddenBy: .init(index: 0, chainId: base, createdBy: nil))
        ]
        report.images[1].wastedBytes = 2 * mebibyte
        report.images[1].efficiency = 0.9846
        report.images[1].wasted = [
            WastedPath(
                path: "/tmp/evil\u{1B}[2J\n\u{202E}txt.exe", bytes: 2 * mebibyte, hiding: .replaced,
                addedBy: .init(index: 0, chainId: base, createdBy: "RUN echo \u{1B}[31m"), hiddenBy: .init(index: 0, chainId: base, createdBy: nil))
        ]
        report.images[2].wastedBytes = 0
        report.images[2].efficiency = 1
        report.images[2].wasted = []
        report.containers[0].startedAt = "2026-11-25T10:00:00.123456789Z"
        (report.containers[0].lastUsedAt, report.containers[0].lastUsedSource) = ("2026-11-29T19:24:24Z", .running)
        report.containers[1].startedAt = "2026-11-28T02:00:00Z"
        (report.containers[1].lastUsedAt, report.containers[1].lastUsedSource) = ("2026-11-28T03:00:00Z", .finished)
        (report.volumes[0].lastUsedAt, report.volumes[0].lastUsedSource) = ("2026-11-29T19:24:24Z", .container)
        (report.volumes[1].lastUsedAt, report.volumes[1].lastUsedSource) = ("2026-11-01T12:00:00Z", .created)
        return report
    }()

    /// Nothing under the root but Docker's own files.
    static let empty: Report = {
        var categories = CategoryBytes()
        categories.other = 48 * kibibyte
        return Report(
            dataRoot: "/srv/docker", sizeMode: .apparent, generatedAt: "2026-11-29T19:24:24Z",
            totalBytes: categories.sum, categories: categories, images: [], containers: [],
            volumes: [], layers: [], orphans: [], warnings: [])
    }()

    /// More volumes and orphans than a section lists.
    static let long: Report = {
        let volumes = (1...25).map { index in
            VolumeUsage(
                name: "project_data_\(index)", bytes: Int64(index) * mebibyte,
                containers: index.isMultiple(of: 3) ? [webID] : [], anonymous: false)
        }
        let orphans = (1...22).map { index in
            OrphanUsage(path: "overlay2/orphan-\(index)", kind: .overlayDirectory, bytes: 4 * kibibyte)
        }
        var categories = CategoryBytes()
        categories.volumes = volumes.reduce(0) { $0 + $1.bytes }
        categories.orphans = orphans.reduce(0) { $0 + $1.bytes }
        return Report(
            dataRoot: "/var/lib/docker", sizeMode: .disk, generatedAt: "2026-11-29T19:24:24Z",
            totalBytes: categories.sum, categories: categories, images: [], containers: [],
            volumes: volumes, layers: [], orphans: orphans,
            warnings: [Warning(code: .unreadable, path: "volumes/x", message: "denied")])
    }()

    /// The hostile report as a scan that could not read repositories.json, a container's config
    /// or a layerdb entry: what depends on them is unknown, not reclaimable.
    static let unknown: Report = {
        var report = hostile
        report.metadataComplete = MetadataCompleteness(images: true, tags: false, containers: false, layers: false)
        return report
    }()

    // MARK: The containerd store

    static let containerdRoot = "/var/lib/containerd"
    static let rigAID = "sha256:0bd33f163fb4e07dce700355e03bd3c787da7a905d67fc7bdc9624782f653119"
    static let rigBID = "sha256:496b89b378b8e209fb5ac49efe35f52435e41f7f294e58d91e2fc7cb4ff7b4e3"
    static let baseChain = "sha256:d9ad0a3bd17ebaf1dde201acd2e5ff7c1dff80e5ea0f6acfc4ca1f90c9841b12"
    static let rigAChain = "sha256:60bdbdf6347c0586d8efa960005341282583fa2b11a56d34d0db71ea4d82493c"
    static let rigBChain = "sha256:c39103a2a50edfef20d6c256b2a7c03bf5b54636e5bcd2e9bc500418c666c39a"
    static let rigContainerID = "501b244df77889db79631bf46e3d0170726b5515e8c1621cff55ab789fa0eeac"

    /// Docker 29 on the containerd image store, shaped after the recorded rig in
    /// Fixtures/containerd (disk mode, 4 KiB blocks), with every field a containerd report adds
    /// present somewhere: both stores, both roots, blobs with and without a media type, images'
    /// content and platforms, layers' and orphans' store and base, every containerd orphan kind.
    static let containerd: Report = {
        let block: Int64 = 4 * kibibyte
        let baseLayer: Int64 = 1_990_656, rigALayer: Int64 = 12_288, rigBLayer: Int64 = 270_336
        let baseBlob: Int64 = 1_032_192, rigABlob = block, rigBBlob: Int64 = 118_784
        let images: [ImageUsage] = [
            { () -> ImageUsage in
                var image = ImageUsage(
                    id: rigAID, tags: ["rig/a:1"], dangling: false, created: "2026-12-03T08:19:50Z",
                    layers: [baseChain, rigAChain], bytes: baseLayer + rigALayer, sharedBytes: baseLayer,
                    uniqueBytes: rigALayer, containers: [rigContainerID])
                image.store = .containerd
                image.contentBytes = 2 * block + baseBlob + rigABlob
                image.sharedContentBytes = baseBlob
                image.platforms = ["linux/amd64", "linux/arm64/v8"]
                return image
            }(),
            { () -> ImageUsage in
                var image = ImageUsage(
                    id: rigBID, tags: ["rig/b:1"], dangling: false, created: nil, layers: [baseChain, rigBChain],
                    bytes: baseLayer + rigBLayer, sharedBytes: baseLayer, uniqueBytes: rigBLayer, containers: [])
                image.store = .containerd
                image.contentBytes = 2 * block + baseBlob + rigBBlob
                image.sharedContentBytes = baseBlob
                return image
            }(),
        ]
        let layers = [(baseChain, "1", baseLayer, [rigAID, rigBID]), (rigAChain, "2", rigALayer, [rigAID]), (rigBChain, "3", rigBLayer, [rigBID])]
            .map { chain, directory, bytes, images in
                var layer = LayerUsage(chainId: chain, diffId: chain == baseChain ? baseChain : "sha256:" + hex("5"), cacheId: directory, bytes: bytes, images: images)
                layer.store = .containerd
                return layer
            }
        let containers = [
            ContainerUsage(
                id: rigContainerID, name: "rig", imageId: rigAID, state: .running, created: "2026-12-03T08:19:56Z",
                finishedAt: nil, logDriver: "json-file", rwBytes: 2 * block, logBytes: block,
                totalBytes: 2 * block + 6 * block + 2 * block + block, volumes: [])
        ]
        let snapshots = "io.containerd.snapshotter.v1.overlayfs/snapshots/"
        let blobFiles = "io.containerd.content.v1.content/blobs/sha256/"
        let orphans = [
            OrphanUsage(path: snapshots + "99999", kind: .snapshotDirectory, bytes: 3 * block),
            OrphanUsage(path: "overlay2/" + hex("8"), kind: .overlayDirectory, bytes: 2 * block),
            OrphanUsage(path: snapshots + "9", kind: .unreferencedSnapshot, bytes: block),
            OrphanUsage(path: blobFiles + hex("e"), kind: .unreferencedBlob, bytes: block),
            OrphanUsage(path: blobFiles + hex("f"), kind: .unlistedBlob, bytes: block),
        ].map { orphan in
            var orphan = orphan
            if orphan.kind != .overlayDirectory { orphan.base = .containerd }
            return orphan
        }
        let blobs = [
            BlobUsage(digest: "sha256:0bd33f163fb4e07dce700355e03bd3c787da7a905d67fc7bdc9624782f653119", mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: block, images: [rigAID]),
            BlobUsage(digest: "sha256:1929d4f1bcde52284f153bf8ea843ec843a5c148076d0dc7019a6f0c31083bf4", mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", bytes: baseBlob, images: [rigAID, rigBID]),
            BlobUsage(digest: "sha256:1d116273c7008de1c55346db1cc03f82b7d33ea1ef8c7be3437de58d1f0d252e", mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", bytes: rigABlob, images: [rigAID]),
            BlobUsage(digest: "sha256:1e0a12d721facadb151336b40d03be3a1e6103d6b359850dec5fa6bcc0126985", mediaType: "application/vnd.oci.image.config.v1+json", bytes: block, images: [rigAID]),
            BlobUsage(digest: "sha256:496b89b378b8e209fb5ac49efe35f52435e41f7f294e58d91e2fc7cb4ff7b4e3", mediaType: "application/vnd.oci.image.manifest.v1+json", bytes: block, images: [rigBID]),
            BlobUsage(digest: "sha256:91419e1e5139f8373ea5c25868001b5b0cf3500186d1c7e3be7ba9769641b2e7", mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", bytes: rigBBlob, images: [rigBID]),
            BlobUsage(digest: "sha256:c94fe4e51b4373172014b7bc1da3ee37948b0c0e3d95bfe61a8874229d6dd7ed", mediaType: "application/vnd.oci.image.config.v1+json", bytes: block, images: [rigBID]),
            // Kept by a lease: its bytes are containerd's held bytes.
            BlobUsage(digest: "sha256:" + hex("d"), mediaType: nil, bytes: 0, images: []),
        ]
        let summary = ContainerdStoreSummary(
            compressedCopiesBytes: baseBlob + rigABlob + rigBBlob, inProgressBytes: block + 257 * block,
            heldBytes: 286_720 + 106_496)
        let metadataBytes: Int64 = 262_144 + 65_536
        let dockersOwnBytes: Int64 = 4 * block

        var categories = CategoryBytes()
        categories.images = layers.reduce(0) { $0 + $1.bytes } + blobs.reduce(0) { $0 + $1.bytes }
        categories.containers = containers[0].totalBytes - containers[0].logBytes
        categories.logs = containers[0].logBytes
        categories.orphans = orphans.reduce(0) { $0 + $1.bytes }
        categories.other = summary.inProgressBytes + summary.heldBytes + metadataBytes + dockersOwnBytes
        let dataRootBytes = categories.containers + categories.logs + 2 * block + dockersOwnBytes
        var report = Report(
            dataRoot: "/var/lib/docker", sizeMode: .disk, generatedAt: "2026-12-03T08:20:00Z",
            totalBytes: categories.sum, categories: categories, images: images, containers: containers,
            volumes: [VolumeUsage(name: "pgdata", bytes: 0, containers: [], anonymous: false)], layers: layers,
            orphans: orphans,
            warnings: [
                Warning(
                    code: .missingDirectory, path: containerdRoot + "/io.containerd.snapshotter.v1.overlayfs/snapshots/6",
                    message: "snapshot \(rigContainerID)-init has no directory")
            ])
        report.stores = [
            StoreFinding(
                name: .overlay2, root: "/var/lib/docker",
                rule: "the data root still holds a graph driver's data: overlay2/ is not empty"),
            StoreFinding(
                name: .containerd, root: containerdRoot, rule: "daemon.json features.containerd-snapshotter; root: the system containerd's",
                namespace: "moby", snapshotter: "overlayfs", notes: ["overlay2/ is not empty"]),
        ]
        report.roots = [
            RootUsage(name: .dataRoot, path: "/var/lib/docker", bytes: dataRootBytes),
            RootUsage(name: .containerd, path: containerdRoot, bytes: categories.sum - dataRootBytes),
        ]
        report.blobs = blobs
        report.containerdStore = summary
        return report
    }()

    // MARK: BuildKit

    static let builtID = "sha256:" + hex("e")
    static let builtChain = "sha256:" + hex("f")

    /// A build server: one image a build exported, and BuildKit's records of every kind and
    /// verdict — private and unused, an image's layer (counted under it), shared below it, a cache
    /// mount, local sources, a frontend (kept without `--all`), one in use with the record below it,
    /// a parent kept by its child, a hostile description — and a snapshot no record uses.
    static let buildKit: Report = {
        func record(
            _ id: String, _ type: String, _ description: String, bytes: Int64, diff: Int64, shared: Bool = false,
            inUse: Bool = false, image: Bool = false, parent: String? = nil, lastUsed: String? = "2026-11-29T18:24:24.5Z"
        ) -> BuildCacheUsage {
            BuildCacheUsage(
                id: id, type: type, description: description, bytes: image ? 0 : bytes, diffBytes: image ? 0 : diff,
                directory: image ? nil : "overlay2/" + id, countedUnder: image ? [builtID] : nil, shared: shared || image,
                inUse: inUse, mutable: type != "regular", createdAt: "2026-11-28T10:00:00.123456789Z", lastUsedAt: lastUsed,
                usageCount: lastUsed == nil ? 0 : 2, parent: parent, recordedBytes: image ? diff : nil)
        }
        let records = [
            record("a0000000000000000000stage", "regular", "mount / from exec /bin/sh -c make", bytes: 300 * mebibyte, diff: 299 * mebibyte, parent: "b000000000000000000000base"),
            record("b000000000000000000000base", "regular", "from local", bytes: 0, diff: 0, image: true),
            record("c0000000000000000000copy1", "regular", "fileop target", bytes: 12 * mebibyte, diff: 12 * mebibyte, image: true, parent: "b000000000000000000000base"),
            record("d00000000000000000000cache", "exec.cachemount", "cached mount /root/.cache from exec go build", bytes: 2 * gibibyte, diff: 2 * gibibyte - 4 * kibibyte),
            record("e0000000000000000000local", "source.local", "local source for context", bytes: 40 * mebibyte, diff: 40 * mebibyte - 8 * kibibyte),
            record("f000000000000000frontend1", "frontend", "docker/dockerfile:1", bytes: 24 * mebibyte, diff: 24 * mebibyte),
            record("g00000000000000000running", "regular", "mount / from exec npm ci", bytes: 150 * mebibyte, diff: 150 * mebibyte, inUse: true, parent: "h0000000000000000000parent"),
            record("h0000000000000000000parent", "regular", "fileop target", bytes: 8 * mebibyte, diff: 8 * mebibyte, inUse: true),
            record("i000000000000000000kidkept", "regular", "fileop target", bytes: 6 * mebibyte, diff: 6 * mebibyte),
            record("j00000000000000000kidfront", "frontend", "child of a kept record", bytes: 1 * mebibyte, diff: 1 * mebibyte, parent: "i000000000000000000kidkept"),
            record("k0000000000000000000hostile", "regular", "mount / from exec \u{1B}[2Jecho \u{202E}gnp.exe", bytes: 4 * kibibyte, diff: 0, lastUsed: nil),
        ].map { record -> BuildCacheUsage in
            var record = record
            if record.id.count != 25 { record.id = String((record.id + "0000000000000000000000000").prefix(25)) }
            if let parent = record.parent, parent.count != 25 { record.parent = String((parent + "0000000000000000000000000").prefix(25)) }
            if record.directory != nil { record.directory = "overlay2/" + record.id }
            return record
        }.sorted { $0.id < $1.id }
        let orphans = [OrphanUsage(path: "overlay2/z0000000000000000leftover", kind: .buildKitSnapshot, bytes: 64 * kibibyte)]
        var categories = CategoryBytes()
        categories.images = 512 * mebibyte
        var seen = Set<String>()
        for record in records where record.directory.map({ seen.insert($0).inserted }) == true { categories.buildCache += record.bytes }
        categories.orphans = orphans[0].bytes
        categories.other = 2 * mebibyte
        let image = ImageUsage(
            id: builtID, tags: ["app:ci"], dangling: false, created: "2026-11-28T10:00:00Z", layers: [builtChain],
            bytes: 512 * mebibyte, sharedBytes: 0, uniqueBytes: 512 * mebibyte, containers: [])
        return Report(
            dataRoot: "/var/lib/docker", sizeMode: .disk, generatedAt: "2026-11-29T19:24:24Z",
            totalBytes: categories.sum, categories: categories, images: [image], containers: [], volumes: [],
            layers: [LayerUsage(chainId: builtChain, diffId: builtChain, cacheId: "c0000000000000000000copy1", bytes: 512 * mebibyte, images: [builtID])],
            orphans: orphans, warnings: [],
            metadataComplete: MetadataCompleteness(buildCache: true), buildCache: records)
    }()

    /// The hostile report as today's scan of an overlay2 host writes it: its store, its root, and
    /// BuildKit's records (none), which the README's recorded samples have.
    static let overlay2Host: Report = {
        var report = hostile
        report.dataRoot = "/var/lib/docker"
        report.stores = [StoreFinding(name: .overlay2, root: report.dataRoot, rule: "a graph driver's folder in the data root is not empty")]
        report.roots = [RootUsage(name: .dataRoot, path: report.dataRoot, bytes: report.totalBytes)]
        report.buildCache = []
        return report
    }()

    static let named = ["hostile": hostile, "empty": empty, "long": long, "containerd": containerd, "buildKit": buildKit]

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
