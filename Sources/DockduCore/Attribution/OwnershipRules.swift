/// Decides, from a ``DataRootModel``, which slot owns each entry near the top of a data root.
///
/// The layout it knows:
/// ```
/// overlay2/<cache-id>/diff          layer diff        (images)
/// overlay2/<cache-id>/…             layer rest        (images)
/// overlay2/<mount-id>[/-init]       container         (containers)
/// overlay2/<25-char snapshot>       BuildKit          (buildCache)
/// overlay2/<anything else>          orphan
/// overlay2/l/<link>                 the layer the link points into
/// containers/<id>/<id>-json.log*    logs, also local-logs/ and container-cached.log*
/// containers/<id>/…                 container
/// volumes/<name>/_data              volume
/// image/overlay2/layerdb/sha256/<chain>   layer rest
/// image/overlay2/layerdb/mounts/<id>      container rest
/// image/overlay2/imagedb/{content,metadata}/sha256/<id>   image metadata (images)
/// everything else, buildkit/'s own databases included     other
/// ```
public struct OwnershipRules: WalkClassifier {
    /// Every slot's owner; a slot's number is its index.
    public private(set) var slots: [SlotOwner] = []
    public private(set) var orphans: [OrphanCandidate] = []
    /// Cache IDs of image layers, indexed by the key of their ``WalkNode/cacheable(slot:key:)``.
    public private(set) var layerCacheIDs: [String] = []

    private enum Branch: Sendable {
        case root, overlay2, links, image, imageOverlay2, layerdb, layerdbChains, layerdbMounts, containers, volumes
        case imagedb, imagedbKind, imagedbIDs
        /// `cacheKey` for an image layer, whose `diff` never changes once committed.
        case layerDirectory(diff: Int32, rest: Int32, cacheKey: Int32?)
        case containerDirectory(id: [UInt8], rest: Int32, logs: Int32)
        case volumeDirectory(data: Int32, rest: Int32)
    }

    private var branches: [Branch] = []
    private var overlayNodes: [[UInt8]: WalkNode] = [:]
    private var linkSlots: [[UInt8]: Int32] = [:]
    private var containerNodes: [[UInt8]: WalkNode] = [:]
    private var volumeNodes: [[UInt8]: WalkNode] = [:]
    private var layerdbSlots: [[UInt8]: Int32] = [:]
    private var mountSlots: [[UInt8]: Int32] = [:]
    private var imageMetadataSlots: [[UInt8]: Int32] = [:]
    private var slotNumbers: [SlotOwner: Int32] = [:]
    private var otherSlot: Int32 = 0
    private var appearedSlot: Int32 = 0
    private var buildCacheSlot: Int32 = 0

    public var slotCount: Int { slots.count }
    public var rootNode: WalkNode { .branch(0, slot: otherSlot) }

    /// The slot of `owner`, if the rules have one.
    public func slot(of owner: SlotOwner) -> Int? { slotNumbers[owner].map(Int.init) }

