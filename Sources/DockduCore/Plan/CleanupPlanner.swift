import FoundationEssentials

/// Works out a ``CleanupPlan`` from one scan: which containers, volumes, images, build cache and
/// orphans a clean-up under a ``PlanPolicy`` would remove, in an order that works, and the bytes
/// each action frees given the ones before it.
///
/// The arithmetic follows Docker's reference counting: a layer is freed only when the last image
/// or container standing on it goes; removing a container frees its two layers, its directory,
/// its logs and its layerdb entry; removing an image also removes its untagged parents that
/// nothing else needs (classic-builder intermediates), as the engine does.
public struct CleanupPlanner: Sendable {
    public var scan: DataRootScan.Result
    public var policy: PlanPolicy
    public var dataRoot: String
    public var mode: SizeMode
    /// Seconds since the epoch the ages are measured from.
    public var now: Int64
    /// Mount points, as bytes; orphans holding one are never proposed.
    public var mountPoints: [[UInt8]]
    /// The data root with links resolved, to compare against ``mountPoints``.
    public var canonicalRoot: String

    /// The file system holding the data root, for `--until-free` and `--high-water`.
    public var filesystem: FileSystemSpace?

    public init(
        scan: DataRootScan.Result, policy: PlanPolicy, dataRoot: String, mode: SizeMode, now: Int64, mountPoints: [[UInt8]],
        canonicalRoot: String, filesystem: FileSystemSpace? = nil
    ) {
        self.filesystem = filesystem
        self.scan = scan
        self.policy = policy
        self.dataRoot = dataRoot
        self.mode = mode
        self.now = now
        self.mountPoints = mountPoints
        self.canonicalRoot = canonicalRoot
    }

    /// `relative` (under the data root) as an absolute path, a linked top folder replaced by
    /// where its link leads, so a command, a mount check and the script's own check all see the
    /// path the kernel will act on.
    func absolutePath(_ relative: [UInt8], base: RootName = .dataRoot) -> [UInt8] {
        if base == .containerd, let root = scan.model.containerd?.root {
            return Array((PathFunctions.canonical(root) ?? root).utf8) + [0x2F] + relative
        }
        let first = relative.split(separator: 0x2F, maxSplits: 1, omittingEmptySubsequences: false)
        if let head = first.first, let folder = scan.model.linkedFolders.first(where: { $0.name.utf8.elementsEqual(head) }) {
            return Array(folder.target.utf8) + relative.dropFirst(head.count)
        }
        return Array(canonicalRoot.utf8) + [0x2F] + relative
    }

    /// Why nothing owns an orphan of this kind, as the plan says it.
    static func describeOrphan(_ kind: OrphanKind) -> String { PlanState.describe(kind) }

    func bytes(_ owner: SlotOwner) -> Int64 {
        scan.rules.slot(of: owner).map { scan.tally.bytes($0, mode: mode) } ?? 0
    }

    /// Whether the `--keep` patterns, `--label` filters and `--older-than` let an item go.
    /// Returns why not, or nil when it may go. `time` is when it was created or last stopped;
    /// `agesApply` is false for volumes, which Docker keeps no time for.
    func filtersAllow(names: [String], labels: [String: String], time: Int64?, agesApply: Bool = true, lastUsed: Int64? = nil) -> String? {
        for pattern in policy.keep {
            if let name = names.first(where: { PathFunctions.glob(pattern, matches: $0) }) {
                return "kept by --keep \(pattern) (\(name))"
            }
        }
        for filter in policy.labels where !Self.labels(labels, match: filter) {
            return "lacks label \(filter)"
        }
        for filter in policy.notLabels where Self.labels(labels, match: filter) {
            return "has label \(filter)"
        }
        if agesApply, let olderThan = policy.olderThanSeconds {
            guard let time else { return "age unknown, and --older-than is set" }
            if now - time < olderThan { return "newer than --older-than \(Duration.describe(olderThan))" }
        }
        if let unusedFor = policy.unusedForSeconds {
            guard let lastUsed else { return "last use unknown, and --unused-for is set" }
            if now - lastUsed < unusedFor { return "used \(Duration.describe(max(0, now - lastUsed))) ago, under --unused-for \(Duration.describe(unusedFor))" }
        }
        return nil
    }

