import Foundation
import Glibc
import Testing
@testable import DockduCore

/// A classifier that, the first time it is asked about an entry of `busy/`, deletes everything
/// else in `busy/`: files and directories vanish between the walk's reading of the directory and
/// its `fstatat` of them, as they do under a running container.
private final class VanishingClassifier: WalkClassifier, @unchecked Sendable {
    // Touched by one walk thread at a time: `busy/` is a single directory, read by one worker.
    private var deleted = false
    let path: String

    init(path: String) { self.path = path }

    var slotCount: Int { 1 }
    var rootNode: WalkNode { .branch(0, slot: 0) }

    func child(ofBranch branch: Int32, named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        if branch == 0 { return name.elementsEqual("busy".utf8) ? .branch(1, slot: 0) : .owned(slot: 0) }
        if !deleted {
            deleted = true
            let keep = String(decoding: Array(name), as: UTF8.self)
            for entry in (try? FileManager.default.contentsOfDirectory(atPath: path + "/busy")) ?? [] where entry != keep {
                try? FileManager.default.removeItem(atPath: path + "/busy/" + entry)
            }
        }
        return .owned(slot: 0)
    }
}

@Suite struct VanishingTreeTests {
    @Test func entriesThatVanishMidWalkAreSkippedQuietly() throws {
        let tree = try TemporaryTree()
        try tree.directory("busy")
        for index in 0..<50 {
            try tree.file("busy/file\(index)", size: 1000)
            try tree.directory("busy/dir\(index)")
            try tree.file("busy/dir\(index)/inner", size: 2000)
        }
        try tree.file("steady", size: 777)
        let root = try FileDescriptor.openDirectory(atPath: tree.path)
        defer { root.close() }
        let tally = try TreeWalker(classifier: VanishingClassifier(path: tree.path), workerCount: 1).walk(root: root)
        #expect(tally.problems.isEmpty, "\(tally.problems)")
        // What is left: the root, busy/, steady, and the one entry of busy/ that was kept.
        let left = try FileManager.default.contentsOfDirectory(atPath: tree.path + "/busy")
        #expect(left.count == 1)
        #expect(tally.allocatedBytes[0] == (try tree.du()))
    }
}
