import Foundation
import Testing

/// Phase `wasted`: an image whose upper layers delete a file (a whiteout), write one again, remove
/// a directory and make it anew (an opaque directory), remove another whole and remove one name of
/// a hard-linked pair (`Tests/Engine/wasted.sh`). dockdu's figures, read from overlay2's `diff/`
/// directories, are held to an independent oracle: the image's `docker save` layer tars replayed
/// forward by Python's tarfile (`Tests/Engine/wasted-oracle.py`), to the byte in apparent mode.
@Suite("wasted bytes on a real engine", .serialized)
struct WastedEngineTests {
    struct Facts: Decodable {
        struct Oracle: Decodable {
            struct Hidden: Decodable { let path: String; let bytes: Int64 }
            let totalBytes: Int64
            let visibleBytes: Int64
            let wastedBytes: Int64
            let hidden: [Hidden]
        }
        let image: String
        let oracle: Oracle
    }

    struct Document: Decodable {
        struct Image: Decodable {
            struct Wasted: Decodable {
                struct Step: Decodable { let index: Int; let createdBy: String? }
                let path: String
                let bytes: Int64
                let hiding: String
                let addedBy: Step
                let hiddenBy: Step
            }
            let id: String
            let bytes: Int64
            let wastedBytes: Int64?
            let efficiency: Double?
            let wasted: [Wasted]?
        }
        let images: [Image]
    }

    func record(_ environment: EngineEnvironment, _ line: String) {
        let path = environment.dir + "/wasted-figures.txt"
        let previous = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        try? (previous + line + "\n").write(toFile: path, atomically: true, encoding: .utf8)
    }

    @Test(
        "wasted bytes, efficiency and hidden paths equal the replayed layer tars; --fail-wasted exits 3",
        .enabled(if: EngineEnvironment.isPhase(.wasted), PhaseReason.wasted))
    func wastedBytesMatchTheReplayedTars() throws {
        let environment = try EngineEnvironment.required()
        try markPhaseRan(environment)
        let facts = try JSONDecoder().decode(Facts.self, from: Data(contentsOf: URL(fileURLWithPath: environment.dir + "/wasted.json")))
        let oracle = facts.oracle
        #expect(oracle.wastedBytes > 1_000_000, "the image hides what wasted.sh made it hide")

        let base = [environment.binary, "report", "--root", environment.root, "--no-cache", "--wasted"]
        let started = Date()
        let run = try CommandRunner.run(base + ["--json", "--apparent-size"])
        let seconds = Date().timeIntervalSince(started)
        #expect(run.status == 0, "\(run.summary)")
        let document = try JSONDecoder().decode(Document.self, from: run.stdout)
        // Without --wasted (or --verbose, --fail-wasted) the second pass does not run.
        let plain = try CommandRunner.run([environment.binary, "report", "--root", environment.root, "--no-cache", "--json"])
        #expect(try JSONDecoder().decode(Document.self, from: plain.stdout).images.allSatisfy { $0.wastedBytes == nil })
        let image = try #require(document.images.first { $0.id == facts.image })
        #expect(image.bytes == oracle.totalBytes)
        #expect(image.wastedBytes == oracle.wastedBytes)
        let efficiency = try #require(image.efficiency)
        #expect(abs(efficiency - Double(oracle.visibleBytes) / Double(oracle.totalBytes)) < 0.00006)
        // Every hidden file the oracle found, with its size (fewer than the ten the JSON lists).
        let listed = Dictionary((image.wasted ?? []).map { ($0.path, $0.bytes) }, uniquingKeysWith: +)
        let expected = Dictionary(oracle.hidden.map { ($0.path, $0.bytes) }, uniquingKeysWith: +)
        #expect(listed == expected)
        // The layer that hid each is above the one that added it, and its history line says so.
        for path in image.wasted ?? [] {
            #expect(path.hiddenBy.index > path.addedBy.index, "\(path.path)")
            #expect(path.hiddenBy.createdBy?.contains("rm ") == true || path.hiding == "replaced", "\(path.path)")
        }
        let deleted = try #require(image.wasted?.first { $0.path == "/deleted" })
        #expect(deleted.hiding == "deleted" && deleted.hiddenBy.createdBy?.contains("rm /deleted") == true)
        #expect(image.wasted?.first { $0.path == "/replaced" }?.hiding == "replaced")
        // The base image hides nothing.
        #expect(document.images.filter { $0.id != facts.image }.allSatisfy { $0.wastedBytes == 0 && $0.efficiency == 1 })

        // --fail-wasted on either side of the image's share.
        let share = 100 * Double(oracle.wastedBytes) / Double(oracle.totalBytes)
        let below = try CommandRunner.run(base + ["--json", "--fail-wasted", String(Int(share))])
        #expect(below.status == 3 && below.stderrText.contains("wastes"), "\(below.summary)")
        let above = try CommandRunner.run(base + ["--json", "--fail-wasted", String(Int(share) + 1)])
        #expect(above.status == 0, "\(above.summary)")

        let metrics = try CommandRunner.run(base + ["--format", "prometheus", "--apparent-size"])
        let series = metrics.stdoutText.split(separator: "\n").first { $0.hasPrefix("dockdu_image_wasted_bytes{") && $0.contains("image=\"wasted:latest\"") }
        #expect(series?.hasSuffix(" \(oracle.wastedBytes)") == true, "\(series ?? "no series")")

        let disk = try CommandRunner.run(base + ["--json"])
        let diskImage = try JSONDecoder().decode(Document.self, from: disk.stdout).images.first { $0.id == facts.image }
        record(environment, "oracle (docker save replayed): \(oracle.wastedBytes) of \(oracle.totalBytes) bytes hidden; dockdu --apparent-size: \(image.wastedBytes ?? -1) of \(image.bytes), efficiency \(efficiency); disk mode: \(diskImage?.wastedBytes ?? -1) bytes; report in \(Int(seconds * 1000)) ms")
    }
}
