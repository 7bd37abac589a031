/// Decides, from a ``DataRootModel``, which slot owns each entry near the top of the walked roots.
///
/// The rules are store-agnostic: they hold the slots, the orphans and a table of directory rules
/// (``BranchRule``). Each image store (`Stores/Overlay2`, `Stores/Containerd`) and the parts every
/// Docker data root shares (`Stores/DockerRoot`: `containers/`, `volumes/`) add their own entries
/// through ``register(_:)``; a store names its branches by the values `addBranch` gives back, never
/// by a position it has to know.
public struct OwnershipRules: WalkClassifier {
    /// Every slot's owner; a slot's number is its index.
    public private(set) var slots: [SlotOwner] = []
    public private(set) var orphans: [OrphanCandidate] = []
    /// Cache IDs of image layers, indexed by the key of their ``WalkNode/cacheable(slot:key:)``.
    public private(set) var layerCacheIDs: [String] = []
    /// The top entries of each walked root, by root: ``RootName/dataRoot`` and those a store adds.
    public private(set) var topEntries: [RootName: [[UInt8]: WalkNode]] = [:]

    private var branches: [any BranchRule] = []
    private var rootBranches: [RootName: Int32] = [:]
    private var slotNumbers: [SlotOwner: Int32] = [:]
    public private(set) var otherSlot: Int32 = 0
    public private(set) var appearedSlot: Int32 = 0

    /// The stores that know how to read what they find; each registers only what its model holds.
    static let stores: [any StoreRules.Type] = [DockerRootRules.self, Overlay2Rules.self, ContainerdRules.self]

    public var slotCount: Int { slots.count }
    /// The node of the Docker data root.
    public var rootNode: WalkNode { node(ofRoot: .dataRoot) ?? .owned(slot: otherSlot) }

    /// The node of a walked root, if some store claims it.
    public func node(ofRoot root: RootName) -> WalkNode? { rootBranches[root].map { .branch($0, slot: otherSlot) } }
    /// The roots to walk besides the data root, in a stable order.
    public var otherRoots: [RootName] { rootBranches.keys.filter { $0 != .dataRoot }.sorted { $0.rawValue < $1.rawValue } }

    /// The slot of `owner`, if the rules have one.
    public func slot(of owner: SlotOwner) -> Int? { slotNumbers[owner].map(Int.init) }

    public init(model: DataRootModel) {
        otherSlot = slot(.other)
        appearedSlot = slot(.appeared)
        _ = slot(.buildCache)
        for store in Self.stores { store.register(model, into: &self) }
        // Every root's top directory, now that each store has named its entries; a store root
        // nested in the data root (a daemon-managed containerd) is walked as part of it, once.
        for root in topEntries.keys.sorted(by: { $0.rawValue < $1.rawValue }) where root != .dataRoot {
            rootBranches[root] = addBranch(NamedEntries(topEntries[root] ?? [:], otherwise: .owned(slot: otherSlot)))
        }
        for (root, path) in model.nestedRoots.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            guard let first = path.first, let branch = rootBranches.removeValue(forKey: root) else { continue }
            var node = WalkNode.branch(branch, slot: otherSlot)
            for name in path.dropFirst().reversed() {
                node = directory(NamedEntries(named: [name: node], otherwise: .owned(slot: otherSlot)), slot: otherSlot)
            }
            claim(first, in: .dataRoot, node)
        }
        rootBranches[.dataRoot] = addBranch(NamedEntries(topEntries[.dataRoot] ?? [:], otherwise: .owned(slot: otherSlot)))
    }

    public func child(ofBranch branch: Int32, named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        branches[Int(branch)].child(named: name)
    }

    // MARK: what stores call

    /// The slot of `owner`, made when it has none yet.
    public mutating func slot(_ owner: SlotOwner) -> Int32 {
        if let existing = slotNumbers[owner] { return existing }
        let number = Int32(slots.count)
        slots.append(owner)
        slotNumbers[owner] = number
        return number
    }

    /// A new orphan's slot; `path` is relative to `base`.
    public mutating func addOrphan(_ path: [UInt8], _ kind: OrphanKind, base: RootName = .dataRoot, storeKey: String? = nil) -> Int32 {
        orphans.append(OrphanCandidate(path: path, kind: kind, base: base, storeKey: storeKey))
        return slot(.orphan(index: orphans.count - 1))
    }

    /// Another path removed with the orphan at `index`.
    public mutating func addCompanion(_ path: [UInt8], toOrphan index: Int) {
        orphans[index].companions.append(path)
    }

    /// A directory rule's branch number.
    public mutating func addBranch(_ rule: any BranchRule) -> Int32 {
        branches.append(rule)
        return Int32(branches.count - 1)
    }

    /// The node of a directory whose entries `rule` classifies, itself counted in `slot`.
    public mutating func directory(_ rule: any BranchRule, slot: Int32) -> WalkNode {
        .branch(addBranch(rule), slot: slot)
    }

    /// The key under which the layer cache may remember a committed layer's `diff`.
    public mutating func cacheKey(forLayer cacheID: String) -> Int32 {
        layerCacheIDs.append(cacheID)
        return Int32(layerCacheIDs.count - 1)
    }

    /// Claims the top entry `name` of `root` for a store.
    public mutating func claim(_ name: String, in root: RootName, _ node: WalkNode) {
        topEntries[root, default: [:]][Array(name.utf8)] = node
    }
}

/// A root the walk visits: Docker's data root, or another store's (containerd's).
public struct RootName: RawRepresentable, Hashable, Sendable, Codable {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public static let dataRoot = RootName(rawValue: "dataRoot")
}

/// One image store's share of the rules: reads its part of the model and registers slots,
/// orphans and branches for the directories it owns.
public protocol StoreRules {
    static func register(_ model: DataRootModel, into rules: inout OwnershipRules)
}

/// How the entries of one directory are classified.
public protocol BranchRule: Sendable {
    func child(named name: UnsafeBufferPointer<UInt8>) -> WalkNode
}

/// A directory whose entries are known by name; any other entry gets `otherwise`.
public struct NamedEntries: BranchRule {
    public var entries: [[UInt8]: WalkNode]
    public var otherwise: WalkNode

    public init(_ entries: [[UInt8]: WalkNode], otherwise: WalkNode) {
        self.entries = entries
        self.otherwise = otherwise
    }

    public init(named entries: [String: WalkNode], otherwise: WalkNode) {
        self.init(Dictionary(uniqueKeysWithValues: entries.map { (Array($0.key.utf8), $0.value) }), otherwise: otherwise)
    }

    public func child(named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        entries.isEmpty ? otherwise : entries[Array(name)] ?? otherwise
    }
}

/// A layer's directory (overlay2's `<cache-id>/`, containerd's `snapshots/<n>/`): the entry
/// `diffName` holds its files, the rest is bookkeeping.
public struct LayerDirectory: BranchRule {
    public var diffName: [UInt8]
    public var diff: Int32
    public var rest: Int32
    /// Set for an image layer, whose diff never changes once committed.
    public var cacheKey: Int32?

    public init(diffName: String, diff: Int32, rest: Int32, cacheKey: Int32?) {
        self.diffName = Array(diffName.utf8)
        self.diff = diff
        self.rest = rest
        self.cacheKey = cacheKey
    }

    public func child(named name: UnsafeBufferPointer<UInt8>) -> WalkNode {
        guard name.elementsEqual(diffName) else { return .owned(slot: rest) }
        return cacheKey.map { .cacheable(slot: diff, key: $0) } ?? .owned(slot: diff)
    }
}
