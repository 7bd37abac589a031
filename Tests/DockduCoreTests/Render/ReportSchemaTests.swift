import Foundation
import Testing

@testable import DockduCore

/// The report schema describes every field, and its items' keys are exactly what the encoder
/// writes; these run without python.
@Suite struct ReportSchemaTests {
    /// Every property of every object in the schema has a description of its own or through
    /// the definition it refers to.
    @Test func everyFieldIsDescribed() throws {
        let schema = try JSONSchemaTests.schema("report.schema.json")
        let definitions = try #require(schema["$defs"] as? [String: [String: Any]])
        var undescribed: [String] = []
        func described(_ node: [String: Any]) -> Bool {
            if node["description"] != nil { return true }
            if let ref = node["$ref"] as? String, let target = definitions[String(ref.dropFirst("#/$defs/".count))] {
                return described(target)
            }
            return false
        }
        func visit(_ node: [String: Any], at path: String) {
            for (name, value) in (node["properties"] as? [String: [String: Any]]) ?? [:] {
                if !described(value) { undescribed.append("\(path)/\(name)") }
                visit(value, at: "\(path)/\(name)")
            }
            if let items = node["items"] as? [String: Any] { visit(items, at: path + "[]") }
        }
        visit(schema, at: "")
        for (name, definition) in definitions { visit(definition, at: "$defs/\(name)") }
        #expect(undescribed.sorted() == [])
    }

    @Test func reclaimReasonsAreTheModelsCases() throws {
        let definitions = try #require(try JSONSchemaTests.schema("report.schema.json")["$defs"] as? [String: [String: Any]])
        #expect((definitions["reclaimReason"]?["enum"] as? [String]) == ReclaimReason.allCases.map(\.rawValue))
    }

    /// Each item kind's keys, as encoded from the two fullest samples (the hostile overlay2 one
    /// and the containerd one, which between them fill every optional field), are exactly the
    /// schema's properties, and the always-written ones are its required list.
    @Test(arguments: [
        ("images", "image"), ("containers", "container"), ("volumes", "volume"), ("orphans", "orphan"),
        ("layers", "layer"), ("stores", "store"), ("roots", "root"), ("blobs", "blob"),
    ])
    func itemKeysAreTheSchemas(key: String, definition: String) throws {
        let definitions = try #require(try JSONSchemaTests.schema("report.schema.json")["$defs"] as? [String: [String: Any]])
        let properties = try #require(definitions[definition]?["properties"] as? [String: Any])
        let required = try #require(definitions[definition]?["required"] as? [String])
        let items = try [SampleReports.hostile, SampleReports.containerd].flatMap { report in
            ReportEncodingTests.items(try ReportEncodingTests.object(report), key)
        }
        #expect(!items.isEmpty)
        let everyKey = Set(items.flatMap(\.keys))
        let alwaysKeys = items.map { Set($0.keys) }.reduce(everyKey) { $0.intersection($1) }
        #expect(everyKey == Set(properties.keys), "encoded only: \(everyKey.subtracting(properties.keys)), never encoded: \(Set(properties.keys).subtracting(everyKey))")
        #expect(Set(required) == alwaysKeys)
        if ["images", "containers", "volumes", "orphans"].contains(key) {
            for verdictKey in ["reclaimable", "reclaimableBytes", "reclaimReason"] { #expect(required.contains(verdictKey)) }
        }
    }

    @Test func containerdStoreKeysAreTheSchemas() throws {
        let definitions = try #require(try JSONSchemaTests.schema("report.schema.json")["$defs"] as? [String: [String: Any]])
        let definition = try #require(definitions["containerdStore"])
        let encoded = try #require(try ReportEncodingTests.object(SampleReports.containerd)["containerdStore"] as? [String: Any])
        #expect(Set(encoded.keys) == Set(try #require(definition["properties"] as? [String: Any]).keys))
        #expect(Set(encoded.keys) == Set(try #require(definition["required"] as? [String])))
    }

    /// The enums of the store fields are the names the model has.
    @Test func storeAndRootNamesAreTheModels() throws {
        let definitions = try #require(try JSONSchemaTests.schema("report.schema.json")["$defs"] as? [String: [String: Any]])
        #expect(definitions["storeName"]?["enum"] as? [String] == [StoreName.overlay2, .containerd].map(\.rawValue))
        #expect(definitions["rootName"]?["enum"] as? [String] == [RootName.dataRoot, .containerd].map(\.rawValue))
        let orphan = try #require(definitions["orphan"]?["properties"] as? [String: [String: Any]])
        #expect(orphan["base"]?["enum"] as? [String] == [RootName.containerd.rawValue])
    }
}
