import Testing
@testable import DockduCore

@Suite struct DockerNamesTests {
    let hex = String(repeating: "ab", count: 32)

    @Test func acceptsDockersShapesOnly() {
        #expect(DockerNames.isHexID(hex.utf8))
        #expect(!DockerNames.isHexID(hex.uppercased().utf8))
        #expect(!DockerNames.isHexID(String(hex.dropLast()).utf8))
        #expect(DockerNames.isDigest(("sha256:" + hex).utf8))
        #expect(!DockerNames.isDigest(("sha512:" + hex).utf8))
        #expect(DockerNames.isOverlayDirectory((hex + "-init").utf8))
        #expect(!DockerNames.isOverlayDirectory((hex + "-init/..").utf8))
        #expect(DockerNames.isLinkName("ABCDEFGHIJKLMNOPQRSTUVWXY2".utf8))
        #expect(!DockerNames.isLinkName("ABCDEFGHIJKLMNOPQRSTUVWXY/".utf8))
    }

    @Test func pathLikeValuesNeverPass() {
        for value in ["..", ".", "../../etc", "a/b", "/etc/passwd", "", "x\u{0}y", hex + "/..", "../" + hex] {
            #expect(!DockerNames.isHexID(value.utf8), "\(value)")
            #expect(!DockerNames.isOverlayDirectory(value.utf8), "\(value)")
            #expect(!DockerNames.isDigest(value.utf8), "\(value)")
            #expect(!DockerNames.isLinkName(value.utf8), "\(value)")
            #expect(!DockerNames.isSinglePathComponent(value.utf8) || !value.contains("/") && value != "." && value != ".." && !value.isEmpty && !value.contains("\u{0}"))
        }
    }

    @Test func lowerFilesAreLinksOfTheRightShape() {
        let a = "AAAAAAAAAAAAAAAAAAAAAAAAAA", b = "BBBBBBBBBBBBBBBBBBBBBBBBB2"
        #expect(DockerNames.lowerLinks("l/\(a):l/\(b)".utf8) == [Array(a.utf8), Array(b.utf8)])
        #expect(DockerNames.lowerLinks("l/\(a)\n".utf8) == [Array(a.utf8)])
        #expect(DockerNames.lowerLinks("l/../../\(a)".utf8) == nil)
        #expect(DockerNames.lowerLinks("l/\(a)::l/\(b)".utf8) == nil)
        #expect(DockerNames.lowerLinks("".utf8) == nil)
        let tooDeep = Array(repeating: "l/\(a)", count: 129).joined(separator: ":")
        #expect(DockerNames.lowerLinks(tooDeep.utf8) == nil)
        let deepest = Array(repeating: "l/\(a)", count: 128).joined(separator: ":")
        #expect(DockerNames.lowerLinks(deepest.utf8)?.count == 128)
    }

    @Test func linkTargetsPointIntoALayerDirectory() {
        #expect(DockerNames.linkTarget("../\(hex)/diff".utf8) == Array(hex.utf8))
        #expect(DockerNames.linkTarget("../\(hex)-init/diff".utf8) == Array((hex + "-init").utf8))
        #expect(DockerNames.linkTarget("../../etc/diff".utf8) == nil)
        #expect(DockerNames.linkTarget("/\(hex)/diff".utf8) == nil)
        #expect(DockerNames.linkTarget("../\(hex)/diff/..".utf8) == nil)
    }
}
