import Foundation
import Testing

@testable import DockduCore

/// Real BuildKit databases from Docker 20.10.24 (see `Fixtures/buildkit/README.md`), held against
/// what that engine answered on `/system/df` just before it stopped, and against the `overlay2/`
/// directories and `layerdb` it left. No expectation here is written by hand.
@Suite struct BuildCacheFixtureTests {
    struct EngineRecord: Decodable {
        var ID: String
        var `Type`: String
        var Description: String
        var Parent: String
        var InUse: Bool
        var Shared: Bool
        var Size: Int64
        var CreatedAt: String
        var LastUsedAt: String?
        var UsageCount: Int
    }

    struct EngineAnswer: Decodable { var BuildCache: [EngineRecord] }

    struct Image: Decodable {
        struct RootFS: Decodable { var Layers: [String] }
        var Id: String
        var RootFS: RootFS
    }

    @Test func listedRecordsAreTheEnginesRecords() throws {
        let engine = try engineRecords()
        let listed = try buildCache().listedRecords(imageChainIDs: imageChainIDs())
        #expect(listed.map(\.record.id) == engine.map(\.ID).sorted())
        for entry in listed {
            let record = entry.record
            let answer = try #require(engine.first { $0.ID == record.id })
            #expect(record.kind.rawValue == answer.Type, "\(record.id)")
            #expect(record.description == answer.Description, "\(record.id)")
            #expect((record.parentID ?? "") == answer.Parent, "\(record.id)")
            #expect(record.usageCount == answer.UsageCount, "\(record.id)")
            #expect(record.createdAtNanoseconds == nanoseconds(answer.CreatedAt), "\(record.id)")
            #expect(record.lastUsedAtNanoseconds == answer.LastUsedAt.flatMap(nanoseconds), "\(record.id)")
            #expect(entry.isShared == answer.Shared, "\(record.id)")
            #expect(entry.recordedSizeBytes == answer.Size, "\(record.id)")
        }
        // The fixture has what it is for: every kind of record an offline build makes, shared and
        // private ones, an image's own layer, and records that a usage count of 2 shows were reused.
        #expect(Set(listed.map(\.record.kind)) == [.regular, .localSource, .cacheMount])
        #expect(listed.contains { $0.isShared } && listed.contains { !$0.isShared })
        #expect(listed.contains { $0.record.snapshotKey.hasPrefix("sha256:") })
        #expect(listed.contains { $0.record.usageCount > 1 })
        // In use is the engine's memory, not the disk's: at rest, as here, nothing is.
        #expect(engine.allSatisfy { !$0.InUse })
    }

    /// `docker system df` hides the immutable twin of a mutable record; the twin is what the
    /// database holds besides the listed records, and it names its listed mutable record.
    @Test func hiddenTwinsNameTheirListedRecords() throws {
        let cache = try buildCache()
        let listedIDs = Set(try engineRecords().map(\.ID))
        let hidden = cache.records.filter { !listedIDs.contains($0.id) }
        #expect(!hidden.isEmpty)
        for twin in hidden {
            let mutableID = try #require(twin.equalMutableID, "\(twin.id) is hidden but has no mutable twin")
            let mutable = try #require(cache.record(mutableID))
            #expect(listedIDs.contains(mutableID))
            #expect(mutable.isMutable && !twin.isMutable)
            #expect(twin.description == mutable.description)
            #expect(cache.overlayDirectory(of: twin) == cache.overlayDirectory(of: mutable))
        }
    }

    /// Each record's data is a directory the engine left in `overlay2/`; every BuildKit directory
    /// there is some record's; a record exported into an image has the image layer's directory
    /// (`layerdb/…/cache-id`), and the image's own layer is found through its chain ID.
    @Test func recordsFindTheirOverlayDirectories() throws {
        let cache = try buildCache()
        let listing = try lines("overlay2-listing.txt")
        let measured = Set(try lines("overlay2-du.txt").map { String($0.split(separator: "\t")[1]) })
        let cacheIDs = Dictionary(
            uniqueKeysWithValues: try lines("layerdb-cache-ids.txt").map {
                let parts = $0.split(separator: " ")
                return (String(parts[0]), String(parts[1]))
            })

        for entry in cache.listedRecords(imageChainIDs: try imageChainIDs()) {
            if let directory = entry.overlayDirectory {
                #expect(measured.contains(directory), "\(entry.record.id): \(directory)")
                if let chain = entry.imageChainID { #expect(cacheIDs[chain] == directory, "\(entry.record.id)") }
            } else {
                let chain = try #require(entry.imageChainID, "\(entry.record.id) has no data")
                #expect(listing.contains(try #require(cacheIDs[chain])))
            }
        }
        #expect(cache.referencedOverlayDirectories == measured)
        let orphans = cache.orphanDirectories(among: listing)
        #expect(orphans.recordedInSnapshots.isEmpty && orphans.unknown.isEmpty)
        #expect(cache.warnings.isEmpty)
    }

    @Test func orphansAreDirectoriesNoRecordUses() throws {
        let cache = try buildCache()
        // A directory nothing names, and one only snapshots.db names once its record is gone.
        let stray = "0123456789abcdefghijklmno"
        let dropped = try #require(cache.records.first { $0.kind == .cacheMount })
        let droppedDirectory = try #require(cache.overlayDirectory(of: dropped))
        let smaller = BuildCache(
            records: cache.records.filter { $0.id != dropped.id && $0.equalMutableID != dropped.id },
            snapshots: Array(cache.snapshots.values))
        let orphans = smaller.orphanDirectories(among: try lines("overlay2-listing.txt") + [stray, "l", "not-ours"])
        #expect(orphans.recordedInSnapshots == [droppedDirectory])
        #expect(orphans.unknown == [stray])
    }

    // MARK: Fixture access

    func buildCache() throws -> BuildCache {
        BuildCache(metadata: try BoltDB(bytes: fixture("metadata_v2.db")), snapshots: try BoltDB(bytes: fixture("snapshots.db")))
    }

    func engineRecords() throws -> [EngineRecord] {
        try JSONDecoder().decode(EngineAnswer.self, from: Data(fixture("system-df.json"))).BuildCache
    }

    func imageChainIDs() throws -> Set<String> {
        let images = try JSONDecoder().decode([Image].self, from: Data(fixture("images.json")))
        return Set(images.flatMap { ChainID.chain(of: $0.RootFS.Layers) })
    }

    func lines(_ name: String) throws -> [String] {
        String(decoding: try fixture(name), as: UTF8.self).split(separator: "\n").map(String.init)
    }

    /// Nanoseconds since the epoch of Go's RFC 3339 with up to nine fraction digits.
    func nanoseconds(_ text: String) -> Int64? {
        let parts = text.dropLast().split(separator: ".", maxSplits: 1)
        guard text.hasSuffix("Z"), let seconds = Timestamp.parse(String(parts[0]) + "Z") else { return nil }
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard fraction.count <= 9, let digits = Int64(fraction + String(repeating: "0", count: 9 - fraction.count)) else {
            return nil
        }
        return seconds * 1_000_000_000 + digits
    }
}

func buildKitFixture(_ name: String) throws -> [UInt8] {
    let folder = try #require(Bundle.module.resourceURL)
    let url = folder.appendingPathComponent("Fixtures").appendingPathComponent("buildkit").appendingPathComponent(name)
    return try [UInt8](Data(contentsOf: url))
}

extension BuildCacheFixtureTests {
    func fixture(_ name: String) throws -> [UInt8] { try buildKitFixture(name) }
}
