/// What the operator said about the image stores (`--containerd-root`, `--containerd-namespace`)
/// and the daemon's settings, when dockdu read them.
public struct StoreOptions: Sendable, Equatable {
    /// `--containerd-root`: read this containerd root, whatever the detection says.
    public var containerdRoot: String?
    /// `--containerd-namespace` (default: daemon.json's `containerd-namespace`, else `moby`).
    public var containerdNamespace: String?
    /// daemon.json's store settings, when it was read.
    public var settings: StoreSettings?
    /// Where a system containerd keeps its config (`root = …`); nil to not consult one.
    public var systemContainerdConfig: String? = ContainerdRootChoice.systemConfigPath

    public init(containerdRoot: String? = nil, containerdNamespace: String? = nil, settings: StoreSettings? = nil) {
        self.containerdRoot = containerdRoot
        self.containerdNamespace = containerdNamespace
        self.settings = settings
    }
}

/// The containerd root a scan reads, when it reads one.
struct ContainerdRootToRead: Sendable, Equatable {
    var path: String
    var namespace: String
    var snapshotter: String
}

/// Decides which stores a data root uses (``StoreDetection``, ``ContainerdRootChoice``), records
/// them with their rules in the model, and says which containerd root to read.
struct StoreChoice {
    var options: StoreOptions
    var dataRoot: String
    var files: DataRootFiles

    func decide(into model: inout DataRootModel) -> ContainerdRootToRead? {
        let settings = options.settings
        let topEntries = (try? files.list([])) ?? []
        var nonEmpty = Set<String>()
        for entry in topEntries {
            let name = String(decoding: entry, as: UTF8.self)
            guard StoreDetection.graphDrivers.contains(name), let names = try? files.list([name]) else { continue }
            if !names.isEmpty { nonEmpty.insert(name) }
        }
        let imageFolders = Set(((try? files.list(["image"])) ?? []).map { String(decoding: $0, as: UTF8.self) })
        let inputs = StoreDetection.Inputs(
            containerdSnapshotterFeature: settings?.features?["containerd-snapshotter"], storageDriver: settings?.storageDriver,
            nonEmptyDriverFolders: nonEmpty, containerDrivers: model.containers.values.sorted { $0.id < $1.id }.compactMap { $0.config?.driver },
            imageFolders: imageFolders)
        let decision = StoreDetection.decide(inputs)
        let graphInUse: Bool
        switch decision.store {
        case .graphDriver: graphInUse = true
        case .containerd: graphInUse = !nonEmpty.isEmpty || !imageFolders.isEmpty
        }
        if graphInUse {
            let rule: String
            if case .graphDriver = decision.store { rule = decision.rule.rawValue } else { rule = "the data root still holds a graph driver's data: \(decision.disagreements.joined(separator: "; "))" }
            model.stores.append(StoreFinding(name: .overlay2, root: dataRoot, rule: rule))
        }

        let namespace = options.containerdNamespace ?? StoreDetection.containerdNamespace(configured: settings?.containerdNamespace, remappedTo: nil)
        let snapshotter: String
        if case .containerd(let name) = decision.store { snapshotter = name } else { snapshotter = StoreDetection.defaultSnapshotter }
        if let explicit = options.containerdRoot {
            let path = PathFunctions.canonical(explicit) ?? explicit
            model.stores.append(StoreFinding(name: .containerd, root: path, rule: "--containerd-root", namespace: namespace, snapshotter: snapshotter, notes: decision.disagreements.isEmpty ? nil : decision.disagreements))
            return ContainerdRootToRead(path: path, namespace: namespace, snapshotter: snapshotter)
        }
        guard case .containerd = decision.store else { return nil }
        let managed = ([dataRoot] + ContainerdRootChoice.managedRootPath + ContainerdStoreModel.metadataPath).joined(separator: "/")
        let configured = options.systemContainerdConfig.flatMap { try? FileDescriptor.readRegularFile(atPath: $0, limit: 1 << 20) }.flatMap(ContainerdRootChoice.systemRoot(inConfig:))
        let choice = ContainerdRootChoice.decide(ContainerdRootChoice.Inputs(
            dataRoot: dataRoot, embeddedFeature: settings?.features?["embedded-containerd"], containerdAddress: settings?.containerdAddress,
            managedRootHasMetadata: FileStatus.exists(atPath: managed), systemConfiguredRoot: configured))
        let path = PathFunctions.canonical(choice.root) ?? choice.root
        // Docker 29's default, decided on nothing at all, is only believed when the store is there.
        if decision.rule == .containerdByDefault && !FileStatus.exists(atPath: ([path] + ContainerdStoreModel.metadataPath).joined(separator: "/")) {
            return nil
        }
        model.stores.append(StoreFinding(
            name: .containerd, root: path, rule: decision.rule.rawValue + "; root: " + choice.rule.rawValue, namespace: namespace,
            snapshotter: snapshotter, notes: decision.disagreements.isEmpty ? nil : decision.disagreements))
        return ContainerdRootToRead(path: path, namespace: namespace, snapshotter: snapshotter)
    }
}