    static func labels(_ labels: [String: String], match filter: String) -> Bool {
        if let equals = filter.firstIndex(of: "=") {
            return labels[String(filter[..<equals])] == String(filter[filter.index(after: equals)...])
        }
        return labels[filter] != nil
    }
}

/// The bookkeeping of one planning run: what is still there, and who holds each layer.
struct PlanState {
    let planner: CleanupPlanner
    var model: DataRootModel { planner.scan.model }
    var actions: [PlanAction] = []
    var skipped: [SkippedItem] = []
    var removedContainers = Set<String>()
    var removedImages = Set<String>()
    /// Chain ID → images (listed or not) and containers standing on it.
    var holders: [String: Set<String>] = [:]
    var freedLayers = Set<String>()
    /// Blob digest → images referencing it (containerd store): freed with the last of them.
    var blobHolders: [String: Set<String>] = [:]
    var notes: [String] = []
    /// Last use in seconds by selection key (`container:<id>`, `image:<id>`, `volume:<name>`).
    let lastUse: [String: Int64]
    /// When set, only these actions (by key) are proposed: the chosen set of `--free`.
    let selection: Set<String>?
    /// Each action's selection key and last use, by the action's index.
    var keys: [String] = []
    var lastUses: [Int64?] = []

    /// What the actions free, advice aside.
    var freedBytes: Int64 { actions.filter { !$0.advisory }.sumOfBytes(\.reclaimableBytes) }

    func allows(_ key: String) -> Bool { selection?.contains(key) ?? true }

    /// Adds an action under its selection key, with its last use (seconds) as the plan shows it.
    mutating func add(_ action: PlanAction, key: String, lastUsed: Int64?) {
        var action = action
        action.lastUsedAt = lastUsed.map(Timestamp.iso8601)
        actions.append(action)
        keys.append(key)
        lastUses.append(lastUsed)
    }

    init(planner: CleanupPlanner, lastUse: [String: Int64] = [:], selection: Set<String>? = nil) {
        self.planner = planner
        self.lastUse = lastUse
        self.selection = selection
        for image in planner.scan.model.images.values {
            for chainID in image.chainIDs { holders[chainID, default: []].insert(image.id) }
            for digest in image.contentDigests { blobHolders[digest, default: []].insert(image.id) }
        }
        for container in planner.scan.model.containers.values where container.isListed {
            var next = container.parentChainID
            var seen = Set<String>()
            while let chainID = next, seen.insert(chainID).inserted {
                holders[chainID, default: []].insert(container.id)
                next = planner.scan.model.layers[chainID]?.parent
            }
        }
    }

    var liveContainers: [StoredContainer] {
        model.containers.values.filter { $0.isListed && !removedContainers.contains($0.id) }.sorted { $0.id < $1.id }
    }

    // MARK: containers

    mutating func proposeContainers() {
        guard planner.policy.stoppedContainers else { return }
        for container in model.containers.values.filter(\.isListed).sorted(by: { $0.id < $1.id }) {
            guard let config = container.config else { continue }
            let state = config.containerState
            // The report's rule (`ContainerState.isStopped`), so both name the same containers.
            guard state.isStopped else { continue }
            let name = displayName(config)
            let time = (config.finishedAt ?? config.created).flatMap(Timestamp.parse)
            let key = "container:" + container.id
            guard allows(key) else { continue }
            if let reason = planner.filtersAllow(names: [name], labels: config.labels, time: time, lastUsed: lastUse[key]) {
                skipped.append(SkippedItem(target: name, reason: reason))
                continue
            }
            removedContainers.insert(container.id)
            let freed = planner.bytes(.containerDiff(id: container.id)) +| planner.bytes(.containerRest(id: container.id))
                +| planner.bytes(.containerLogs(id: container.id)) +| release(holder: container.id)
            let when = state == .created ? "created \(config.created.map(age) ?? "at an unknown time"), never started" : "\(state.rawValue) \(config.finishedAt.map(age) ?? "")"
            add(action(.removeContainer, target: name, reason: when.trimmingSpaces, bytes: freed, command: ["docker", "container", "rm", container.id]), key: key, lastUsed: lastUse[key])
        }
    }

