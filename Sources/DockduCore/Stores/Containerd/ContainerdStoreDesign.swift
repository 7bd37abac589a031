// The containerd store (issue 10): what is here, and how it is meant to join the walk.
// A design note kept beside the code it describes (a .md file here would be an unhandled
// resource of the target).
//
// ## Here now
// - `ContainerdMetadata` (+`Decoding`): meta.db → namespaces, images, blobs, ingests, snapshots per
//   snapshotter, leases, containers. `OverlayfsMetadata`: the snapshotter's metadata.db → name, id
//   (`snapshots/<id>`), kind, parent, committed usage. Every value is checked where it is decoded
//   (`ContainerdNames`, `GoVarint`); a bad one is a `corrupt` warning and `isComplete = false`.
// - `ConsistentBoltRead`: read without the lock containerd holds, decode, re-read, compare the txid.
// - `../StoreDetection.swift`, `ContainerdRootChoice`, `../StoreSettings.swift`: which store, which
//   containerd root, which namespace, each with the rule that decided.
// Nothing calls them yet: no user-visible change.
//
// ## The seam (proposed)
// Today one store is wired in: `Model/DataRootLoader` reads the classic layout into
// `DataRootModel`, and `Attribution/OwnershipRules` (a `WalkClassifier`) addresses its branches by
// position (`.branch(1…12)`, valid only because of an array's order). The walker and the report
// builder already talk to a `WalkClassifier` and to `SlotOwner`s, so the seam is one level up:
//
// ```swift
// /// One image store: reads its metadata into the model, then classifies its own top entries.
// protocol ImageStore {
//     /// Folders it walks, relative to the roots it was given (Docker's data root, containerd's).
//     var walkRoots: [WalkRoot] { get }
//     mutating func load(into model: inout DataRootModel)          // warnings on the side
//     func classifier(for root: WalkRoot, model: DataRootModel) -> any WalkClassifier
// }
// ```
// - `Stores/Overlay2/`: today's `DataRootLoader` and `OwnershipRules` moved there, the branches an
//   `enum Overlay2Branch: Int32` with fixed raw values instead of array positions.
// - `Stores/Containerd/ContainerdStore`: walk roots are the Docker data root (only `containers/`,
//   `volumes/`, `buildkit/` mean anything there; a reduced Overlay2 layout classifies them) and the
//   containerd root. Its classifier, for namespace `moby` (or `moby-<uid>.<gid>`):
//   - `io.containerd.snapshotter.v1.overlayfs/snapshots/<id>/fs` of a committed snapshot whose key
//     is a chain ID → `layerDiff(chainID:)`; `<id>/` but `fs` → `layerRest`;
//   - the active snapshot `<cid>` held by lease `<cid>` → `containerDiff(id:)`, its `<cid>-init`
//     → `containerRest(id:)` (Docker's `SizeRw` excludes init, as in overlay2 mode);
//   - `extract-*` keys and `snapshots/new-*` → unpacks in progress (a new `SlotOwner`, category other);
//   - a numbered directory no snapshot names → orphan only when both databases were `isComplete`;
//   - `io.containerd.content.v1.content/blobs/sha256/<hex>` → a new `contentBlob(digest:)`,
//     category images (the packed copy; `ctr images ls` size), `ingest/` → downloads in progress;
//   - the two bolt files and everything else → other.
// - The model gains store-neutral facts: image → its blobs (target, then `gc.ref.content.*`) and its
//   top snapshot (config's `gc.ref.snapshot.overlayfs`, then parents); a Docker container's image
//   is the image whose target digest is its `config.v2.json` `Image`.
// - `DataRootScan` asks `StoreDetection` first, builds the stores the decision names (both, when
//   `disagreements` shows overlay2 data under a containerd store), walks each root with its
//   classifier and sums the tallies into one report; paths under the containerd root are reported
//   with that root as their base.
