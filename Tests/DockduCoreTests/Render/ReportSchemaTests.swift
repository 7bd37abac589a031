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

    /// Each item kind's keys, as encoded from the fullest sample, are the schema's properties,
    /// and the always-written ones are its required list.
    @Test(arguments: [("images", "image"), ("containers", "container"), ("volumes", "volume"), ("orphans", "orphan")])
    func itemKeysAreTheSchemas(key: String, definition: String) throws {
        let definitions = try #require(try JSONSchemaTests.schema("report.schema.json")["$defs"] as? [String: [String: Any]])
        let properties = try #require(definitions[definition]?["properties"] as? [String: Any])
        let required = try #require(definitions[definition]?["required"] as? [String])
        let document = try ReportEncodingTests.object(SampleReports.hostile)
        let items = ReportEncodingTests.items(document, key)
        #expect(!items.isEmpty)
        let everyKey = Set(items.flatMap(\.keys))
        let alwaysKeys = items.map { Set($0.keys) }.reduce(everyKey) { $0.intersection($1) }
        #expect(everyKey.isSubset(of: Set(properties.keys)), "\(everyKey.subtracting(properties.keys))")
        #expect(Set(required) == alwaysKeys)
        for verdictKey in ["reclaimable", "reclaimableBytes", "reclaimReason"] { #expect(required.contains(verdictKey)) }
    }
}