    // MARK: logs

    mutating func proposeLogTruncations(files: DataRootFiles?) {
        guard let threshold = planner.policy.logThresholdBytes else { return }
        for container in liveContainers {
            let logs = planner.bytes(.containerLogs(id: container.id))
            guard logs > threshold, let config = container.config else { continue }
            let name = displayName(config)
            let driver = container.hostConfig?.logConfig?.type ?? "json-file"
            let hasLimit = container.hostConfig?.logConfig?.config?["max-size"] != nil
            let advice = hasLimit ? "" : "; set --log-opt max-size=10m --log-opt max-file=3 (or log-opts in daemon.json) so it stays bounded"
            guard driver == "json-file" else {
                skipped.append(SkippedItem(target: name, reason: "logs \(ByteCount.human(logs)) over --log-threshold, but the \(driver) driver's files cannot be truncated safely\(advice)"))
                continue
            }
            let live = "containers/\(container.id)/\(container.id)-json.log"
            let liveBytes = (try? files?.status(bytePath: Array(live.utf8))).flatMap { $0 }.map { planner.mode == .disk ? $0.allocatedBytes : $0.apparentBytes } ?? 0
            actions.append(PlanAction(
                kind: .truncateLog, target: name,
                reason: "logs \(ByteCount.human(logs)) over --log-threshold \(ByteCount.human(threshold)); truncating the live file frees it, rotated ones stay\(advice)",
                reclaimableBytes: liveBytes, command: ["truncate", "-s", "0", "--", absolute(live)], commandBase64: nil, advisory: true))
        }
    }

    // MARK: volumes

    mutating func proposeVolumes() {
        guard planner.policy.volumes != .none else { return }
        guard model.containerMetadataComplete else {
            notes.append("No volume is proposed: some container's config or mount entry could not be read, so which volumes are mounted is unknown (see the warnings).")
            return
        }
        var mounted = Set<String>()
        for container in liveContainers { mounted.formUnion(container.config?.volumeNames ?? []) }
        for volume in model.volumes.values.sorted(by: { $0.name < $1.name }) {
            guard !mounted.contains(volume.name) else { continue }
            guard volume.anonymous || planner.policy.volumes == .all else { continue }
            let key = "volume:" + volume.name
            guard allows(key) else { continue }
            if let reason = planner.filtersAllow(names: [volume.name], labels: volume.labels, time: nil, agesApply: false, lastUsed: lastUse[key]) {
                skipped.append(SkippedItem(target: volume.name, reason: reason))
                continue
            }
            let freed = planner.bytes(.volumeData(name: volume.name)) +| planner.bytes(.volumeRest(name: volume.name))
            let kind = volume.anonymous ? "anonymous volume" : "named volume"
            add(action(.removeVolume, target: volume.name, reason: "\(kind), no container mounts it", bytes: freed, command: ["docker", "volume", "rm", volume.name]), key: key, lastUsed: lastUse[key])
        }
    }

    // MARK: images

    mutating func proposeImages() {
        guard planner.policy.images != .none else { return }
        guard model.tagsKnown else {
            notes.append("No image is proposed: repositories.json could not be read, so which images are tagged is unknown (see the warnings).")
            return
        }
        guard model.containerMetadataComplete else {
            notes.append("No image is proposed: some container's config or mount entry could not be read, so which images are in use is unknown (see the warnings).")
            return
        }
        let parents = Set(model.images.values.compactMap(\.parent))
        var candidates = model.images.values
            .filter { !$0.references.isEmpty || !parents.contains($0.id) }
            .filter { planner.policy.images == .all || $0.references.isEmpty }
            .sorted { $0.id < $1.id }
        // Children before parents: repeat until no candidate can go.
        var progress = true
        while progress {
            progress = false
            for (index, image) in candidates.enumerated() {
                guard isRemovable(image) else { continue }
                candidates.remove(at: index)
                progress = true
                guard allows("image:" + image.id) else { break }
                let names = image.references.isEmpty ? [image.id] : image.references
                if let reason = planner.filtersAllow(names: names, labels: image.labels, time: image.created.flatMap(Timestamp.parse), lastUsed: lastUse["image:" + image.id]) {
                    skipped.append(SkippedItem(target: names[0], reason: reason))
                    break
                }
                removeImage(image)
                break
            }
        }
        for image in candidates {
            let users = liveContainers.filter { $0.config?.image == image.id }.map { $0.config.map(displayName) ?? $0.id }
            let reason = users.isEmpty ? "another image is built on it" : "used by container \(users.joined(separator: ", "))"
            skipped.append(SkippedItem(target: image.references.first ?? image.id, reason: reason))
        }
    }

