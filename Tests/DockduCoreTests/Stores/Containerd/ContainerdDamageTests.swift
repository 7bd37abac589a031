import Testing

@testable import DockduCore

/// The real fixtures with one value changed in place (same length, so the bolt pages stay sound):
/// each bad value must become a warning and leave out only what it names, never a path.
@Suite struct ContainerdDamageTests {
    static let dockerContainer = ContainerdFixtureTests.dockerContainer

    @Test func aSnapshotIDOfZeroLeavesThatSnapshotOut() throws {
        // Snapshot 7 is Docker's container layer; its id value is the one byte 0x07 after "id".
        let file = try replacing(Array("id".utf8) + [0x07], with: Array("id".utf8) + [0x00], in: containerdFixture("metadata.db"))
        let backend = try OverlayfsMetadata(database: BoltDB(bytes: file))
        #expect(!backend.isComplete)
        #expect(backend.snapshot(id: 7) == nil)
        #expect(backend.snapshot(id: 0) == nil)
        #expect(backend.snapshots.count == 7)
        #expect(backend.warnings.count == 1)
        let warning = try #require(backend.warnings.first)
        #expect(warning.code == .corrupt)
        #expect(warning.path == "io.containerd.snapshotter.v1.overlayfs/metadata.db")
        // Named by meta.db's sequence, which is not the directory's id.
        #expect(warning.message.hasPrefix("v1/snapshots/\(try dockerBackendName())/id: "))
    }

    @Test func anIDThatIsNotAVarintLeavesThatSnapshotOut() throws {
        let file = try replacing(Array("id".utf8) + [0x07], with: Array("id".utf8) + [0x87], in: containerdFixture("metadata.db"))
        let backend = try OverlayfsMetadata(database: BoltDB(bytes: file))
        #expect(backend.snapshots.map(\.id).sorted() == [1, 2, 3, 4, 5, 6, 8])
        #expect(backend.warnings.count == 1)
    }

    @Test func anUnknownKindKeepsTheSnapshotWithoutItsUsage() throws {
        let file = try replacing(Array("kind".utf8) + [0x03], with: Array("kind".utf8) + [0x09], in: containerdFixture("metadata.db"))
        let backend = try OverlayfsMetadata(database: BoltDB(bytes: file))
        #expect(backend.snapshots.count == 8, "their directories are still theirs")
        #expect(backend.snapshots.filter { $0.kind == .unknown }.count == 4)
        #expect(backend.snapshots.allSatisfy { $0.kind != .committed && $0.usage == nil })
        #expect(backend.warnings.count == 4)
        #expect(!backend.isComplete)
    }

    @Test func aNegativeBlobSizeLeavesThatBlobOut() throws {
        // The manifest of rig/a is 559 bytes: Varint 559 is DE 08; 81 00 is -1 (zig-zag 1).
        let file = try replacing(Array("size".utf8) + [0xDE, 0x08], with: Array("size".utf8) + [0x81, 0x00], in: containerdFixture("meta.db"))
        let metadata = try ContainerdMetadata(database: BoltDB(bytes: file))
        let moby = try #require(metadata.namespace("moby"))
        #expect(moby.blobs.count == 6)
        #expect(!moby.blobs.contains { $0.sizeBytes == 559 })
        #expect(metadata.warnings.count >= 1)
        #expect(metadata.warnings.allSatisfy { $0.code == .corrupt && $0.message.contains("/size") })
        #expect(!metadata.isComplete)
    }

    @Test func aSnapshotNameOfAnotherNamespaceLeavesThatSnapshotOut() throws {
        let name = try dockerBackendName()
        let prefix = "moby/\(name.sequence)/"
        let file = try replacing(Array(prefix.utf8), with: Array(("mobx" + prefix.dropFirst(4)).utf8), in: containerdFixture("meta.db"))
        let metadata = try ContainerdMetadata(database: BoltDB(bytes: file))
        let snapshots = try #require(metadata.namespace("moby")?.snapshots["overlayfs"])
        #expect(snapshots.count == 7)
        #expect(!snapshots.contains { $0.key == Self.dockerContainer })
        #expect(metadata.warnings.count == 1)
    }

    private func dockerBackendName() throws -> BackendSnapshotName {
        let metadata = try ContainerdMetadata(database: BoltDB(bytes: containerdFixture("meta.db")))
        let snapshots = try #require(metadata.namespace("moby")?.snapshots["overlayfs"])
        return try #require(snapshots.first { $0.key == Self.dockerContainer }?.backendName)
    }

    /// Every occurrence of `pattern` replaced; at least one must exist. Stale copies in freed
    /// pages may match too, which changes nothing the reader can reach.
    private func replacing(_ pattern: [UInt8], with replacement: [UInt8], in file: [UInt8]) throws -> [UInt8] {
        precondition(pattern.count == replacement.count)
        var file = file
        var found = 0
        var index = 0
        while index + pattern.count <= file.count {
            if file[index..<(index + pattern.count)].elementsEqual(pattern) {
                file.replaceSubrange(index..<(index + pattern.count), with: replacement)
                found += 1
                index += pattern.count
            } else {
                index += 1
            }
        }
        try #require(found > 0, "the fixture no longer holds \(pattern)")
        return file
    }
}
