/// From a resolved target to the answer: the owner, what shares it, and what removing frees.
extension WhyContext {
    mutating func answer(_ resolved: ResolvedTarget) -> WhyAnswer {
        let (owner, ownerSlots, sharing) = explain(resolved.subject)
        let removal = removalSet(for: resolved.subject)
        let freedSlots = freed(by: removal)
        let tally = measure(ownerSlots + freedSlots)
        var pathBytes: WhyBytes?
        if let path = resolved.path { pathBytes = bytes(ofPath: path) }
        var ownerBytes = tally.bytes(of: ownerSlots, rules: rules)
        if ownerSlots.isEmpty, let pathBytes { ownerBytes = pathBytes }
        let freeing = WhyFreeing(steps: steps(for: removal), freesBytes: tally.bytes(of: freedSlots, rules: rules), note: note(for: resolved.subject, removal: removal))
        return WhyAnswer(
            target: resolved.target, targetKind: resolved.kind, path: resolved.path.map { String(decoding: Self.joined($0), as: UTF8.self) },
            pathBytes: pathBytes, owner: owner, ownerBytes: ownerBytes, sharedBy: sharing, toFree: freeing)
    }

    // MARK: owner and sharing

    /// What owns the subject, the slots whose bytes are its own, and what shares it.
    func explain(_ subject: WhySubject) -> (WhyOwner, [SlotOwner], WhySharing) {
        switch subject {
        case .layer(let chainID): return explainLayer(chainID)
        case .image(let id): return explainImage(id)
        case .container(let id, let part): return explainContainer(id, part)
        case .volume(let name):
            let users = model.containers.values.filter { $0.isListed && ($0.config?.volumeNames ?? []).contains(name) }.map { model.name(ofContainer: $0.id) }.sorted()
            let kind = model.volumes[name]?.anonymous == true ? "anonymous volume" : "volume"
            var owner = WhyOwner(kind: .volume, description: "\(kind) \(name), mounted by \(users.isEmpty ? "no container" : Self.list(users))")
            owner.volume = name
            return (owner, [.volumeData(name: name), .volumeRest(name: name)], WhySharing(images: [], containers: users))
        case .buildDirectory(let name):
            let records = buildRecords(in: name)
            var owner = WhyOwner(kind: .buildCacheRecord, description: "build cache: data of record\(records.count == 1 ? "" : "s") \(records.isEmpty ? "(none listed)" : records.map { describeRecord($0) }.joined(separator: ", "))")
            owner.cacheID = name
            owner.buildCacheRecords = records
            return (owner, [.buildCacheDirectory(name: name), .buildCacheDiff(name: name)], .none)
        case .buildRecord(let id):
            var owner = WhyOwner(kind: .buildCacheRecord, description: "build-cache record \(describeRecord(id)), whose data is an image layer's or unknown")
            owner.buildCacheRecords = [id]
            return (owner, [], .none)
        case .orphan(let index):
            let orphan = rules.orphans[index]
            var owner = WhyOwner(kind: .orphan, description: "orphan: \(CleanupPlanner.describeOrphan(orphan.kind))")
            owner.orphanReason = CleanupPlanner.describeOrphan(orphan.kind)
            return (owner, [.orphan(index: index)], .none)
        case .other(let slot):
            let text: String
            switch slot {
            case .appeared: text = "made after the metadata was read (a layer or container being created); counted as other"
            case .buildCache: text = "BuildKit's, while its databases cannot be read whole"
            case .inProgress: text = "an unpack or download in progress"
            case .heldByContainerd: text = "held by containerd for something Docker does not know"
            case .contentBlob(let digest): text = "content blob \(digest) of an image"
            default: text = "Docker's own metadata or state (counted as other)"
            }
            return (WhyOwner(kind: .other, description: text), [], .none)
        }
    }


