/// What freeing a subject takes: the set of removals (set-wise, as Docker's reference counting
/// frees), the slots they free, and the commands in an order that works.
extension WhyContext {
    /// What would have to go to free a subject: containers, images, volumes, build-cache records
    /// and orphans, each once.
    struct RemovalSet {
        var containers = Set<String>()
        var images = Set<String>()
        var volumes = Set<String>()
        var buildDirectories = Set<String>()
        var buildRecords: [String] = []
        var orphans = Set<Int>()
        var isEmpty: Bool { containers.isEmpty && images.isEmpty && volumes.isEmpty && buildDirectories.isEmpty && buildRecords.isEmpty && orphans.isEmpty }
    }

    func removalSet(for subject: WhySubject) -> RemovalSet {
        var set = RemovalSet()
        switch subject {
        case .layer(let chainID):
            set.images = Set(model.images.values.filter { $0.chainIDs.contains(chainID) }.map(\.id))
            set.containers = Set(model.containers.values.filter { $0.isListed && model.chain(below: $0).contains(chainID) }.map(\.id))
        case .image(let id):
            set.images = [id]
            // Children (classic-builder images whose parent chain reaches it) must go first.
            for image in model.images.values where ancestors(of: image.id).contains(id) { set.images.insert(image.id) }
        case .container(let id, _):
            set.containers = [id]
        case .volume(let name):
            set.volumes = [name]
            set.containers = Set(model.containers.values.filter { $0.isListed && ($0.config?.volumeNames ?? []).contains(name) }.map(\.id))
        case .buildDirectory(let name):
            set.buildDirectories = [name]
            set.buildRecords = buildRecords(in: name)
        case .buildRecord(let id):
            set.buildRecords = [id]
        case .orphan(let index):
            set.orphans = [index]
        case .other:
            break
        }
        for container in model.containers.values where container.isListed {
            if let image = container.config?.image, set.images.contains(image) { set.containers.insert(container.id) }
        }
        addPrunedParents(to: &set)
        return set
    }

    /// `docker image rm` also deletes the untagged parents (classic-builder intermediates) of what
    /// it removes once they have no other child and no container uses them: they, and the layers
    /// only they hold, go too.
    func addPrunedParents(to set: inout RemovalSet) {
        var changed = true
        while changed {
            changed = false
            for id in set.images.sorted() {
                guard let parentID = model.images[id]?.parent, !set.images.contains(parentID), let parent = model.images[parentID],
                    parent.references.isEmpty else { continue }
                let children = model.images.values.filter { $0.parent == parentID }.map(\.id)
                let usedOutside = model.containers.values.contains { $0.isListed && $0.config?.image == parentID && !set.containers.contains($0.id) }
                guard children.allSatisfy(set.images.contains), !usedOutside else { continue }
                set.images.insert(parentID)
                changed = true
            }
        }
    }

    func ancestors(of id: String) -> [String] {
        var result: [String] = []
        var next = model.images[id]?.parent
        while let parent = next, !result.contains(parent) {
            result.append(parent)
            next = model.images[parent]?.parent
        }
        return result
    }

    /// The slots carrying out `set` frees: the containers' and images' own, every layer whose
    /// last holder is in the set, the volumes, build-cache directories and orphans.
    func freed(by set: RemovalSet) -> [SlotOwner] {
        var slots: [SlotOwner] = []
        for id in set.containers.sorted() { slots += [.containerDiff(id: id), .containerRest(id: id), .containerLogs(id: id)] }
        for id in set.images.sorted() { slots.append(.imageMetadata(id: id)) }
        let removed = set.containers.union(set.images)
        for (chainID, holders) in holders.sorted(by: { $0.key < $1.key }) where !holders.isEmpty && holders.isSubset(of: removed) {
            slots += [.layerDiff(chainID: chainID), .layerRest(chainID: chainID)]
        }
        var blobHolders: [String: Set<String>] = [:]
        for image in model.images.values { for digest in image.contentDigests { blobHolders[digest, default: []].insert(image.id) } }
        for (digest, holders) in blobHolders where holders.isSubset(of: set.images) { slots.append(.contentBlob(digest: digest)) }
        for name in set.volumes.sorted() { slots += [.volumeData(name: name), .volumeRest(name: name)] }
        for name in set.buildDirectories.sorted() { slots += [.buildCacheDirectory(name: name), .buildCacheDiff(name: name)] }
        for index in set.orphans.sorted() { slots.append(.orphan(index: index)) }
        return slots
    }

    /// The commands, in an order that works: containers, then volumes, images children first,
    /// build cache, orphans.
    func steps(for set: RemovalSet) -> [WhyStep] {
        var steps: [WhyStep] = []
        for id in set.containers.sorted(by: { model.name(ofContainer: $0) < model.name(ofContainer: $1) }) {
            let name = model.name(ofContainer: id)
            let state = model.containers[id]?.config?.containerState
            let force = state == .running || state == .paused || state == .restarting
            steps.append(WhyStep(command: ["docker", "container", "rm"] + (force ? ["--force"] : []) + [name], target: "container \(name)\(force ? " (\(state?.rawValue ?? ""))" : "")"))
        }
        for name in set.volumes.sorted() { steps.append(WhyStep(command: ["docker", "volume", "rm", name], target: "volume \(name)")) }
        // An untagged parent goes with its last child (`docker image rm` prunes it), so only
        // images no other image of the set stands on get a command; deepest first.
        let parents = Set(set.images.compactMap { model.images[$0]?.parent })
        let leaves = set.images.filter { !(parents.contains($0) && (model.images[$0]?.references.isEmpty ?? true)) }
        for id in leaves.sorted(by: { (-ancestors(of: $0).count, model.name(ofImage: $0)) < (-ancestors(of: $1).count, model.name(ofImage: $1)) }) {
            let references = model.images[id]?.references ?? []
            steps.append(WhyStep(command: ["docker", "image", "rm"] + (references.isEmpty ? [id] : references), target: "image \(model.name(ofImage: id))"))
        }
        for record in set.buildRecords {
            steps.append(WhyStep(command: ["docker", "builder", "prune", "--force", "--all", "--filter", "id=\(record)"], target: "build-cache record \(record)"))
        }
        for index in set.orphans.sorted() {
            let orphan = rules.orphans[index]
            let paths = ([orphan.path] + orphan.companions).map { metadata.canonicalRoot + "/" + String(decoding: $0, as: UTF8.self) }
            steps.append(WhyStep(command: ["rm", "-rf", "--"] + paths, target: "orphan \(String(decoding: orphan.path, as: UTF8.self))"))
        }
        return steps
    }

    func note(for subject: WhySubject, removal: RemovalSet) -> String? {
        switch subject {
        case .other: return "nothing dockdu plan removes frees it"
        case .container(let id, .logs):
            return "or truncate the live log (truncate -s 0 containers/\(id)/\(id)-json.log), which frees it but the rotated files"
        case .buildRecord:
            return "its data is an image layer's (freed with the images) or not found; pruning the record frees no directory of its own"
        case .orphan(let index) where rules.orphans[index].kind == .buildKitSnapshot:
            return "BuildKit's snapshot: remove it only while dockerd is stopped"
        case .layer where removal.images.isEmpty && removal.containers.isEmpty:
            return "no image or container holds this layer"
        default: return nil
        }
    }
}
