/// `dockdu why TARGET...`: what owns a path or an ID under a data root, its bytes, what shares it,
/// and what removing would free. It reads the metadata and walks only the directories of the
/// owners and of what their removal would free, never the whole root.
public struct Why: Sendable {
    public var dataRoot: String
    public var workerCount: Int
    public var stores = StoreOptions()

    public init(dataRoot: String, workerCount: Int = ProcessEnvironment.processorCount) {
        self.dataRoot = dataRoot
        self.workerCount = workerCount
    }

    /// Answers every target; those that cannot be resolved are in ``WhyDocument/unknownTargets``.
    public func answer(_ targets: [String], generatedAt: String) throws(ScanError) -> WhyDocument {
        let started = ProcessEnvironment.monotonicSeconds
        ProcessEnvironment.raiseOpenFileLimit()
        let root: FileDescriptor
        do {
            root = try FileDescriptor.openDirectory(atPath: dataRoot)
            _ = try root.directoryEntries()
        } catch {
            throw ScanError(path: dataRoot, errno: error)
        }
        defer { root.close() }
        var scan = DataRootScan(dataRoot: dataRoot, workerCount: workerCount)
        scan.stores = stores
        let metadata = scan.readMetadata(root: root)
        defer { metadata.close() }
        var context = WhyContext(dataRoot: dataRoot, metadata: metadata, workerCount: workerCount)
        if metadata.model.containerd != nil {
            // The containerd store's layers live under another root whose walk the focused one does
            // not follow: measure everything once instead, exact but not fast.
            context.fullTally = try? scan.run().tally
        }
        var answers: [WhyAnswer] = []
        var problems: [WhyProblem] = []
        for target in targets {
            switch context.resolve(target) {
            case .success(let resolved): answers.append(context.answer(resolved))
            case .failure(let problem): problems.append(problem)
            }
        }
        return WhyDocument(
            schemaVersion: WhyDocument.currentSchemaVersion, dataRoot: dataRoot, generatedAt: generatedAt, answers: answers,
            unknownTargets: problems, seconds: ProcessEnvironment.monotonicSeconds - started, walkedPaths: context.walkedPaths)
    }
}

/// What a target names once resolved: a subject (the owner to explain), and the path it named.
struct ResolvedTarget {
    var target: String
    var kind: WhyAnswer.TargetKind
    /// Components under the data root, exact bytes.
    var path: [[UInt8]]?
    var subject: WhySubject
}

/// The owner `why` explains.
enum WhySubject: Hashable {
    case layer(chainID: String)
    case image(id: String)
    case container(id: String, part: ContainerPart)
    case volume(name: String)
    /// An `overlay2/` directory holding BuildKit records' data.
    case buildDirectory(name: String)
    /// A record whose data is not in a directory of its own (an image layer's, or unknown).
    case buildRecord(id: String)
    case orphan(index: Int)
    case other(SlotOwner)

    enum ContainerPart: Hashable { case whole, writable, initLayer, logs }
}

/// One `why` run's state: the model and rules read once, and the measurements made so far.
struct WhyContext {
    let dataRoot: String
    let metadata: DataRootScan.Metadata
    let rules: OwnershipRules
    let walker: TreeWalker
    var model: DataRootModel { metadata.model }
    var files: DataRootFiles { metadata.files }
    /// A whole scan's tally, used instead of focused walks when the containerd store is in use.
    var fullTally: WalkTally?
    var walkedPaths = 0
    /// Chain ID → images (listed or not) and containers standing on it, as the planner counts.
    let holders: [String: Set<String>]
    /// Overlay2 directory → its `l/` links.
    let linksByDirectory: [[UInt8]: [[UInt8]]]

    init(dataRoot: String, metadata: DataRootScan.Metadata, workerCount: Int) {
        self.dataRoot = dataRoot
        self.metadata = metadata
        rules = OwnershipRules(model: metadata.model)
        walker = TreeWalker(classifier: rules, workerCount: workerCount)
        var holders: [String: Set<String>] = [:]
        for image in metadata.model.images.values {
            for chainID in image.chainIDs { holders[chainID, default: []].insert(image.id) }
        }
        for container in metadata.model.containers.values where container.isListed {
            for chainID in metadata.model.chain(below: container) { holders[chainID, default: []].insert(container.id) }
        }
        self.holders = holders
        var links: [[UInt8]: [[UInt8]]] = [:]
        for (link, directory) in metadata.model.links { links[directory, default: []].append(link) }
        linksByDirectory = links
    }
}

extension DataRootModel {
    /// The chain IDs a container stands on, its image's top layer first.
    func chain(below container: StoredContainer) -> [String] {
        var chain: [String] = []
        var seen = Set<String>()
        var next = container.parentChainID
        while let chainID = next, seen.insert(chainID).inserted {
            chain.append(chainID)
            next = layers[chainID]?.parent
        }
        return chain
    }

    /// A container's name without Docker's leading `/`, else its ID.
    func name(ofContainer id: String) -> String {
        guard var name = containers[id]?.config?.name, !name.isEmpty else { return id }
        if name.hasPrefix("/") { name.removeFirst() }
        return name
    }

    /// An image's first reference, else its short ID.
    func name(ofImage id: String) -> String {
        images[id]?.references.first ?? String(id.dropFirst(id.hasPrefix("sha256:") ? 7 : 0).prefix(12))
    }
}
