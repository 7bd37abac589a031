import Foundation
import Testing

/// Expected output kept in Tests/DockduCoreTests/Fixtures/golden/, compared byte for byte.
/// After a deliberate change, re-record with `DOCKDU_RECORD_GOLDEN=1 swift test --filter …`:
/// the recording run fails on purpose, so it is never mistaken for a pass; read the diff of the
/// golden files before committing them.
enum GoldenFile {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures").appendingPathComponent("golden")

    static func expect(
        _ actual: String, matches name: String, sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let url = directory.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DOCKDU_RECORD_GOLDEN"] == "1" {
            try Data(actual.utf8).write(to: url)
            Issue.record("recorded \(url.path); run again without DOCKDU_RECORD_GOLDEN", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? Data(contentsOf: url) else {
            Issue.record("missing \(url.path); record it with DOCKDU_RECORD_GOLDEN=1", sourceLocation: sourceLocation)
            return
        }
        #expect(actual == String(decoding: expected, as: UTF8.self), "differs from \(name)", sourceLocation: sourceLocation)
    }
}
