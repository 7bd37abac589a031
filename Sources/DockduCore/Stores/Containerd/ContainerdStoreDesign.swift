// The containerd store (issue 10): how its parts fit. A note kept beside the code it describes
// (a .md file here would be an unhandled resource of the target).
//
// - Which store, root and namespace: `../StoreDetection.swift` (moby's `image_store_choice.go`
//   rules, in their order, each decision with the rule that made it), `ContainerdRootChoice`
//   (`<data-root>/containerd/daemon`, `root` in /etc/containerd/config.toml, /var/lib/containerd)
//   and `../StoreSettings.swift` (daemon.json).
// - Reading: `ConsistentBoltRead` reads meta.db and the overlayfs snapshotter's metadata.db
//   without the lock containerd holds, decodes, re-reads and compares the txid, retrying when it
//   moved. `ContainerdMetadata` (+`Decoding`) and `OverlayfsMetadata` decode them; every value is
//   checked where it is decoded (`ContainerdNames`, `GoVarint`, `BoltValueChecks`), and a bad one
//   is a `corrupt` warning and `isComplete = false`, so nothing depending on it becomes an orphan.
// - `ContainerdStoreLoader` turns both into `ContainerdStoreModel`: images (target digest, blobs
//   reached from it, top snapshot and chain), Docker's containers' `<id>`/`<id>-init` snapshots,
//   unpacks and downloads in progress, what containerd holds for others, orphans.
// - `ContainerdRules` (a `StoreRules`, registered in `Attribution/OwnershipRules.stores`) claims
//   the containerd root's entries for the walk: snapshot `fs/` directories as layer or container
//   slots, blobs as content slots, the rest as other. The builder, the plan and the renderers see
//   only the shared model and slots, so another store needs a folder here and one line there.
