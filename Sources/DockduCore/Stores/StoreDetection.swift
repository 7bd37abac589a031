/// Which image store a Docker data root uses: the classic graph driver (`overlay2/`, `image/`)
/// or containerd's (images and layers under a containerd root), decided from plain inputs that
/// the caller read, with the rule that decided.
///
/// The configuration rules are moby's `determineImageStoreChoice` (`daemon/image_store_choice.go`,
/// Docker 29), checked in its source, in its order, for Linux:
/// 1. `features."containerd-snapshotter"` in daemon.json: false → graph driver, true → containerd;
/// 2. with the feature unset, a non-empty folder of a registered graph driver other than `vfs`
///    in the data root (`graphdriver.HasPriorDriver`, `scanPriorDrivers`) keeps the graph driver;
/// 3. a storage driver (`$DOCKER_DRIVER`, else daemon.json `storage-driver`) that is a registered
///    graph driver → graph driver; any other name is taken as a containerd snapshotter;
/// 4. otherwise containerd, Docker 29's default (`imageStoreChoiceContainerd`).
///
/// Rule 4 is only right for Docker 29 and later; older engines default to overlay2. So before it,
/// the data root's own tells are asked: the `Driver` that `containers/*/config.v2.json` records
/// (`overlayfs` for containerd's snapshotter, `overlay2` for the graph driver) and an `image/<driver>/`
/// folder, which only the graph driver writes. Tells that disagree with a configured choice (say,
/// overlay2 containers left from before the switch) are reported beside the decision.
///
/// With `userns-remap` the daemon works in `<data-root>/<uid>.<gid>` (moby `setupDaemonRoot`, called
/// before the choice and before the managed containerd's root is set): pass that folder's
/// contents, and see ``remappedDataRoot(_:uid:gid:)``.
public enum StoreDetection {
    /// Graph drivers registered on Linux (moby `daemon/graphdriver/*`, `graphdriver.Register`).
    public static let graphDrivers: Set<String> = ["btrfs", "fuse-overlayfs", "overlay2", "vfs", "zfs"]
    /// containerd's default snapshotter on Linux (`defaults.DefaultSnapshotter`).
    public static let defaultSnapshotter = "overlayfs"

    /// What the caller read from daemon.json, the environment and the data root.
    public struct Inputs: Sendable, Equatable {
        /// daemon.json `features."containerd-snapshotter"`, when set.
        public var containerdSnapshotterFeature: Bool?
        /// `$DOCKER_DRIVER` of the daemon, when known; it wins over ``storageDriver``.
        public var environmentDriver: String?
        /// daemon.json `storage-driver`.
        public var storageDriver: String?
        /// Entries of the data root named like a graph driver that are non-empty directories.
        public var nonEmptyDriverFolders: Set<String>
        /// `Driver` of each `containers/*/config.v2.json` that could be read.
        public var containerDrivers: [String]
        /// Names of the folders under `image/` (`overlay2` when the graph driver kept images).
        public var imageFolders: Set<String>

        public init(
            containerdSnapshotterFeature: Bool? = nil, environmentDriver: String? = nil, storageDriver: String? = nil,
            nonEmptyDriverFolders: Set<String> = [], containerDrivers: [String] = [], imageFolders: Set<String> = []
        ) {
            self.containerdSnapshotterFeature = containerdSnapshotterFeature
            self.environmentDriver = environmentDriver
            self.storageDriver = storageDriver
            self.nonEmptyDriverFolders = nonEmptyDriverFolders
            self.containerDrivers = containerDrivers
            self.imageFolders = imageFolders
        }
    }

    public enum Store: Sendable, Equatable {
        /// The graph driver, by name when the inputs say which.
        case graphDriver(String?)
        /// containerd's image store with this snapshotter.
        case containerd(snapshotter: String)
    }

    /// The rule that decided, in the order they are tried.
    public enum Rule: String, Sendable, Equatable, Codable {
        case featureDisabled = "features.containerd-snapshotter is false"
        case featureEnabled = "features.containerd-snapshotter is true"
        case priorGraphDriver = "a graph driver's folder in the data root is not empty"
        case storageDriverIsGraphDriver = "the storage driver is a graph driver"
        case storageDriverIsSnapshotter = "the storage driver is not a graph driver, so a snapshotter"
        case containersUseSnapshotter = "containers record a containerd snapshotter as their driver"
        case containersUseGraphDriver = "containers record a graph driver as their driver"
        case graphDriverImageFolder = "image/ holds a graph driver's image database"
        case containerdByDefault = "nothing is configured or on disk: Docker 29's default"
    }