    func isRemovable(_ image: StoredImage) -> Bool {
        if liveContainers.contains(where: { $0.config?.image == image.id }) { return false }
        return !model.images.values.contains { $0.parent == image.id && !removedImages.contains($0.id) }
    }

    mutating func removeImage(_ image: StoredImage) {
        var group = [image]
        removedImages.insert(image.id)
        var next = image.parent.flatMap { model.images[$0] }
        while let parent = next, parent.references.isEmpty, !removedImages.contains(parent.id), isRemovable(parent) {
            group.append(parent)
            removedImages.insert(parent.id)
            next = parent.parent.flatMap { model.images[$0] }
        }
        var freed: Int64 = 0
        for member in group {
            freed +|= planner.bytes(.imageMetadata(id: member.id))
            freed +|= release(holder: member.id)
        }
        let reason: String
        if image.references.isEmpty {
            reason = "dangling (untagged, no child image), no container uses it"
        } else {
            reason = "no container uses it\(image.created.map { ", created " + age($0) } ?? "")"
        }
        let extra = group.count > 1 ? "; with \(group.count - 1) untagged parent\(group.count == 2 ? "" : "s")" : ""
        let target = image.references.first ?? image.id
        let command = ["docker", "image", "rm"] + (image.references.isEmpty ? [image.id] : image.references)
        add(action(.removeImage, target: target, reason: reason + extra, bytes: freed, command: command), key: "image:" + image.id, lastUsed: lastUse["image:" + image.id])
    }

    /// Drops `holder` from every layer it holds; returns the bytes of layers nobody holds now.
    mutating func release(holder: String) -> Int64 {
        var freed: Int64 = 0
        for chainID in holders.keys.sorted() where holders[chainID]?.contains(holder) == true {
            holders[chainID]?.remove(holder)
            if holders[chainID]?.isEmpty == true && freedLayers.insert(chainID).inserted {
                freed +|= planner.bytes(.layerDiff(chainID: chainID)) +| planner.bytes(.layerRest(chainID: chainID))
            }
        }
        for digest in blobHolders.keys.sorted() where blobHolders[digest]?.contains(holder) == true {
            blobHolders[digest]?.remove(holder)
            if blobHolders[digest]?.isEmpty == true { freed +|= planner.bytes(.contentBlob(digest: digest)) }
        }
        return freed
    }

    // MARK: build cache

