import Foundation
import Glibc
import Testing
@testable import DockduCore

/// A classifier for tests: entries directly under the root named `owned*` get slot 1 and their
/// subtree with them; everything else is slot 0.
private struct PrefixClassifier: WalkClassifier {
    var slotCount: Int { 2 }
    var rootNode: WalkNode { .branch(0, slot: 0) }
    func child(ofBranch branch: Int32, named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        .owned(slot: name.starts(with: "owned".utf8) ? 1 : 0)
    }
}

private func walk(_ tree: TemporaryTree, workers: Int = 2, budget: Int = 64, sharingAtEveryChance: Bool = false) throws -> WalkTally {
    let root = try FileDescriptor.openDirectory(atPath: tree.path)
    defer { root.close() }
    var walker = TreeWalker(classifier: PrefixClassifier(), workerCount: workers, descriptorBudget: budget)
    walker.sharesAtEveryChance = sharingAtEveryChance
    return try walker.walk(root: root)
}

@Suite struct TreeWalkerTests {
    @Test func totalsEqualDuInBothModes() throws {
        let tree = try TemporaryTree()
        try tree.directory("a")
        try tree.directory("a/b")
        try tree.file("a/b/one", size: 5000)
        try tree.file("a/two", size: 1)
        try tree.file("empty", size: 0)
        try tree.directory("owned")
        try tree.file("owned/big", size: 300_000)
        let tally = try walk(tree)
        #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
        // du --apparent-size counts directories' st_size too; Docker's rule (and dockdu's) does not.
        let expectedApparent: Int64 = 5000 + 1 + 300_000
        #expect(tally.apparentBytes.reduce(0, +) == expectedApparent)
        #expect(tally.apparentBytes[1] == 300_000)
        #expect(tally.allocatedBytes[1] == (try tree.du("owned")))
        #expect(tally.inodes == 8)
        #expect(tally.directories == 4)
        #expect(tally.problems.isEmpty)
    }

    @Test func sparseFilesCountAllocatedBlocksOnDisk() throws {
        let tree = try TemporaryTree()
        try tree.directory("owned")
        try tree.file("owned/sparse", size: 1 << 30, sparse: true)
        let tally = try walk(tree)
        #expect(tally.apparentBytes[1] == 1 << 30)
        #expect(tally.allocatedBytes[1] < 1 << 20)
        #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
    }

    @Test func hardLinksCountOnceInTheLowestSlot() throws {
        let tree = try TemporaryTree()
        try tree.directory("owned")
        try tree.directory("x")
        try tree.file("x/data", size: 100_000)
        try tree.hardLink("x/data", "x/again")
        try tree.hardLink("x/data", "owned/data")
        let tally = try walk(tree)
        #expect(tally.apparentBytes[0] == 100_000)
        #expect(tally.apparentBytes[1] == 0)
        #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
    }

    @Test func symbolicLinksAreCountedNotFollowed() throws {
        let tree = try TemporaryTree()
        try tree.directory("owned")
        try tree.symbolicLink("loop-b", at: "owned/loop-a")
        try tree.symbolicLink("loop-a", at: "owned/loop-b")
        try tree.symbolicLink("/", at: "owned/slash")
        try tree.symbolicLink("..", at: "owned/up")
        let tally = try walk(tree)
        let targets = Int64("loop-b".count + "loop-a".count + "/".count + "..".count)
        #expect(tally.apparentBytes[1] == targets)
        #expect(tally.inodes == 6)
        #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
    }

    @Test func whiteoutsAndOddNamesAreCounted() throws {
        let tree = try TemporaryTree()
        try tree.directory("owned")
        try tree.whiteout("owned/.wh.deleted")
        try tree.whiteout("owned/gone")
        try tree.file(Array("owned/new\nline \u{1B}[2J".utf8), size: 10)
        try tree.file(Array("owned/bad-".utf8) + [0xFF, 0xFE], size: 20)
        let tally = try walk(tree)
        #expect(tally.inodes == 6)
        #expect(tally.apparentBytes[1] == 30)
        #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
    }

    @Test func treesDeeperThanPathMaxAreWalkedWhole() throws {
        let tree = try TemporaryTree()
        try tree.directory("owned")
        let length = try tree.deepChain(below: "owned", component: String(repeating: "d", count: 200), depth: 40, fileSize: 3)
        #expect(length > Int(PATH_MAX))
        // A small descriptor budget makes the walk close ancestors and climb back through `..`.
        for budget in [2, 5, 64] {
            let tally = try walk(tree, workers: 1, budget: budget)
            #expect(tally.apparentBytes[1] == 40 * 3)
            #expect(tally.directories == 42)
            #expect(tally.problems.isEmpty)
            #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
        }
    }

    @Test func oneWorkerAndManyAgree() throws {
        let tree = try TemporaryTree()
        for top in 0..<8 {
            try tree.directory(top % 2 == 0 ? "owned\(top)" : "plain\(top)")
            for inner in 0..<20 {
                let directory = (top % 2 == 0 ? "owned\(top)" : "plain\(top)") + "/d\(inner)"
                try tree.directory(directory)
                for file in 0..<10 { try tree.file("\(directory)/f\(file)", size: top * 100 + inner * 10 + file) }
            }
        }
        let single = try walk(tree, workers: 1)
        for _ in 0..<3 {
            let parallel = try walk(tree, workers: 4)
            #expect(parallel.allocatedBytes == single.allocatedBytes)
            #expect(parallel.apparentBytes == single.apparentBytes)
            #expect(parallel.inodes == single.inodes)
        }
        #expect(single.allocatedBytes.reduce(0, +) == (try tree.du()))
    }

