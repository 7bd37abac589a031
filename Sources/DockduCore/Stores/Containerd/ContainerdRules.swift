/// The containerd store's share of the rules, for the containerd root (``RootName/containerd``):
///
/// ```
/// io.containerd.snapshotter.v1.overlayfs/snapshots/<n>/fs   layer diff, or a container's writable layer
/// io.containerd.snapshotter.v1.overlayfs/snapshots/<n>/…    layer rest (work/), container rest
/// io.containerd.snapshotter.v1.overlayfs/snapshots/<n>      an `<id>-init`: container rest
///                                                           `extract-*`, `new-*`: in progress
///                                                           held by containerd for others: other
///                                                           nothing names it: orphan
/// io.containerd.content.v1.content/blobs/sha256/<hex>       an image's blob (images), or orphan
/// io.containerd.content.v1.content/ingest/                  downloads in progress
/// everything else (the databases, other plugins' folders)   other
/// ```
/// Docker's own `containers/` and `volumes/` are ``DockerRootRules``'.
enum ContainerdRules: StoreRules {
    static func register(_ model: DataRootModel, into rules: inout OwnershipRules) {
        guard let store = model.containerd else { return }
        let other = WalkNode.owned(slot: rules.otherSlot)
        let inProgress = rules.slot(.inProgress)
        let held = rules.slot(.heldByContainerd)
        let snapshotsPrefix = ContainerdStoreModel.snapshotsPath.joined(separator: "/") + "/"

        var snapshotNodes: [[UInt8]: WalkNode] = [:]
        for (name, role) in store.snapshotDirectories.sorted(by: { $0.key < $1.key }) {
            let node: WalkNode
            switch role {
            case .imageLayer(let chainID):
                let diff = rules.slot(.layerDiff(chainID: chainID))
                let rest = rules.slot(.layerRest(chainID: chainID))
                node = rules.directory(LayerDirectory(diffName: "fs", diff: diff, rest: rest, cacheKey: nil), slot: rest)
            case .containerLayer(let id):
                let rest = rules.slot(.containerRest(id: id))
                node = rules.directory(LayerDirectory(diffName: "fs", diff: rules.slot(.containerDiff(id: id)), rest: rest, cacheKey: nil), slot: rest)
            case .containerInit(let id):
                node = .owned(slot: rules.slot(.containerRest(id: id)))
            case .inProgress:
                node = .owned(slot: inProgress)
            case .held:
                node = .owned(slot: held)
            case .unreferenced(let key):
                node = .owned(slot: rules.addOrphan(Array((snapshotsPrefix + name).utf8), .unreferencedSnapshot, base: .containerd, storeKey: key))
            case .unknownDirectory:
                node = .owned(slot: rules.addOrphan(Array((snapshotsPrefix + name).utf8), .snapshotDirectory, base: .containerd))
            }
            snapshotNodes[Array(name.utf8)] = node
        }
        let snapshots = rules.directory(NamedEntries(snapshotNodes, otherwise: .owned(slot: rules.appearedSlot)), slot: rules.otherSlot)
        rules.claim(OverlayfsMetadata.folder, in: .containerd, rules.directory(NamedEntries(named: ["snapshots": snapshots], otherwise: other), slot: rules.otherSlot))

        let blobsPrefix = ContainerdStoreModel.blobsPath.joined(separator: "/") + "/"
        var blobNodes: [[UInt8]: WalkNode] = [:]
        for (name, role) in store.blobFiles.sorted(by: { $0.key < $1.key }) {
            switch role {
            case .image(let digest): blobNodes[Array(name.utf8)] = .owned(slot: rules.slot(.contentBlob(digest: digest)))
            case .held: blobNodes[Array(name.utf8)] = .owned(slot: held)
            case .unreferenced(let digest): blobNodes[Array(name.utf8)] = .owned(slot: rules.addOrphan(Array((blobsPrefix + name).utf8), .unreferencedBlob, base: .containerd, storeKey: digest))
            case .unlisted: blobNodes[Array(name.utf8)] = .owned(slot: rules.addOrphan(Array((blobsPrefix + name).utf8), .unlistedBlob, base: .containerd))
            }
        }
        let sha256 = rules.directory(NamedEntries(blobNodes, otherwise: .owned(slot: rules.appearedSlot)), slot: rules.otherSlot)
        let blobs = rules.directory(NamedEntries(named: ["sha256": sha256], otherwise: other), slot: rules.otherSlot)
        rules.claim(ContainerdStoreModel.contentFolder, in: .containerd, rules.directory(NamedEntries(named: ["blobs": blobs, "ingest": .owned(slot: inProgress)], otherwise: other), slot: rules.otherSlot))
        // The root itself, even when nothing above was found.
        rules.claim("io.containerd.metadata.v1.bolt", in: .containerd, other)
    }
}

extension RootName {
    /// The containerd root of Docker's containerd image store.
    public static let containerd = RootName(rawValue: "containerd")
}