    public init(model: DataRootModel) {
        otherSlot = slot(.other)
        appearedSlot = slot(.appeared)
        buildCacheSlot = slot(.buildCache)
        for branch in [Branch.root, .overlay2, .links, .image, .imageOverlay2, .layerdb, .layerdbChains, .layerdbMounts, .containers, .volumes, .imagedb, .imagedbKind, .imagedbIDs] {
            branches.append(branch)
        }
        let unreferenced = Self.unreferencedLayers(in: model)

        // Layers, in chain ID order so slot numbers do not depend on dictionary order.
        var layerRestByCacheID: [[UInt8]: Int32] = [:]
        for layer in model.layers.values.sorted(by: { $0.chainID < $1.chainID }) {
            let cacheID = Array(layer.cacheID.utf8)
            let chainHex = Array(layer.chainID.utf8.dropFirst(7))
            if unreferenced.contains(layer.chainID) {
                let orphan = addOrphan(Array("overlay2/".utf8) + cacheID, .unreferencedLayer)
                orphans[orphans.count - 1].companions.append(Array("image/overlay2/layerdb/sha256/".utf8) + chainHex)
                overlayNodes[cacheID] = .owned(slot: orphan)
                layerdbSlots[chainHex] = orphan
                layerRestByCacheID[cacheID] = orphan
                continue
            }
            let diff = slot(.layerDiff(chainID: layer.chainID))
            let rest = slot(.layerRest(chainID: layer.chainID))
            layerCacheIDs.append(layer.cacheID)
            let key = Int32(layerCacheIDs.count - 1)
            overlayNodes[cacheID] = directoryBranch(.layerDirectory(diff: diff, rest: rest, cacheKey: key), slot: rest)
            layerdbSlots[chainHex] = rest
            layerRestByCacheID[cacheID] = rest
        }

        // Containers: a container whose directory is gone leaves orphans behind.
        for container in model.containers.values.sorted(by: { $0.id < $1.id }) {
            let idBytes = Array(container.id.utf8)
            let layerIDs = [container.mountID, container.initID].compactMap { $0 }
            if container.isStrayDirectory {
                containerNodes[idBytes] = .owned(slot: addOrphan(Array("containers/".utf8) + idBytes, .containerDirectory))
            } else if container.hasDirectory {
                let diff = slot(.containerDiff(id: container.id))
                let rest = slot(.containerRest(id: container.id))
                let logs = slot(.containerLogs(id: container.id))
                containerNodes[idBytes] = directoryBranch(.containerDirectory(id: idBytes, rest: rest, logs: logs), slot: rest)
                if container.hasMountEntry { mountSlots[idBytes] = rest }
                if let mountID = container.mountID {
                    overlayNodes[Array(mountID.utf8)] = directoryBranch(.layerDirectory(diff: diff, rest: rest, cacheKey: nil), slot: rest)
                    layerRestByCacheID[Array(mountID.utf8)] = rest
                }
                if let initID = container.initID {
                    overlayNodes[Array(initID.utf8)] = .owned(slot: rest)
                    layerRestByCacheID[Array(initID.utf8)] = rest
                }
            } else {
                for layerID in layerIDs {
                    let orphan = addOrphan(Array("overlay2/".utf8) + Array(layerID.utf8), .containerLayer)
                    overlayNodes[Array(layerID.utf8)] = .owned(slot: orphan)
                    layerRestByCacheID[Array(layerID.utf8)] = orphan
                }
                mountSlots[idBytes] = addOrphan(Array("image/overlay2/layerdb/mounts/".utf8) + idBytes, .mountMetadata)
            }
        }

        // What is left in overlay2/: BuildKit's snapshots, or orphans.
        for name in model.overlayDirectories where overlayNodes[name] == nil {
            if model.buildKitSnapshots.contains(name) {
                overlayNodes[name] = .owned(slot: buildCacheSlot)
            } else {
                overlayNodes[name] = .owned(slot: addOrphan(Array("overlay2/".utf8) + name, .overlayDirectory))
            }
        }
        for name in model.buildKitSnapshots { layerRestByCacheID[name] = buildCacheSlot }
        var orphanByDirectory: [[UInt8]: Int] = [:]
        for (index, orphan) in orphans.enumerated() where orphan.path.starts(with: "overlay2/".utf8) {
            orphanByDirectory[Array(orphan.path.dropFirst(9))] = index
        }
        for (link, directory) in model.links.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if let slot = layerRestByCacheID[directory] {
                linkSlots[link] = slot
            } else if case .owned(let slot)? = overlayNodes[directory] {
                linkSlots[link] = slot
            }
            if let index = orphanByDirectory[directory] {
                orphans[index].companions.append(Array("overlay2/l/".utf8) + link)
            }
        }
        for name in model.strayLayerMetadata {
            layerdbSlots[name] = addOrphan(Array("image/overlay2/layerdb/sha256/".utf8) + name, .layerMetadata)
        }

