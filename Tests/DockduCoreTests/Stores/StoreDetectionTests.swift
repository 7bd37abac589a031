import Testing

@testable import DockduCore

/// One test per rule of moby's `determineImageStoreChoice` and of the data root's tells, each
/// with an input that the rule before it would not have decided.
@Suite struct StoreDetectionTests {
    typealias Inputs = StoreDetection.Inputs

    @Test func theFeatureSetToFalseKeepsTheGraphDriver() {
        let decision = StoreDetection.decide(Inputs(containerdSnapshotterFeature: false, containerDrivers: ["overlayfs"]))
        #expect(decision.store == .graphDriver(nil))
        #expect(decision.rule == .featureDisabled)
        #expect(decision.disagreements == ["1 containers use the snapshotter overlayfs"])
    }

    @Test func theFeatureSetToTrueChoosesContainerdOverAPriorGraphDriver() {
        let decision = StoreDetection.decide(
            Inputs(containerdSnapshotterFeature: true, nonEmptyDriverFolders: ["overlay2"], containerDrivers: ["overlay2"]))
        #expect(decision.store == .containerd(snapshotter: "overlayfs"))
        #expect(decision.rule == .featureEnabled)
        #expect(decision.disagreements.count == 2, "the overlay2 data is invisible to the containerd store")
    }

    @Test func aNonEmptyGraphDriverFolderKeepsTheGraphDriver() {
        let decision = StoreDetection.decide(Inputs(nonEmptyDriverFolders: ["overlay2"]))
        #expect(decision.store == .graphDriver("overlay2"))
        #expect(decision.rule == .priorGraphDriver)
    }

    @Test func vfsIsNotAPriorDriver() {
        // moby's scanPriorDrivers skips vfs.
        #expect(StoreDetection.decide(Inputs(nonEmptyDriverFolders: ["vfs"])).rule == .containerdByDefault)
    }

    @Test func aGraphDriverAsStorageDriverChoosesIt() {
        let decision = StoreDetection.decide(Inputs(storageDriver: "zfs"))
        #expect(decision.store == .graphDriver("zfs"))
        #expect(decision.rule == .storageDriverIsGraphDriver)
    }

    @Test func anyOtherStorageDriverIsASnapshotter() {
        let decision = StoreDetection.decide(Inputs(storageDriver: "stargz"))
        #expect(decision.store == .containerd(snapshotter: "stargz"))
        #expect(decision.rule == .storageDriverIsSnapshotter)
    }

    @Test func theEnvironmentsDriverWinsOverDaemonJSON() {
        let decision = StoreDetection.decide(Inputs(environmentDriver: "overlay2", storageDriver: "overlayfs"))
        #expect(decision.store == .graphDriver("overlay2"))
    }

    @Test func containersRecordingASnapshotterMeanContainerd() {
        let decision = StoreDetection.decide(Inputs(containerDrivers: ["overlayfs", "overlayfs"]))
        #expect(decision.store == .containerd(snapshotter: "overlayfs"))
        #expect(decision.rule == .containersUseSnapshotter)
    }

    @Test func containersRecordingAGraphDriverMeanTheGraphDriver() {
        // An older engine with no images left: overlay2/ is empty, the containers still say.
        let decision = StoreDetection.decide(Inputs(containerDrivers: ["overlay2"]))
        #expect(decision.store == .graphDriver("overlay2"))
        #expect(decision.rule == .containersUseGraphDriver)
    }

    @Test func mixedContainerDriversDecideNothingByThemselves() {
        let decision = StoreDetection.decide(Inputs(containerDrivers: ["overlay2", "overlayfs"], imageFolders: ["overlay2"]))
        #expect(decision.rule == .graphDriverImageFolder)
        #expect(decision.disagreements == ["1 containers use the snapshotter overlayfs"])
    }

    @Test func anImageDatabaseMeansTheGraphDriver() {
        let decision = StoreDetection.decide(Inputs(imageFolders: ["overlay2"]))
        #expect(decision.store == .graphDriver("overlay2"))
        #expect(decision.rule == .graphDriverImageFolder)
    }