    /// `docker builder prune`, with the filters that select what the plan counts: one command, or
    /// one per `--build-cache-type`. The bytes are the directories of the records BuildKit would
    /// free, each once (records sharing one count it once), given the commands before.
    mutating func proposeBuildCache(_ records: [BuildCacheUsage]?) {
        guard planner.policy.buildCache else { return }
        guard var remaining = records else { return }
        if !model.buildCacheMetadataComplete {
            notes.append("Build cache is proposed only as far as BuildKit's databases could be read (see the warnings): a record that could not be may hold directories no figure here counts.")
        }
        var freedDirectories = Set<String>()
        let types: [String?] = planner.policy.buildCacheTypes.isEmpty ? [nil] : planner.policy.buildCacheTypes
        for type in types {
            // BuildKit's own last use is what both --older-than and --unused-for mean here.
            let until = [planner.policy.olderThanSeconds, planner.policy.unusedForSeconds].compactMap { $0 }.max()
            let prune = BuildCachePrune(all: planner.policy.allBuildCache, untilSeconds: until, type: type)
            let key = "buildCache:" + (type ?? "all")
            guard allows(key) else { continue }
            let verdicts = prune.verdicts(remaining, now: planner.now)
            var bytes: Int64 = 0
            var freed = 0
            var lastUsed: Int64?
            for (record, verdict) in zip(remaining, verdicts) where verdict.isReclaimable {
                freed += 1
                if let directory = record.directory, freedDirectories.insert(directory).inserted { bytes +|= record.bytes }
                if let used = record.lastUsedAt.flatMap(Timestamp.parse) { lastUsed = max(lastUsed ?? used, used) }
            }
            let kept = Dictionary(grouping: zip(remaining, verdicts).filter { !$0.1.isReclaimable }, by: \.1).mapValues(\.count)
            remaining = zip(remaining, verdicts).filter { !$0.1.isReclaimable }.map(\.0)
            guard freed > 0 else { continue }
            var command = ["docker", "builder", "prune", "--force"]
            if prune.all { command.append("--all") }
            if let type { command += ["--filter", "type=\(type)"] }
            if let until = prune.untilSeconds { command += ["--filter", "until=\(Self.goDuration(until))"] }
            var reason = "\(freed) record\(freed == 1 ? "" : "s")\(type.map { " of type \($0)" } ?? "") no build uses"
            let keptParts: [(ReclaimReason, String)] = [(.inUse, "in use"), (.shared, "shared with an image"), (.keptType, "internal or frontend"), (.childKept, "under a kept record"), (.filtered, "filtered out")]
            let keptText = keptParts.compactMap { reasonAndText in kept[reasonAndText.0].map { "\($0) \(reasonAndText.1)" } }
            if !keptText.isEmpty { reason += "; kept: " + keptText.joined(separator: ", ") }
            add(action(.pruneBuildCache, target: type.map { "build cache (\($0))" } ?? "build cache", reason: reason, bytes: bytes, command: command), key: key, lastUsed: lastUsed)
        }
    }

    /// Seconds as Go's `time.ParseDuration` reads them, which `builder prune --filter until=`
    /// takes: whole hours or minutes where they are.
    static func goDuration(_ seconds: Int64) -> String {
        if seconds > 0 && seconds % 3600 == 0 { return "\(seconds / 3600)h" }
        if seconds > 0 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }

    // MARK: orphans

