import Foundation
import Testing
@testable import DockduCore

/// A hand-made overlay2 chain of three layers, with whiteouts (0:0 character devices), an opaque
/// directory (`trusted.overlay.opaque=y`), a file written again and a hard link, as moby's
/// overlay2 driver leaves them in `diff/`.
@Suite struct WasteFinderTests {
    let tree: TemporaryTree
    let cacheIDs = ["0", "1", "2"].map { String(repeating: $0, count: 64) }

    init() throws {
        tree = try TemporaryTree()
        try tree.directory("overlay2")
        for id in cacheIDs {
            try tree.directory("overlay2/\(id)")
            try tree.directory("overlay2/\(id)/diff")
        }
        let l0 = "overlay2/\(cacheIDs[0])/diff", l1 = "overlay2/\(cacheIDs[1])/diff", l2 = "overlay2/\(cacheIDs[2])/diff"
        try tree.file("\(l0)/a", size: 1000)
        try tree.file("\(l0)/b", size: 2000)
        try tree.directory("\(l0)/dir")
        try tree.file("\(l0)/dir/x", size: 300)
        try tree.file("\(l0)/dir/y", size: 400)
        try tree.file("\(l0)/keep", size: 50)
        try tree.file("\(l0)/hl1", size: 500)
        try tree.hardLink("\(l0)/hl1", "\(l0)/hl2")
        try tree.directory("\(l0)/opq")
        try tree.file("\(l0)/opq/p", size: 60)

        try tree.file("\(l1)/a", size: 1100)
        try tree.whiteout("\(l1)/b")
        try tree.whiteout("\(l1)/dir")
        try tree.whiteout("\(l1)/hl1")
        try tree.directory("\(l1)/opq")
        try tree.file("\(l1)/opq/q", size: 70)
        try Self.makeOpaque(tree.path + "/\(l1)/opq")

        try tree.whiteout("\(l2)/a")
    }

    /// `trusted.overlay.opaque=y`, set by Python's `os.setxattr` (Glibc's Swift module has no
    /// xattr calls, and the project's one libc file only reads them).
    static func makeOpaque(_ path: String) throws {
        let python = try #require(ExternalTool.find("python3"))
        let outcome = try ExternalTool.run(python, ["-c", "import os, sys; os.setxattr(sys.argv[1], 'trusted.overlay.opaque', b'y')", path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
    }

    func measure() throws -> ImageWaste {
        let root = try FileDescriptor.openDirectory(atPath: tree.path)
        defer { root.close() }
        var finder = WasteFinder(files: DataRootFiles(root: root))
        let waste = finder.measure(cacheIDs: cacheIDs)
        #expect(finder.problems.isEmpty)
        return waste
    }

    @Test func opaqueDirectoryIsRead() throws {
        let root = try FileDescriptor.openDirectory(atPath: tree.path + "/overlay2/\(cacheIDs[1])/diff/opq")
        defer { root.close() }
        #expect(root.isOpaqueDirectory)
        let plain = try FileDescriptor.openDirectory(atPath: tree.path + "/overlay2/\(cacheIDs[0])/diff/opq")
        defer { plain.close() }
        #expect(!plain.isOpaqueDirectory)
    }

    @Test func hiddenBytesAreCountedOnce() throws {
        let waste = try measure()
        // Layers: 4310 (hl1/hl2 once) + 1170; whiteouts have no bytes.
        #expect(waste.totalApparentBytes == 5480)
        // a twice (1000 replaced, 1100 deleted), b, dir/x and dir/y, opq/p; hl2 keeps hl1 visible.
        #expect(waste.wastedApparentBytes == 1000 + 1100 + 2000 + 300 + 400 + 60)
        #expect(waste.wastedAllocatedBytes >= waste.wastedApparentBytes)
        #expect(abs(waste.efficiency - 620.0 / 5480.0) < 1e-9)
    }

    @Test func pathsNameTheLayersThatAddedAndHidThem() throws {
        let paths = try measure().paths.map { (String(decoding: $0.path, as: UTF8.self), $0.apparentBytes, $0.hiding, $0.addedBy, $0.hiddenBy) }
        #expect(paths.count == 6)
        #expect(paths[0] == ("/b", 2000, .deleted, 0, 1))
        #expect(paths[1] == ("/a", 1100, .deleted, 1, 2))
        #expect(paths[2] == ("/a", 1000, .replaced, 0, 1))
        #expect(paths[3] == ("/dir/y", 400, .deleted, 0, 1))
        #expect(paths[4] == ("/dir/x", 300, .deleted, 0, 1))
        #expect(paths[5] == ("/opq/p", 60, .deleted, 0, 1))
    }

    @Test func historyMapsToLayersSkippingEmptyOnes() throws {
        let config = try ImageConfig.parse(Array(#"{"rootfs":{"diff_ids":["sha256:a","sha256:b"]},"history":[{"created_by":"import"},{"created_by":"ENV X=1","empty_layer":true},{"created_by":"RUN rm /b"}]}"#.utf8))
        #expect(config.layerCommands == ["import", "RUN rm /b"])
    }
}