    public struct Decision: Sendable, Equatable {
        public var store: Store
        public var rule: Rule
        /// Tells of the data root that point the other way: data the chosen store does not see.
        public var disagreements: [String]
    }

    /// Decides which store the data root uses. See the type's comment for the rules.
    public static func decide(_ inputs: Inputs) -> Decision {
        let driver = [inputs.environmentDriver, inputs.storageDriver].compactMap { $0 }.first { !$0.isEmpty }
        let priorDrivers = inputs.nonEmptyDriverFolders.subtracting(["vfs"]).intersection(graphDrivers).sorted()
        let snapshotter = driver.flatMap { graphDrivers.contains($0) ? nil : $0 } ?? defaultSnapshotter
        let decided: (Store, Rule)
        switch inputs.containerdSnapshotterFeature {
        case false?:
            decided = (.graphDriver(driver ?? priorDrivers.first), .featureDisabled)
        case true?:
            decided = (.containerd(snapshotter: snapshotter), .featureEnabled)
        case nil:
            if let prior = priorDrivers.first {
                decided = (.graphDriver(driver.flatMap { graphDrivers.contains($0) ? $0 : nil } ?? prior), .priorGraphDriver)
            } else if let driver {
                decided =
                    graphDrivers.contains(driver)
                    ? (.graphDriver(driver), .storageDriverIsGraphDriver)
                    : (.containerd(snapshotter: driver), .storageDriverIsSnapshotter)
            } else {
                decided = fromTells(inputs) ?? (.containerd(snapshotter: defaultSnapshotter), .containerdByDefault)
            }
        }
        return Decision(store: decided.0, rule: decided.1, disagreements: disagreements(with: decided.0, inputs))
    }

    /// The data root's own tells, when they agree with each other.
    private static func fromTells(_ inputs: Inputs) -> (Store, Rule)? {
        let recorded = Set(inputs.containerDrivers.filter { !$0.isEmpty })
        if !recorded.isEmpty && recorded.isDisjoint(with: graphDrivers) {
            return (.containerd(snapshotter: recorded.sorted()[0]), .containersUseSnapshotter)
        }
        if !recorded.isEmpty && recorded.isSubset(of: graphDrivers) {
            return (.graphDriver(recorded.sorted()[0]), .containersUseGraphDriver)
        }
        if let folder = inputs.imageFolders.intersection(graphDrivers).sorted().first {
            return (.graphDriver(folder), .graphDriverImageFolder)
        }
        return nil
    }

    private static func disagreements(with store: Store, _ inputs: Inputs) -> [String] {
        var notes: [String] = []
        let drivers = inputs.containerDrivers
        switch store {
        case .containerd:
            let classic = drivers.filter { graphDrivers.contains($0) }
            if !classic.isEmpty { notes.append("\(classic.count) containers use the graph driver \(Set(classic).sorted().joined(separator: ", "))") }
            let folders = inputs.nonEmptyDriverFolders.intersection(graphDrivers).sorted()
            if !folders.isEmpty { notes.append("graph driver folders are not empty: \(folders.joined(separator: ", "))") }
        case .graphDriver:
            let snapshotters = drivers.filter { !$0.isEmpty && !graphDrivers.contains($0) }
            if !snapshotters.isEmpty {
                notes.append("\(snapshotters.count) containers use the snapshotter \(Set(snapshotters).sorted().joined(separator: ", "))")
            }
        }
        return notes
    }

    /// The folder a daemon with `userns-remap` works in: `<data-root>/<uid>.<gid>` (moby
    /// `setupDaemonRoot`), for the remapped root's first subordinate uid and gid.
    public static func remappedDataRoot(_ dataRoot: String, uid: UInt32, gid: UInt32) -> String {
        (dataRoot.hasSuffix("/") ? dataRoot : dataRoot + "/") + "\(uid).\(gid)"
    }

    /// The containerd namespace Docker uses: `containerd-namespace` when set, else `moby`, with
    /// `-<uid>.<gid>` added under userns-remap (moby `RemapContainerdNamespaces`).
    public static func containerdNamespace(configured: String?, remappedTo ids: (uid: UInt32, gid: UInt32)?) -> String {
        if let configured, !configured.isEmpty { return configured }
        guard let ids else { return "moby" }
        return "moby-\(ids.uid).\(ids.gid)"
    }
}