    mutating func proposeOrphans(files: DataRootFiles?) {
        guard planner.policy.orphans else { return }
        var unknownOwners = 0
        for (index, orphan) in planner.scan.rules.orphans.enumerated() {
            guard allows("orphan:\(index)") else { continue }
            let display = (orphan.base == .containerd ? (model.containerd?.root ?? "") + "/" : "") + String(decoding: orphan.path, as: UTF8.self)
            if !model.layerMetadataComplete && orphan.kind.dependsOnLayerMetadata {
                skipped.append(SkippedItem(target: display, reason: "some layer metadata is unreadable, and this directory may be that layer's"))
                unknownOwners += 1
                continue
            }
            let absolutePath = planner.absolutePath(orphan.path, base: orphan.base)
            if planner.mountPoints.contains(where: { $0 == absolutePath || $0.starts(with: absolutePath + [0x2F]) }) {
                skipped.append(SkippedItem(target: display, reason: "a filesystem is mounted on or under it"))
                continue
            }
            let status: FileStatus?
            if orphan.base == .containerd {
                status = model.containerd.flatMap { store in
                    (try? FileDescriptor.openDirectory(atPath: store.root)).flatMap { root in root.closeAfter { try? $0.status(of: orphan.path) } }
                }
            } else {
                status = try? files?.status(bytePath: orphan.path)
            }
            guard let status else {
                skipped.append(SkippedItem(target: display, reason: "cannot be stat'ed now"))
                continue
            }
            let modified = planner.now - status.modificationTime
            if modified < planner.policy.orphanMinAgeSeconds {
                skipped.append(SkippedItem(target: display, reason: "modified \(Duration.describe(max(0, modified))) ago, under --orphan-min-age \(Duration.describe(planner.policy.orphanMinAgeSeconds)); it may be a layer being made"))
                continue
            }
            let paths = [orphan.path] + orphan.companions
            let arguments = paths.map { planner.absolutePath($0, base: orphan.base) }
            var command = ["rm", "-rf", "--"] + arguments.map { String(decoding: $0, as: UTF8.self) }
            if let key = orphan.storeKey, let store = model.containerd {
                // containerd's metadata names it: let containerd remove it, files and record together.
                command = ["ctr", "--namespace", store.namespace] + (orphan.kind == .unreferencedBlob ? ["content", "rm", key] : ["snapshots", "--snapshotter", store.snapshotter, "rm", key])
            }
            let exact = arguments.contains { String(validating: $0, as: UTF8.self) == nil }
            let base64 = exact ? (["rm", "-rf", "--"].map { Data($0.utf8).base64EncodedString() } + arguments.map { Data($0).base64EncodedString() }) : nil
            add(PlanAction(
                kind: .removeOrphan, target: display,
                targetBase64: String(validating: orphan.path, as: UTF8.self) == nil ? Data(orphan.path).base64EncodedString() : nil,
                reason: "\(Self.describe(orphan.kind)), modified \(Duration.describe(modified)) ago",
                reclaimableBytes: planner.bytes(.orphan(index: index)), command: command, commandBase64: base64, advisory: false), key: "orphan:\(index)", lastUsed: status.modificationTime)
        }
        noteUnknownOwners(unknownOwners)
        let buildKitLeftovers = planner.scan.rules.orphans.filter { $0.kind == .buildKitSnapshot }.count
        if buildKitLeftovers > 0 {
            notes.append("\(buildKitLeftovers) BuildKit snapshot director\(buildKitLeftovers == 1 ? "y" : "ies") that no cache record uses \(buildKitLeftovers == 1 ? "is" : "are") an orphan: docker builder prune is the safe way to clear BuildKit's cache, but it cannot free \(buildKitLeftovers == 1 ? "it" : "them"); the script removes \(buildKitLeftovers == 1 ? "it" : "them") by path only while dockerd is stopped.")
        }
    }

    mutating func noteUnknownOwners(_ count: Int) {
        guard count > 0 else { return }
        notes.append("\(count) overlay2 director\(count == 1 ? "y" : "ies") that nothing names \(count == 1 ? "is" : "are") not proposed: some layerdb or mount entry could not be read, so \(count == 1 ? "it" : "they") may belong to it (see the warnings).")
    }

    static func describe(_ kind: OrphanKind) -> String {
        switch kind {
        case .overlayDirectory: "overlay2 directory no layer, container or BuildKit snapshot owns"
        case .containerLayer: "layer of a container whose directory is gone"
        case .mountMetadata: "layerdb entry of a container whose directory is gone"
        case .containerDirectory: "container directory without a config"
        case .layerMetadata: "half-removed layerdb entry"
        case .unreferencedLayer: "layer no image or container uses"
        case .buildKitSnapshot: "BuildKit snapshot no cache record uses (docker builder prune cannot free it)"
        case .snapshotDirectory: "containerd snapshot directory its snapshotter does not know"
        case .unreferencedSnapshot: "containerd snapshot no image, container or lease uses"
        case .unlistedBlob: "content store blob meta.db does not list"
        case .unreferencedBlob: "content store blob no image or lease references"
        }
    }

    // MARK: helpers

    func action(_ kind: PlanAction.Kind, target: String, reason: String, bytes: Int64, command: [String]) -> PlanAction {
        PlanAction(kind: kind, target: target, targetBase64: nil, reason: reason, reclaimableBytes: bytes, command: command, commandBase64: nil, advisory: false)
    }

    func displayName(_ config: ContainerConfig) -> String {
        var name = config.name ?? config.id ?? ""
        if name.hasPrefix("/") { name.removeFirst() }
        return name
    }

    func age(_ timestamp: String) -> String {
        guard let seconds = Timestamp.parse(timestamp) else { return timestamp }
        return "\(Duration.describe(max(0, planner.now - seconds))) ago"
    }

    func absolute(_ relative: String) -> String {
        String(decoding: planner.absolutePath(Array(relative.utf8)), as: UTF8.self)
    }
}

private extension String {
    var trimmingSpaces: String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