    @Test func aLongDirectoryIsSharedBetweenWorkersAndCountedOnce() throws {
        // One directory of 3,000 files (some hard-linked to each other, so both halves may see
        // one inode), with subdirectories among them: what a container filling a cache leaves.
        let tree = try TemporaryTree()
        try tree.directory("owned-cache")
        for file in 0..<3000 { try tree.file("owned-cache/f\(file)", size: file % 7 * 1000 + 1) }
        for link in 0..<40 { try tree.hardLink("owned-cache/f\(link)", "owned-cache/l\(link)") }
        for directory in 0..<12 {
            try tree.directory("owned-cache/d\(directory)")
            for file in 0..<5 { try tree.file("owned-cache/d\(directory)/g\(file)", size: 300) }
        }
        let single = try walk(tree, workers: 1)
        #expect(single.directoriesSplit == 0)
        #expect(single.allocatedBytes.reduce(0, +) == (try tree.du()))
        // Sharing at every chance splits the long directory again and again (3,000 entries down
        // to halves under 256), whatever the timing; real idle workers split it when they can.
        for (workers, eager) in [(1, true), (2, true), (2, false), (4, false)] {
            let walked = try walk(tree, workers: workers, sharingAtEveryChance: eager)
            if eager { #expect(walked.directoriesSplit >= 7, "\(workers) workers") }
            #expect(walked.allocatedBytes == single.allocatedBytes)
            #expect(walked.apparentBytes == single.apparentBytes)
            #expect(walked.inodeCounts == single.inodeCounts)
            #expect(walked.directoryCounts == single.directoryCounts)
            #expect(walked.inodes == single.inodes)
            #expect(walked.problems.isEmpty)
        }
    }

    @Test func sharingAtEveryChanceChangesNoFigure() throws {
        // Every hand-off path at once: subdirectories at every depth, long directories, hard
        // links, and a descriptor budget small enough that frames are closed and reopened.
        let tree = try TemporaryTree()
        for top in 0..<3 {
            try tree.directory("owned\(top)")
            var directory = "owned\(top)"
            for depth in 0..<6 {
                directory += "/level\(depth)"
                try tree.directory(directory)
                for file in 0..<(depth == 3 ? 600 : 20) { try tree.file("\(directory)/f\(file)", size: depth * 100 + file) }
            }
            try tree.hardLink("owned\(top)/level0/f1", "plain-link\(top)")
        }
        let single = try walk(tree, workers: 1)
        for budget in [3, 64] {
            for workers in [1, 3] {
                let eager = try walk(tree, workers: workers, budget: budget, sharingAtEveryChance: true)
                #expect(eager.directoriesSplit > 0)
                #expect(eager.allocatedBytes == single.allocatedBytes)
                #expect(eager.apparentBytes == single.apparentBytes)
                #expect(eager.inodeCounts == single.inodeCounts)
                #expect(eager.directoryCounts == single.directoryCounts)
                #expect(eager.problems.isEmpty)
            }
        }
        #expect(single.allocatedBytes.reduce(0, +) == (try tree.du()))
    }

    @Test func splittingAListingKeepsEveryNameAndMark() throws {
        let tree = try TemporaryTree()
        let names = (0..<500).map { "n\($0)" + String(repeating: "x", count: $0 % 13) }
        for name in names { try tree.file(name, size: 1) }
        let directory = try FileDescriptor.openDirectory(atPath: tree.path)
        defer { directory.close() }
        var listing = DirectoryListing()
        var scratch = [UInt8](repeating: 0, count: 4096)
        try listing.read(directory, scratch: &scratch)
        listing.handOff(400)
        let before = (0..<listing.count).map { Array(listing.name(at: $0)) }
        let tail = listing.splitOff(from: 300)
        #expect(listing.count == 300 && tail.count == 200)
        #expect((0..<300).map { Array(listing.name(at: $0)) } == Array(before[..<300]))
        #expect((0..<200).map { Array(tail.name(at: $0)) } == Array(before[300...]))
        #expect(tail.types[100] == DirectoryListing.handedOff)
        #expect(try tail.withName(at: 199) { cName, _ in String(cString: cName) } == String(decoding: before[499], as: UTF8.self))
        #expect(try listing.withName(at: 299) { cName, _ in String(cString: cName) } == String(decoding: before[299], as: UTF8.self))
        #expect(Set(before.map { String(decoding: $0, as: UTF8.self) }) == Set(names))
    }

    @Test(.enabled(if: geteuid() == 0, "mounting a tmpfs needs root"))
    func otherFilesystemsAreNotEntered() throws {
        let tree = try TemporaryTree()
        try tree.directory("owned")
        try tree.directory("owned/merged")
        try tree.file("owned/merged/below-mount", size: 4096)
        let target = tree.path + "/owned/merged"
        try #require(mount("tmpfs", target, "tmpfs", 0, "size=1m") == 0)
        defer { umount2(target, Int32(MNT_DETACH)) }
        let fd = open(target + "/inside-mount", O_WRONLY | O_CREAT, 0o644)
        _ = [UInt8](repeating: 1, count: 8192).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let tally = try walk(tree)
        #expect(tally.mountPointsSkipped == 1)
        #expect(tally.apparentBytes[1] == 0)
        #expect(tally.allocatedBytes.reduce(0, +) == (try tree.du()))
    }
}