    private func explainLayer(_ chainID: String) -> (WhyOwner, [SlotOwner], WhySharing) {
        let layer = model.layers[chainID]
        var positions: [WhyLayerPosition] = []
        // The images `docker images` lists: classic-builder intermediates go with their children.
        for image in model.images.values.filter(isListed).sorted(by: { model.name(ofImage: $0.id) < model.name(ofImage: $1.id) }) {
            guard let index = image.chainIDs.firstIndex(of: chainID) else { continue }
            positions.append(WhyLayerPosition(imageID: image.id, image: model.name(ofImage: image.id), position: index + 1, layers: image.chainIDs.count))
        }
        let shownPositions = positions
        var text = "image layer \(chainID)"
        if !shownPositions.isEmpty {
            let groups = Dictionary(grouping: shownPositions) { "\($0.position) of \($0.layers)" }
            let parts = groups.keys.sorted().map { key in "layer \(key) of \(Self.list(groups[key]?.map(\.image) ?? []))" }
            text += " (" + parts.joined(separator: "; ") + ")"
        } else {
            text += " (no image lists it)"
        }
        var owner = WhyOwner(kind: .imageLayer, description: text)
        owner.chainID = chainID
        owner.diffID = layer?.diffID
        owner.cacheID = layer?.cacheID
        owner.positions = positions
        let containers = model.containers.values.filter { $0.isListed && model.chain(below: $0).contains(chainID) }.map { model.name(ofContainer: $0.id) }
        return (owner, [.layerDiff(chainID: chainID), .layerRest(chainID: chainID)], WhySharing(images: positions.map(\.image).sorted(), containers: containers.sorted()))
    }

    private func explainImage(_ id: String) -> (WhyOwner, [SlotOwner], WhySharing) {
        let image = model.images[id]
        var owner = WhyOwner(kind: .image, description: "image \(model.name(ofImage: id)) (\(id), \(image?.chainIDs.count ?? 0) layer\(image?.chainIDs.count == 1 ? "" : "s"))")
        owner.imageID = id
        let chain = Set(image?.chainIDs ?? [])
        let others = model.images.values.filter { $0.id != id && isListed($0) && !chain.isDisjoint(with: $0.chainIDs) }.map { model.name(ofImage: $0.id) }
        let users = model.containers.values.filter { $0.isListed && $0.config?.image == id }.map { model.name(ofContainer: $0.id) }
        let slots = [SlotOwner.imageMetadata(id: id)] + (image?.chainIDs ?? []).flatMap { [SlotOwner.layerDiff(chainID: $0), .layerRest(chainID: $0)] }
        return (owner, slots, WhySharing(images: others.sorted(), containers: users.sorted()))
    }

    private func explainContainer(_ id: String, _ part: WhySubject.ContainerPart) -> (WhyOwner, [SlotOwner], WhySharing) {
        let container = model.containers[id]
        let name = model.name(ofContainer: id)
        let state = container?.config?.containerState.rawValue ?? "state unknown"
        let image = container?.config?.image.map { model.name(ofImage: $0) }
        let about = "\(state)\(image.map { ", image \($0)" } ?? "")"
        let owner: WhyOwner
        switch part {
        case .whole: owner = WhyOwner(kind: .container, description: "container \(name) (\(about))")
        case .writable: owner = WhyOwner(kind: .containerLayer, description: "writable layer of container \(name) (\(about))")
        case .initLayer: owner = WhyOwner(kind: .containerInitLayer, description: "init layer of container \(name) (\(about))")
        case .logs: owner = WhyOwner(kind: .containerLogs, description: "log of container \(name) (\(about))")
        }
        var filled = owner
        filled.containerID = id
        filled.containerName = name
        filled.imageID = container?.config?.image
        filled.cacheID = part == .initLayer ? container?.initID : part == .writable ? container?.mountID : nil
        return (filled, [.containerDiff(id: id), .containerRest(id: id), .containerLogs(id: id)], WhySharing(images: image.map { [$0] } ?? [], containers: []))
    }

    /// Tagged, or untagged with no child image: what `docker images` lists.
    func isListed(_ image: StoredImage) -> Bool {
        !image.references.isEmpty || !model.images.values.contains { $0.parent == image.id }
    }

    func buildRecords(in directory: String) -> [String] {
        guard let cache = model.buildCache else { return [] }
        return cache.records.filter { cache.isLoadable($0) && $0.equalMutableID == nil && cache.overlayDirectory(of: $0) == directory }.map(\.id)
    }

    func describeRecord(_ id: String) -> String {
        guard let record = model.buildCache?.record(id) else { return id }
        let text = record.description.isEmpty ? "" : ", \(record.description)"
        return "\(id) (\(record.kind.rawValue)\(text))"
    }

    /// `a`, `a and b`, `a, b and c`.
    static func list(_ names: [String]) -> String {
        guard names.count > 1, let last = names.last else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }
}
