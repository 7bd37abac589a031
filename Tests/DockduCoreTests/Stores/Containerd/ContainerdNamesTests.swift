import Testing

@testable import DockduCore

@Suite struct ContainerdNamesTests {
    @Test func identifiersAreContainerdsShape() {
        for good in ["moby", "plugins.moby", "moby-100000.100000", "a", "rig_a", String(repeating: "a", count: 76)] {
            #expect(ContainerdNames.isIdentifier(good.utf8), "\(good)")
        }
        for bad in ["", "-moby", "moby.", "a..b", "a/b", "..", ".", "a b", "é", String(repeating: "a", count: 77)] {
            #expect(!ContainerdNames.isIdentifier(bad.utf8), "\(bad)")
        }
    }

    @Test func backendNamesSplitAtTheFirstTwoSlashes() {
        let name = BackendSnapshotName("moby/12/extract-1 sha256:ab/cd")
        #expect(name == BackendSnapshotName(namespace: "moby", sequence: 12, key: "extract-1 sha256:ab/cd"))
        #expect(name?.description == "moby/12/extract-1 sha256:ab/cd")
        for bad in ["moby", "moby/12", "moby/12/", "moby/x/key", "moby/012/key", "moby//key", "../1/key", "/1/key",
            "moby/99999999999999999999999/key"]
        {
            #expect(BackendSnapshotName(bad) == nil, "\(bad)")
        }
    }

    @Test func snapshotDirectoriesAreDecimalIDs() {
        let snapshot = OverlayfsSnapshot(
            name: BackendSnapshotName(namespace: "moby", sequence: 3, key: "k"), id: 42, kind: .committed)
        #expect(snapshot.directoryName == "42")
        #expect(snapshot.directoryPath == ["io.containerd.snapshotter.v1.overlayfs", "snapshots", "42"])
    }
}
