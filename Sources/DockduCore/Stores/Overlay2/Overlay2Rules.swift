/// The graphdriver store: `overlay2/` and `image/overlay2/`.
///
/// ```
/// overlay2/<cache-id>/diff          layer diff        (images)
/// overlay2/<cache-id>/…             layer rest        (images)
/// overlay2/<mount-id>[/-init]       container         (containers)
/// overlay2/<25-char snapshot>       a BuildKit record's data (buildCache), or a BuildKit orphan
///                                   when snapshots.db names it and no record uses it
/// overlay2/<anything else>          orphan
/// overlay2/l/<link>                 the layer the link points into
/// image/overlay2/layerdb/sha256/<chain>   layer rest
/// image/overlay2/layerdb/mounts/<id>      container rest
/// image/overlay2/imagedb/{content,metadata}/sha256/<id>   image metadata (images)
/// everything else, buildkit/'s own databases included     other
/// ```
enum Overlay2Rules: StoreRules {
    static func register(_ model: DataRootModel, into rules: inout OwnershipRules) {
        let other = WalkNode.owned(slot: rules.otherSlot)
        let buildKit = BuildKitDirectories(model)
        let unreferenced = unreferencedLayers(in: model)
        var overlayNodes: [[UInt8]: WalkNode] = [:]
        var layerdbSlots: [[UInt8]: WalkNode] = [:]
        var mountSlots: [[UInt8]: WalkNode] = [:]
        var imageMetadataSlots: [[UInt8]: WalkNode] = [:]
        var layerRestByCacheID: [[UInt8]: Int32] = [:]

        // Layers, in chain ID order so slot numbers do not depend on dictionary order.
        for layer in model.layers.values.sorted(by: { $0.chainID < $1.chainID }) where layer.store == .overlay2 {
            let cacheID = Array(layer.cacheID.utf8)
            let chainHex = Array(layer.chainID.utf8.dropFirst(7))
            if unreferenced.contains(layer.chainID) && buildKit.mayOwn(cacheID) {
                // A layer a build exported that no image uses any more: its directory is still a
                // BuildKit record's data (or may be, while BuildKit's metadata is unknown), and
                // the directory is left to the BuildKit rules below; its layerdb entry goes with it.
                let name = String(decoding: cacheID, as: UTF8.self)
                layerdbSlots[chainHex] = .owned(slot: buildKit.recordDirectories.contains(cacheID) ? rules.slot(.buildCacheDirectory(name: name)) : rules.slot(.buildCache))
                continue
            }
            if unreferenced.contains(layer.chainID) {
                let orphan = rules.addOrphan(Array("overlay2/".utf8) + cacheID, .unreferencedLayer)
                rules.addCompanion(Array("image/overlay2/layerdb/sha256/".utf8) + chainHex, toOrphan: rules.orphans.count - 1)
                overlayNodes[cacheID] = .owned(slot: orphan)
                layerdbSlots[chainHex] = .owned(slot: orphan)
                layerRestByCacheID[cacheID] = orphan
                continue
            }
            let diff = rules.slot(.layerDiff(chainID: layer.chainID))
            let rest = rules.slot(.layerRest(chainID: layer.chainID))
            let key = rules.cacheKey(forLayer: layer.cacheID)
            overlayNodes[cacheID] = rules.directory(LayerDirectory(diffName: "diff", diff: diff, rest: rest, cacheKey: key), slot: rest)
            layerdbSlots[chainHex] = .owned(slot: rest)
            layerRestByCacheID[cacheID] = rest
        }

        // Containers' layers; a container whose directory is gone leaves orphans behind.
        for container in model.containers.values.sorted(by: { $0.id < $1.id }) where !container.isStrayDirectory {
            let idBytes = Array(container.id.utf8)
            let layerIDs = [container.mountID, container.initID].compactMap { $0 }
            if container.hasDirectory {
                let diff = rules.slot(.containerDiff(id: container.id))
                let rest = rules.slot(.containerRest(id: container.id))
                if container.hasMountEntry { mountSlots[idBytes] = .owned(slot: rest) }
                if let mountID = container.mountID {
                    overlayNodes[Array(mountID.utf8)] = rules.directory(LayerDirectory(diffName: "diff", diff: diff, rest: rest, cacheKey: nil), slot: rest)
                    layerRestByCacheID[Array(mountID.utf8)] = rest
                }
                if let initID = container.initID {
                    overlayNodes[Array(initID.utf8)] = .owned(slot: rest)
                    layerRestByCacheID[Array(initID.utf8)] = rest
                }
            } else if container.hasMountEntry {
                for layerID in layerIDs {
                    let orphan = rules.addOrphan(Array("overlay2/".utf8) + Array(layerID.utf8), .containerLayer)
                    overlayNodes[Array(layerID.utf8)] = .owned(slot: orphan)
                    layerRestByCacheID[Array(layerID.utf8)] = orphan
                }
                mountSlots[idBytes] = .owned(slot: rules.addOrphan(Array("image/overlay2/layerdb/mounts/".utf8) + idBytes, .mountMetadata))
            }
        }

        // What is left in overlay2/: BuildKit records' data, BuildKit's leftovers, or orphans.
        let unknownBuildCache = rules.slot(.buildCache)
        for name in model.overlayDirectories where overlayNodes[name] == nil {
            let slot: Int32
            if buildKit.recordDirectories.contains(name) {
                let text = String(decoding: name, as: UTF8.self)
                slot = rules.slot(.buildCacheDirectory(name: text))
                let diff = rules.slot(.buildCacheDiff(name: text))
                overlayNodes[name] = rules.directory(LayerDirectory(diffName: "diff", diff: diff, rest: slot, cacheKey: nil), slot: slot)
                layerRestByCacheID[name] = slot
                continue
            } else if buildKit.mayOwn(name) {
                slot = unknownBuildCache
            } else if buildKit.snapshotDirectories.contains(name) {
                slot = rules.addOrphan(Array("overlay2/".utf8) + name, .buildKitSnapshot)
            } else {
                slot = rules.addOrphan(Array("overlay2/".utf8) + name, .overlayDirectory)
            }
            overlayNodes[name] = .owned(slot: slot)
            if layerRestByCacheID[name] == nil { layerRestByCacheID[name] = slot }
        }
        var orphanByDirectory: [[UInt8]: Int] = [:]
        for (index, orphan) in rules.orphans.enumerated() where orphan.base == .dataRoot && orphan.path.starts(with: "overlay2/".utf8) {
            orphanByDirectory[Array(orphan.path.dropFirst(9))] = index
        }
        var linkNodes: [[UInt8]: WalkNode] = [:]
        for (link, directory) in model.links.sorted(by: { $0.key.lexicographicallyPrecedes($1.key) }) {
            if let slot = layerRestByCacheID[directory] {
                linkNodes[link] = .owned(slot: slot)
            } else if case .owned(let slot)? = overlayNodes[directory] {
                linkNodes[link] = .owned(slot: slot)
            }
            if let index = orphanByDirectory[directory] {
                rules.addCompanion(Array("overlay2/l/".utf8) + link, toOrphan: index)
            }
        }
        for name in model.strayLayerMetadata {
            layerdbSlots[name] = .owned(slot: rules.addOrphan(Array("image/overlay2/layerdb/sha256/".utf8) + name, .layerMetadata))
        }
        for image in model.images.values.sorted(by: { $0.id < $1.id }) where image.store == .overlay2 {
            imageMetadataSlots[Array(image.id.utf8.dropFirst(7))] = .owned(slot: rules.slot(.imageMetadata(id: image.id)))
        }

        var overlayEntries = overlayNodes
        overlayEntries[Array("l".utf8)] = rules.directory(NamedEntries(linkNodes, otherwise: other), slot: rules.otherSlot)
        rules.claim("overlay2", in: .dataRoot, rules.directory(NamedEntries(overlayEntries, otherwise: .owned(slot: rules.appearedSlot)), slot: rules.otherSlot))

        let imageIDs = rules.directory(NamedEntries(imageMetadataSlots, otherwise: other), slot: rules.otherSlot)
        let imagedbKind = rules.directory(NamedEntries(named: ["sha256": imageIDs], otherwise: other), slot: rules.otherSlot)
        let imagedb = rules.directory(NamedEntries(named: ["content": imagedbKind, "metadata": imagedbKind], otherwise: other), slot: rules.otherSlot)
        let chains = rules.directory(NamedEntries(layerdbSlots, otherwise: other), slot: rules.otherSlot)
        let mounts = rules.directory(NamedEntries(mountSlots, otherwise: other), slot: rules.otherSlot)
        let layerdb = rules.directory(NamedEntries(named: ["sha256": chains, "mounts": mounts], otherwise: other), slot: rules.otherSlot)
        let imageOverlay2 = rules.directory(NamedEntries(named: ["layerdb": layerdb, "imagedb": imagedb], otherwise: other), slot: rules.otherSlot)
        rules.claim("image", in: .dataRoot, rules.directory(NamedEntries(named: ["overlay2": imageOverlay2], otherwise: other), slot: rules.otherSlot))
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
        return Set(model.layers.filter { $0.value.store == .overlay2 }.keys).subtracting(used)
    }
}

/// Which `overlay2/` directories BuildKit's databases give to a record, which they name at all,
/// and which might be a record's while the databases are unknown.
struct BuildKitDirectories {
    /// Directories holding a loadable record's data.
    var recordDirectories: Set<[UInt8]> = []
    /// Directories `snapshots.db` names (bucket keys of BuildKit's shape, `committed` values).
    var snapshotDirectories: Set<[UInt8]> = []
    var metadataComplete: Bool

    init(_ model: DataRootModel) {
        metadataComplete = model.buildCacheMetadataComplete
        guard let cache = model.buildCache else { return }
        recordDirectories = Set(cache.referencedOverlayDirectories.map { Array($0.utf8) })
        for snapshot in cache.snapshots.values {
            if let directory = snapshot.overlayDirectory { snapshotDirectories.insert(Array(directory.utf8)) }
        }
    }

    /// Whether the directory is, or (with BuildKit's metadata unknown) may be, a record's data.
    func mayOwn(_ name: [UInt8]) -> Bool {
        recordDirectories.contains(name) || (!metadataComplete && BuildKitNames.isRandomID(name))
    }
}
