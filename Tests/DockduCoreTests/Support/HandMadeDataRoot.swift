import Foundation
import Testing
@testable import DockduCore

/// A data root written by hand: one image with two layers, a container with logs, a container
/// whose directory is gone, a volume, a BuildKit snapshot, an orphan and a broken link. The real
/// engine's trees are proven in EngineTests; this one holds the edge cases an engine will not make.
struct HandMadeDataRoot {
    let tree: TemporaryTree
    let diff0 = "sha256:" + String(repeating: "a", count: 64)
    let diff1 = "sha256:" + String(repeating: "b", count: 64)
    let imageHex = String(repeating: "c", count: 64)
    let liveContainer = String(repeating: "d", count: 64)
    let goneContainer = String(repeating: "e", count: 64)
    /// The cache mount's record in Fixtures/buildkit (a real engine's databases): its own
    /// directory, no parent, used by no image.
    let snapshot = "mlfjif0qa6a8g2mdjfu1ggd89"
    /// The two layers' overlay2 directories (cache IDs) and `l/` links, of Docker's shapes.
    let layers = [String(repeating: "1", count: 64), String(repeating: "2", count: 64)]
    let links = ["LINKAAAAAAAAAAAAAAAAAAAAA0", "LINKAAAAAAAAAAAAAAAAAAAAA1"]
    /// The live and the gone container's mount IDs.
    let liveMount = String(repeating: "3", count: 64)
    let goneMount = String(repeating: "4", count: 64)

    var chain: [String] { ChainID.chain(of: [diff0, diff1]) }

    init() throws {
        tree = try TemporaryTree()
        for directory in ["image", "image/overlay2", "image/overlay2/layerdb", "image/overlay2/layerdb/sha256",
                          "image/overlay2/layerdb/mounts", "image/overlay2/imagedb", "image/overlay2/imagedb/content",
                          "image/overlay2/imagedb/content/sha256", "overlay2", "overlay2/l", "containers", "volumes", "buildkit"] {
            try tree.directory(directory)
        }
        for (index, diff) in [diff0, diff1].enumerated() {
            let entry = "image/overlay2/layerdb/sha256/" + String(chain[index].dropFirst(7))
            let layer = layers[index]
            try tree.directory(entry)
            try write("\(entry)/diff", diff)
            try write("\(entry)/cache-id", layer)
            if index > 0 { try write("\(entry)/parent", chain[index - 1]) }
            try tree.directory("overlay2/\(layer)")
            try tree.directory("overlay2/\(layer)/diff")
            try tree.file("overlay2/\(layer)/diff/content", size: 10_000 * (index + 1))
            try write("overlay2/\(layer)/link", links[index])
            try tree.symbolicLink("../\(layer)/diff", at: "overlay2/l/\(links[index])")
        }
        try write("overlay2/\(layers[1])/lower", "l/\(links[0]):l/MISSINGLINKMISSINGLINK0000")
        try tree.symbolicLink("../nowhere/diff", at: "overlay2/l/DANGLING")
        try write("image/overlay2/imagedb/content/sha256/\(imageHex)", #"{"created":"2026-01-01T00:00:00Z","rootfs":{"type":"layers","diff_ids":["\#(diff0)","\#(diff1)"]}}"#)
        try write("image/overlay2/repositories.json", #"{"Repositories":{"app":{"app:1":"sha256:\#(imageHex)"}}}"#)

        // A live container with a log, a rotated log and a volume.
        try tree.directory("containers/\(liveContainer)")
        try write("containers/\(liveContainer)/config.v2.json", #"{"ID":"\#(liveContainer)","Name":"/web","Image":"sha256:\#(imageHex)","State":{"Running":false,"StartedAt":"2026-01-01T00:00:00Z","FinishedAt":"2026-01-02T00:00:00Z"},"MountPoints":{"/data":{"Type":"volume","Name":"data"}}}"#)
        try tree.file("containers/\(liveContainer)/\(liveContainer)-json.log", size: 7000)
        try tree.file("containers/\(liveContainer)/\(liveContainer)-json.log.1", size: 9000)
        for (container, mount) in [(liveContainer, liveMount), (goneContainer, goneMount)] {
            try tree.directory("image/overlay2/layerdb/mounts/\(container)")
            try write("image/overlay2/layerdb/mounts/\(container)/mount-id", mount)
            try write("image/overlay2/layerdb/mounts/\(container)/init-id", "\(mount)-init")
            try write("image/overlay2/layerdb/mounts/\(container)/parent", chain[1])
            try tree.directory("overlay2/\(mount)")
            try tree.directory("overlay2/\(mount)/diff")
            try tree.file("overlay2/\(mount)/diff/written", size: 3000)
            try tree.directory("overlay2/\(mount)-init")
            try tree.directory("overlay2/\(mount)-init/diff")
            try tree.file("overlay2/\(mount)-init/diff/.dockerenv", size: 0)
        }
        try tree.directory("volumes/data")
        try tree.directory("volumes/data/_data")
        try tree.file("volumes/data/_data/db", size: 50_000)

        // BuildKit's databases with one record's directory, and an orphan nobody owns.
        for database in ["metadata_v2", "snapshots"] {
            let fixture = try #require(Bundle.module.url(forResource: "Fixtures/buildkit/\(database)", withExtension: "db"))
            try FileManager.default.copyItem(atPath: fixture.path, toPath: tree.path + "/buildkit/\(database).db")
        }
        try tree.directory("overlay2/\(snapshot)")
        try tree.directory("overlay2/\(snapshot)/diff")
        try tree.file("overlay2/\(snapshot)/diff/cache", size: 4000)
        try tree.directory("overlay2/leftover")
        try tree.file("overlay2/leftover/junk", size: 6000)
    }

    func write(_ relative: String, _ text: String) throws {
        try Data(text.utf8).write(to: URL(fileURLWithPath: tree.path + "/" + relative))
    }
}

