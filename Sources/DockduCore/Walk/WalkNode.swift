/// Where an entry belongs, decided as the walk descends from the data root.
///
/// Near the root, names decide owners (`overlay2/<id>`, `containers/<id>/<id>-json.log`); below
/// that, everything belongs to the owner of the directory above. The walk asks its
/// ``WalkClassifier`` only about the children of a ``branch`` node, so the deep, hot part of the
/// walk never calls out.
public enum WalkNode: Sendable, Equatable {
    /// The entry and everything under it are counted in `slot`.
    case owned(slot: Int32)
    /// The entry is counted in `slot`; its children are classified by asking about `branch`.
    case branch(Int32, slot: Int32)
    /// Like ``owned(slot:)``, for a directory whose totals a ``WalkCache`` may know by `key`.
    case cacheable(slot: Int32, key: Int32)

    var slot: Int32 {
        switch self {
        case .owned(let slot): slot
        case .branch(_, let slot): slot
        case .cacheable(let slot, _): slot
        }
    }
}

/// Decides the owner of an entry from its name and its directory's branch.
public protocol WalkClassifier: Sendable {
    /// The number of slots the walk tallies; every slot a node names is below it.
    var slotCount: Int { get }
    /// The node of the data root itself.
    var rootNode: WalkNode { get }
    /// The node of the entry `name` inside a directory classified as `branch`.
    func child(ofBranch branch: Int32, named name: UnsafeBufferPointer<UInt8>) -> WalkNode
}
