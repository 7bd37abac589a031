/// Measuring only what an answer needs: the directories and files of a few slots, each walked
/// with the full scan's rules, so every byte lands in the slot the full scan would give it.
extension WhyContext {
    /// Where a slot's inodes are, relative to the data root: its overlay2 directories and `l/`
    /// links, its layerdb entry, `containers/<id>`, `volumes/<name>`, its imagedb files.
    func paths(of owner: SlotOwner) -> [[[UInt8]]] {
        let overlay2 = Array("overlay2".utf8)
        func directoryAndLinks(_ name: String) -> [[[UInt8]]] {
            let bytes = Array(name.utf8)
            return [[overlay2, bytes]] + (linksByDirectory[bytes] ?? []).map { [overlay2, Array("l".utf8), $0] }
        }
        func components(_ path: String) -> [[UInt8]] { path.split(separator: "/").map { Array($0.utf8) } }
        switch owner {
        case .layerDiff(let chainID), .layerRest(let chainID):
            guard let layer = model.layers[chainID], layer.store == .overlay2 else { return [] }
            return directoryAndLinks(layer.cacheID) + [components("image/overlay2/layerdb/sha256/" + chainID.dropFirst(7))]
        case .containerDiff(let id), .containerRest(let id), .containerLogs(let id):
            guard let container = model.containers[id] else { return [] }
            let layers = [container.mountID, container.initID].compactMap { $0 }.flatMap(directoryAndLinks)
            return layers + [components("containers/" + id), components("image/overlay2/layerdb/mounts/" + id)]
        case .imageMetadata(let id):
            let hex = String(id.dropFirst(7))
            return [components("image/overlay2/imagedb/content/sha256/" + hex), components("image/overlay2/imagedb/metadata/sha256/" + hex)]
        case .volumeData(let name), .volumeRest(let name):
            return [[Array("volumes".utf8), Array(name.utf8)]]
        case .buildCacheDirectory(let name), .buildCacheDiff(let name):
            let exported = model.layers.values.filter { $0.cacheID == name }.map { components("image/overlay2/layerdb/sha256/" + $0.chainID.dropFirst(7)) }
            return directoryAndLinks(name) + exported
        case .orphan(let index):
            let orphan = rules.orphans[index]
            guard orphan.base == .dataRoot else { return [] }
            return ([orphan.path] + orphan.companions).map { $0.split(separator: 0x2F).map(Array.init) }
        case .other, .appeared, .buildCache, .contentBlob, .inProgress, .heldByContainerd:
            return []
        }
    }

    /// The tally of every slot in `owners`, each inode once across all of them (the lowest slot
    /// that reaches it, as the full scan does among the paths walked here).
    mutating func measure(_ owners: [SlotOwner]) -> WalkTally {
        if let fullTally { return fullTally }
        var seen = Set<[[UInt8]]>()
        var paths: [[[UInt8]]] = []
        for owner in owners {
            for path in self.paths(of: owner) where seen.insert(path).inserted { paths.append(path) }
        }
        var tally = WalkTally(slotCount: rules.slotCount)
        for path in paths.sorted(by: { Self.joined($0).lexicographicallyPrecedes(Self.joined($1)) }) {
            if let walked = walk(path, node: node(at: path)) { tally.absorb(walked) }
        }
        return tally
    }

    /// Walks the entry at `path` as `node` (a directory with the tree walker, anything else by
    /// one `fstatat`); nil when it is not there.
    mutating func walk(_ path: [[UInt8]], node: WalkNode) -> WalkTally? {
        guard let status = try? files.status(bytePath: Self.joined(path)) else { return nil }
        walkedPaths += 1
        if status.isDirectory {
            let walker = self.walker
            return try? files.withDirectory(components: path) { directory throws(Errno) in
                try walker.walk(root: directory, node: node, path: Self.joined(path))
            }
        }
        var tally = WalkTally(slotCount: rules.slotCount)
        tally.add(status, to: Int(node.slot))
        if status.linkCount > 1 {
            tally.hardLinks = [HardLink(device: status.device, inode: status.inode, slot: node.slot, status: status)]
        }
        return tally
    }

    /// The bytes of the entry at `path` and everything under it, in both modes.
    mutating func bytes(ofPath path: [[UInt8]]) -> WhyBytes {
        guard let tally = walk(path, node: .owned(slot: rules.otherSlot)) else { return .zero }
        return WhyBytes(diskBytes: tally.totalBytes(mode: .disk), apparentBytes: tally.totalBytes(mode: .apparent))
    }
}

extension WalkTally {
    /// The sum of `owners`' slots in both modes; an owner the rules have no slot for counts 0.
    func bytes(of owners: [SlotOwner], rules: OwnershipRules) -> WhyBytes {
        var result = WhyBytes.zero
        for owner in Set(owners) {
            guard let slot = rules.slot(of: owner) else { continue }
            result.diskBytes +|= allocatedBytes[slot]
            result.apparentBytes +|= apparentBytes[slot]
        }
        return result
    }
}
