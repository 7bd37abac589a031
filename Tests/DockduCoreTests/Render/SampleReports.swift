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
        let images = [
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
        return Report(
            dataRoot: "/var/lib/docker", sizeMode: .disk, generatedAt: "2026-11-29T19:24:24Z",
            totalBytes: categories.sum, categories: categories, images: images,
            containers: containers, volumes: volumes,
            layers: [
                LayerUsage(
                    chainId: "sha256:" + hex("7"), diffId: "sha256:" + hex("7"), cacheId: hex("5"),
                    bytes: 80 * mebibyte, images: [nginxID, evilImageID])
            ],
            orphans: orphans, warnings: warnings)
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

    static let named = ["hostile": hostile, "empty": empty, "long": long]

    private static func base64(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
    }
}
