import Foundation
import Testing
@testable import DockduCore

@Suite struct PathFunctionsTests {
    @Test func whereDockduMayNotWrite() throws {
        let tree = try TemporaryTree()
        try tree.directory("root")
        try tree.directory("root/sub")
        try tree.directory("elsewhere")
        try tree.symbolicLink("root", at: "link-to-root")
        try tree.symbolicLink("root/sub", at: "link-to-sub")
        let root = tree.path + "/root"
        for inside in ["root", "root/sub", "root/sub/new/deeper/file.json", "link-to-root/x.json", "link-to-sub/not/yet", "root/./sub/../report.json"] {
            #expect(PathFunctions.isWithin(tree.path + "/" + inside, directory: root), "\(inside)")
        }
        for outside in ["elsewhere/report.json", "rootless/x", "root-other", "elsewhere/../root-twin/a"] {
            #expect(!PathFunctions.isWithin(tree.path + "/" + outside, directory: root), "\(outside)")
        }
        // The data root given through a link is the same root.
        #expect(PathFunctions.isWithin(root + "/a", directory: tree.path + "/link-to-root"))
    }

    @Test func mountinfoEscapesAreDecoded() {
        #expect(PathFunctions.decodeOctalEscapes(Array(#"/var/lib/docker/with\040space\012nl\134"#.utf8)) == Array("/var/lib/docker/with space\nnl\\".utf8))
        #expect(PathFunctions.decodeOctalEscapes(Array(#"/plain\04"#.utf8)) == Array(#"/plain\04"#.utf8))
        #expect(PathFunctions.mountPoints().contains(Array("/".utf8)))
    }
}
