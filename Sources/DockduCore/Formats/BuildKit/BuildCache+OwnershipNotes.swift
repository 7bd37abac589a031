// Notes for issue 11's next steps: how BuildKit's records attach to dockdu's ownership, and what
// `docker builder prune` frees. A Swift file of comments only, since a README here would be an
// unhandled file of the target (Package.swift declares no resources for DockduCore).
//
// # BuildKit's databases (graph-driver mode)
//
// What the types here decode, and how they can attach to dockdu's ownership. Facts are from
// moby/buildkit at eeb7b65 (the commit Docker 20.10.24 vendors) and moby/moby v20.10.24
// (`builder/builder-next`); the fixtures under `Tests/DockduCoreTests/Fixtures/buildkit/` are a real
// engine's files and its own `/system/df` answer.
//
// ## Where a record's bytes are
//
// - A record (`metadata_v2.db`, `_main/<id>`) names a snapshot key: `cache.snapshot`, or its own ID.
//   An immutable record with `cache.equalMutable` uses its mutable twin's key (`refs.go` `Size`).
// - A snapshot key names a directory through `snapshots.db`: the bucket's `committed` value when it
//   has one, else the key itself (`Prepare` made `overlay2/<key>`). A `sha256:` key is an image's
//   layer: its directory is `layerdb/sha256/<chain>/cache-id`.
// - A snapshot exported into an image was registered with the layer store under its own directory
//   (`EnsureLayer` → `RegisterByGraphID(id, …)`): that layer's `cache-id` *is* the BuildKit
//   directory, and `chainid` in the bucket named by the record's ID says which layer.
//
// `BuildCache.overlayDirectory(of:)` and `imageChainID(of:)` do this; on the fixture every listed
// record finds a directory `du` measured, or a layer's.
//
// ## Attaching to the ownership (not done yet)
//
// Today `DataRootLoader.loadBuildKit` reads only the top-level bucket names of `snapshots.db`, and
// `OwnershipRules` gives every leftover `overlay2/` directory among them one `buildCache` slot.
// Image layers are claimed first, so an exported snapshot's directory is already counted once,
// under its image. A per-record slot needs:
//
// 1. the loader to decode both databases into `BuildCache` (warnings → `model.warn(.corrupt, …)`)
//    and keep `listedRecords(imageChainIDs:)`, with `imageChainIDs` = `ChainID.chain(of:)` of
//    every image config's `rootfs.diff_ids` in `imagedb` (all images, tagged or not: moby's
//    `imagerefchecker` maps `ImageStore.Map()`);
// 2. one slot per listed record whose `overlayDirectory` is not an image layer's `cache-id`; the
//    walk's total of that directory is the record's size on disk (not `recordedSizeBytes`, which is
//    BuildKit's last diff-size estimate and lags behind cache mounts);
// 3. a record whose directory *is* a layer's `cache-id` (or whose snapshot key is a chain ID) gets
//    no bytes: its row says "counted under image …" — that is the "shared" of `docker system df`
//    for the record itself; records *below* it are shared too (`markShared` marks every parent)
//    while their own directories may be private ones (a builder stage's `RUN` under an exported
//    `COPY --from` is not; a parent of an exported layer is);
// 4. orphans: `orphanDirectories(among:)` of the `overlay2/` listing — names of BuildKit's shape
//    no loadable record uses, split into those `snapshots.db` still names (BuildKit's own leftovers,
//    the engine removes them only by pruning their records) and those nothing names. Neither is safe
//    to delete while the engine runs: a build in progress has snapshots before it has records.
//
// In use cannot be read from disk: it is the engine's reference count in memory (`DiskUsage`:
// `InUse: cr.refs > 0`, parents counted in use while a child is). At rest everything is not in use;
// the plan must still assume a running engine may be building.
//
// ## What `docker builder prune` frees, set-wise
//
// From `cache/manager.go` `pruneOnce`/`prune` and moby's `toBuildkitPruneInfo`:
//
// - Candidates are loaded records with no references (not in use), skipping immutable twins (the
//   mutable one is pruned and takes its twin with it).
// - Without `-a`: records of type `internal` or `frontend` and shared records are kept. With `-a`
//   and no filter, the shared check is not even made: shared records are pruned too (their
//   directories stay while an image's layer holds them: `Release` of the layer, not `Remove`).
// - `--filter until=D` (or `unused-for`) keeps a record last used after now − D; a record with no
//   last use is pruned. `type=T`, `id=`, `parent=`, `description=`, `inuse`, `mutable`, `shared`,
//   `private` are matched against the row (`adaptUsageInfo`); `id` is a substring match.
// - `prune` repeats until nothing more goes: a parent is freed once all its children are, so the
//   set freed is the candidates whose every descendant is freed too (a kept child keeps its parent
//   referenced, hence in use).
// - The bytes it reports are the records' `snapshot.size`; the bytes freed on disk are the
//   directories of the freed records that no image layer holds, plus unreferenced content in
//   `buildkit/content` after the garbage collection.
//
// `docker system df`'s reclaimable build cache is the rows neither in use nor shared: what a plain
// `docker builder prune` frees when no build runs.