    @Test func anEmptyRootIsContainerdByDefault() {
        let decision = StoreDetection.decide(Inputs())
        #expect(decision.store == .containerd(snapshotter: "overlayfs"))
        #expect(decision.rule == .containerdByDefault)
        #expect(decision.disagreements == [])
    }

    @Test func userNamespaceRemappingMovesTheRootAndTheNamespace() {
        #expect(StoreDetection.remappedDataRoot("/var/lib/docker", uid: 100000, gid: 100000) == "/var/lib/docker/100000.100000")
        #expect(StoreDetection.containerdNamespace(configured: nil, remappedTo: nil) == "moby")
        #expect(StoreDetection.containerdNamespace(configured: nil, remappedTo: (100000, 100001)) == "moby-100000.100001")
        #expect(StoreDetection.containerdNamespace(configured: "mine", remappedTo: (1, 1)) == "mine")
    }

    @Test func daemonJSONKeys() throws {
        let settings = try StoreSettings.parse(
            Array(
                #"{"features":{"containerd-snapshotter":true},"storage-driver":"overlayfs","userns-remap":"default","containerd":"/run/c.sock","containerd-namespace":"ns","data-root":"/d"}"#
                    .utf8))
        #expect(settings.features?["containerd-snapshotter"] == true)
        #expect(settings.storageDriver == "overlayfs")
        #expect(settings.usernsRemap == "default")
        #expect(settings.containerdAddress == "/run/c.sock")
        #expect(settings.containerdNamespace == "ns")
    }
}

@Suite struct ContainerdRootChoiceTests {
    typealias Inputs = ContainerdRootChoice.Inputs

    @Test func theEmbeddedFeatureUsesTheDataRootsOwn() {
        let choice = ContainerdRootChoice.decide(Inputs(dataRoot: "/d/", embeddedFeature: true, containerdAddress: "/run/x.sock"))
        #expect(choice.root == "/d/containerd/daemon")
        #expect(choice.rule == .embeddedFeature)
    }

    @Test func aConfiguredAddressIsTheSystemContainerd() {
        let choice = ContainerdRootChoice.decide(
            Inputs(dataRoot: "/d", containerdAddress: "/run/containerd/containerd.sock", managedRootHasMetadata: true,
                systemConfiguredRoot: "/srv/containerd"))
        #expect(choice.root == "/srv/containerd")
        #expect(choice.rule == .configuredAddress)
    }

    @Test func aManagedRootInUseIsTheDataRootsOwn() {
        let choice = ContainerdRootChoice.decide(Inputs(dataRoot: "/d/100000.100000", managedRootHasMetadata: true))
        #expect(choice.root == "/d/100000.100000/containerd/daemon")
        #expect(choice.rule == .managedRootInUse)
    }

    @Test func otherwiseTheSystemContainerdsConfiguredOrDefaultRoot() {
        #expect(ContainerdRootChoice.decide(Inputs(dataRoot: "/d")) == ("/var/lib/containerd", .systemContainerd))
        #expect(ContainerdRootChoice.decide(Inputs(dataRoot: "/d", systemConfiguredRoot: "/srv/c")).root == "/srv/c")
        #expect(ContainerdRootChoice.decide(Inputs(dataRoot: "/d", systemConfiguredRoot: "relative")).root == "/var/lib/containerd")
    }

    @Test func theTopLevelRootKeyOfConfigTOML() {
        func root(_ text: String) -> String? { ContainerdRootChoice.systemRoot(inConfig: Array(text.utf8)) }
        #expect(root("version = 2\nroot = \"/srv/containerd\"\nstate = \"/run/x\"\n") == "/srv/containerd")
        #expect(root("  root='/srv/c'  # comment\n") == "/srv/c")
        #expect(root(#"root = "/srv/a\"b""#) == #"/srv/a"b"#)
        #expect(root("rootless = true\nroot = \"/r\"") == "/r")
        #expect(root("[plugins.x]\nroot = \"/not/top/level\"") == nil, "a table's key is not containerd's root")
        #expect(root("# root = \"/commented\"\n") == nil)
        #expect(root("root = \"/unterminated\n") == nil)
        #expect(root("root = \"\\t\"") == nil, "escapes other than \\\" and \\\\ are not read")
        #expect(root("") == nil)
    }
}