        for image in model.images.values.sorted(by: { $0.id < $1.id }) {
            imageMetadataSlots[Array(image.id.utf8.dropFirst(7))] = slot(.imageMetadata(id: image.id))
        }
        for volume in model.volumes.values.sorted(by: { $0.name < $1.name }) {
            let data = slot(.volumeData(name: volume.name))
            let rest = slot(.volumeRest(name: volume.name))
            volumeNodes[Array(volume.name.utf8)] = directoryBranch(.volumeDirectory(data: data, rest: rest), slot: rest)
        }
    }

    public func child(ofBranch branch: Int32, named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        let other = WalkNode.owned(slot: otherSlot)
        switch branches[Int(branch)] {
        case .root:
            if name.elementsEqual("overlay2".utf8) { return .branch(1, slot: otherSlot) }
            if name.elementsEqual("image".utf8) { return .branch(3, slot: otherSlot) }
            if name.elementsEqual("containers".utf8) { return .branch(8, slot: otherSlot) }
            if name.elementsEqual("volumes".utf8) { return .branch(9, slot: otherSlot) }
            return other
        case .overlay2:
            if name.elementsEqual("l".utf8) { return .branch(2, slot: otherSlot) }
            return overlayNodes[Array(name)] ?? .owned(slot: appearedSlot)
        case .links:
            return linkSlots[Array(name)].map { .owned(slot: $0) } ?? other
        case .image:
            return name.elementsEqual("overlay2".utf8) ? .branch(4, slot: otherSlot) : other
        case .imageOverlay2:
            if name.elementsEqual("layerdb".utf8) { return .branch(5, slot: otherSlot) }
            if name.elementsEqual("imagedb".utf8) { return .branch(10, slot: otherSlot) }
            return other
        case .imagedb:
            let kind = name.elementsEqual("content".utf8) || name.elementsEqual("metadata".utf8)
            return kind ? .branch(11, slot: otherSlot) : other
        case .imagedbKind:
            return name.elementsEqual("sha256".utf8) ? .branch(12, slot: otherSlot) : other
        case .imagedbIDs:
            return imageMetadataSlots[Array(name)].map { .owned(slot: $0) } ?? other
        case .layerdb:
            if name.elementsEqual("sha256".utf8) { return .branch(6, slot: otherSlot) }
            if name.elementsEqual("mounts".utf8) { return .branch(7, slot: otherSlot) }
            return other
        case .layerdbChains:
            return layerdbSlots[Array(name)].map { .owned(slot: $0) } ?? other
        case .layerdbMounts:
            return mountSlots[Array(name)].map { .owned(slot: $0) } ?? other
        case .containers:
            return containerNodes[Array(name)] ?? .owned(slot: appearedSlot)
        case .volumes:
            return volumeNodes[Array(name)] ?? other
        case .layerDirectory(let diff, let rest, let cacheKey):
            guard name.elementsEqual("diff".utf8) else { return .owned(slot: rest) }
            return cacheKey.map { .cacheable(slot: diff, key: $0) } ?? .owned(slot: diff)
        case .containerDirectory(let id, let rest, let logs):
            return .owned(slot: ContainerLogFiles.isLog(name, containerID: id) ? logs : rest)
        case .volumeDirectory(let data, let rest):
            return .owned(slot: name.elementsEqual("_data".utf8) ? data : rest)
        }
    }

    // MARK: building

    private mutating func slot(_ owner: SlotOwner) -> Int32 {
        if let existing = slotNumbers[owner] { return existing }
        let number = Int32(slots.count)
        slots.append(owner)
        slotNumbers[owner] = number
        return number
    }

    private mutating func addOrphan(_ path: [UInt8], _ kind: OrphanKind) -> Int32 {
        orphans.append(OrphanCandidate(path: path, kind: kind))
        return slot(.orphan(index: orphans.count - 1))
    }

    private mutating func directoryBranch(_ branch: Branch, slot: Int32) -> WalkNode {
        branches.append(branch)
        return .branch(Int32(branches.count - 1), slot: slot)
    }

    /// Layers no image (listed or not) and no container stands on.
    static func unreferencedLayers(in model: DataRootModel) -> Set<String> {
        // A layer looks unreferenced when whatever references it could not be read.
        guard model.imageMetadataComplete, model.layerMetadataComplete, model.containerMetadataComplete else { return [] }
        var used = Set<String>()
        for image in model.images.values { used.formUnion(image.chainIDs) }
        for container in model.containers.values {
            var next = container.parentChainID
            while let chainID = next, used.insert(chainID).inserted {
                next = model.layers[chainID]?.parent
            }
        }
        return Set(model.layers.keys).subtracting(used)
    }
}
