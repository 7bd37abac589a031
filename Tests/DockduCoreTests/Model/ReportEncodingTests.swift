import Foundation
import Testing

@testable import DockduCore

/// The JSON document's reclaimable figures: read back with JSONSerialization, not the model, and
/// held to ``Report/reclaimable`` and to each other, so a script summing the items gets the
/// summary's figures.
@Suite struct ReportEncodingTests {
    typealias Sample = SampleReports

    static func object(_ report: Report) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(JSONRendering.render(report))) as? [String: Any])
    }

    static func items(_ document: [String: Any], _ key: String) -> [[String: Any]] {
        (document[key] as? [[String: Any]]) ?? []
    }

    static func int(_ value: Any?) -> Int64? { (value as? NSNumber)?.int64Value }

    @Test(arguments: ["hostile", "empty", "long"])
    func summaryIsTheTablesComputation(name: String) throws {
        let report = try #require(Sample.named[name])
        let document = try Self.object(report)
        let summary = try #require(document["summary"] as? [String: [String: Any]])
        #expect(Set(summary.keys) == Set(Category.allCases.map(\.rawValue)))
        let space = report.reclaimable
        for category in Category.allCases {
            let row = try #require(summary[category.rawValue])
            #expect(Self.int(row["bytes"]) == report.categories[category])
            #expect(Self.int(row["reclaimableBytes"]) == space[category].bytes)
            #expect(Self.int(row["items"]).map(Int.init) == space[category].itemCount)
            #expect(Self.int(row["unusedItems"]).map(Int.init) == space[category].reclaimableItemCount)
        }
        #expect(Self.int(document["reclaimableBytes"]) == space.totalBytes)
    }

    /// What a script would do: sum the items the document marks reclaimable.
    @Test(arguments: ["hostile", "long"])
    func itemsAddUpToTheSummary(name: String) throws {
        let document = try Self.object(try #require(Sample.named[name]))
        let summary = try #require(document["summary"] as? [String: [String: Any]])
        func reclaimable(_ key: String) -> [[String: Any]] {
            Self.items(document, key).filter { $0["reclaimable"] as? Bool == true }
        }
        func sum(_ items: [[String: Any]], _ key: String) -> Int64 { items.compactMap { Self.int($0[key]) }.reduce(0, +) }
        let images = reclaimable("images")
        #expect(sum(images, "reclaimableBytes") == Self.int(summary["images"]?["reclaimableBytes"]))
        #expect(sum(images, "reclaimableBytes") == sum(images, "uniqueBytes"))
        #expect(Int64(images.count) == Self.int(summary["images"]?["unusedItems"]))
        let containers = reclaimable("containers")
        #expect(sum(containers, "reclaimableBytes") - sum(containers, "logBytes") == Self.int(summary["containers"]?["reclaimableBytes"]))
        #expect(sum(containers, "logBytes") == Self.int(summary["logs"]?["reclaimableBytes"]))
        #expect(Int64(containers.count) == Self.int(summary["containers"]?["unusedItems"]))
        let volumes = reclaimable("volumes")
        #expect(sum(volumes, "reclaimableBytes") == Self.int(summary["volumes"]?["reclaimableBytes"]))
        #expect(Int64(volumes.count) == Self.int(summary["volumes"]?["unusedItems"]))
        let orphans = reclaimable("orphans")
        #expect(sum(orphans, "reclaimableBytes") == Self.int(summary["orphans"]?["reclaimableBytes"]))
        for key in ["images", "containers", "volumes", "orphans"] {
            for item in Self.items(document, key) where item["reclaimable"] as? Bool == false {
                #expect(Self.int(item["reclaimableBytes"]) == 0, "\(key): \(item["reclaimReason"] ?? "")")
            }
        }
    }

    @Test func eachItemSaysTheRuleThatDecided() throws {
        let document = try Self.object(Sample.hostile)
        func reasons(_ key: String, _ id: String) -> [String: String] {
            Dictionary(uniqueKeysWithValues: Self.items(document, key).compactMap { item in
                (item[id] as? String).map { ($0, item["reclaimReason"] as? String ?? "") }
            })
        }
        #expect(reasons("images", "id") == [
            Sample.nginxID: "inUse", Sample.evilImageID: "unused", Sample.danglingID: "inUse", Sample.digestOnlyID: "unused",
        ])
        #expect(reasons("containers", "id") == [Sample.webID: "inUse", Sample.jobID: "stopped", Sample.bidiID: "stopped"])
        #expect(reasons("volumes", "name") == ["pgdata": "inUse", Sample.anonymousVolume: "unused", "cache\u{9B}31m": "unused"])
        #expect(Set(reasons("orphans", "path").values) == ["unowned"])
    }

    /// The unknown rule: an item it holds back says which metadata is unknown, never a
    /// reclaimable reason, and the summary leaves its count out.
    @Test func unknownMetadataHoldsItemsBackAndSaysSo() throws {
        var report = Sample.hostile
        report.metadataComplete = MetadataCompleteness(images: true, tags: false, containers: false, layers: false)
        report.containers[2].state = .unknown
        let document = try Self.object(report)
        let byReason = Dictionary(grouping: ["images", "containers", "volumes", "orphans"].flatMap { Self.items(document, $0) }) {
            $0["reclaimReason"] as? String ?? ""
        }
        #expect(byReason["tagsUnknown"]?.count == 2)  // evil and digest-only; the others are in use
        #expect(byReason["containersUnknown"]?.count == 2)  // the two volumes no container mounts
        #expect(byReason["layersUnknown"]?.count == 1)  // the overlay2 directory; the other kinds stand
        #expect(byReason["stateUnknown"]?.count == 1)
        for reason in ["tagsUnknown", "containersUnknown", "layersUnknown", "stateUnknown"] {
            #expect(byReason[reason]?.allSatisfy { $0["reclaimable"] as? Bool == false && Self.int($0["reclaimableBytes"]) == 0 } == true)
        }
        let summary = try #require(document["summary"] as? [String: [String: Any]])
        #expect(summary["images"]?["unusedItems"] == nil && Self.int(summary["images"]?["reclaimableBytes"]) == 0)
        #expect(summary["volumes"]?["unusedItems"] == nil && Self.int(summary["volumes"]?["reclaimableBytes"]) == 0)
        #expect(Self.int(summary["orphans"]?["reclaimableBytes"]) == 24 * Sample.kibibyte)
        #expect(Self.int(summary["orphans"]?["unusedItems"]) == 2)
    }

    @Test func anEarlierReportWithTheDerivedKeysDecodesToTheSame() throws {
        let bytes = try JSONRendering.render(Sample.hostile)
        #expect(try ReportComparison.decodeReport(bytes) == Sample.hostile)
    }
}
