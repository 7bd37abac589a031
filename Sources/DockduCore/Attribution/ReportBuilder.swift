import FoundationEssentials

/// Turns the metadata model and the walk's tallies into a ``Report``: every slot's bytes go to its
/// owner, and images, containers, volumes and layers get Docker's figures.
public struct ReportBuilder: Sendable {
    public var model: DataRootModel
    public var rules: OwnershipRules
    public var tally: WalkTally
    /// Each image's hidden files (``WasteFinder``), by image ID.
    public var waste: [String: ImageWaste]

    public init(model: DataRootModel, rules: OwnershipRules, tally: WalkTally, waste: [String: ImageWaste] = [:]) {
        self.model = model
        self.rules = rules
        self.tally = tally
        self.waste = waste
    }

    public func build(dataRoot: String, mode: SizeMode, generatedAt: String) -> Report {
        func bytes(_ owner: SlotOwner) -> Int64 {
            guard let slot = rules.slot(of: owner) else { return 0 }
            return tally.bytes(slot, mode: mode)
        }

        var categories = CategoryBytes()
        for (slot, owner) in rules.slots.enumerated() {
            categories[owner.category] +|= tally.bytes(slot, mode: mode)
        }

        // Images as `docker images` lists them.
        let listed = model.listedImages
        var imagesByLayer: [String: [String]] = [:]
        for image in listed {
            for chainID in Set(image.chainIDs) { imagesByLayer[chainID, default: []].append(image.id) }
        }
        var imagesByBlob: [String: [String]] = [:]
        for image in listed {
            for digest in Set(image.contentDigests) { imagesByBlob[digest, default: []].append(image.id) }
        }
        let containersByImage = Dictionary(grouping: model.containers.values.filter(\.isListed), by: { $0.config?.image ?? "" })

        var images = listed.map { image -> ImageUsage in
            var total: Int64 = 0
            var shared: Int64 = 0
            for chainID in image.chainIDs {
                let layerBytes = bytes(.layerDiff(chainID: chainID))
                total +|= layerBytes
                if (imagesByLayer[chainID]?.count ?? 0) > 1 { shared +|= layerBytes }
            }
            var usage = ImageUsage(
                id: image.id, tags: image.references, dangling: image.references.isEmpty, created: image.created,
                layers: image.chainIDs, bytes: total, sharedBytes: shared, uniqueBytes: total -| shared,
                containers: (containersByImage[image.id] ?? []).map(\.id).sorted())
            if let waste = waste[image.id] { usage.fillWaste(waste, image: image, mode: mode) }
            if image.store != .overlay2 {
                usage.store = image.store
                var content: Int64 = 0
                var sharedContent: Int64 = 0
                for digest in image.contentDigests {
                    let blobBytes = bytes(.contentBlob(digest: digest))
                    content +|= blobBytes
                    if (imagesByBlob[digest]?.count ?? 0) > 1 { sharedContent +|= blobBytes }
                }
                usage.contentBytes = content
                usage.sharedContentBytes = sharedContent
                usage.platforms = image.platforms.isEmpty ? nil : image.platforms
            }
            return usage
        }

        let layers = model.layers.values.sorted { $0.chainID < $1.chainID }.compactMap { layer -> LayerUsage? in
            guard rules.slot(of: .layerDiff(chainID: layer.chainID)) != nil else { return nil }
            var usage = LayerUsage(
                chainId: layer.chainID, diffId: layer.diffID, cacheId: layer.cacheID,
                bytes: bytes(.layerDiff(chainID: layer.chainID)), images: (imagesByLayer[layer.chainID] ?? []).sorted())
            if layer.store != .overlay2 { usage.store = layer.store }
            return usage
        }

        var containers = model.containers.values.filter(\.isListed).sorted { $0.id < $1.id }.map { container in
            let config = container.config
            let diff = bytes(.containerDiff(id: container.id))
            let logs = bytes(.containerLogs(id: container.id))
            let rest = bytes(.containerRest(id: container.id))
            var name = config?.name ?? ""
            if name.hasPrefix("/") { name.removeFirst() }
            var usage = ContainerUsage(
                id: container.id, name: name, imageId: config?.image ?? "",
                state: config == nil ? .unknown : config?.containerState ?? .unknown,
                created: config?.created, finishedAt: config?.finishedAt,
                logDriver: container.hostConfig?.logConfig?.type, rwBytes: diff, logBytes: logs,
                totalBytes: diff +| logs +| rest, volumes: config?.volumeNames ?? [])
            usage.startedAt = config?.startedAt
            return usage
        }
        LastUse.fill(images: &images, containers: &containers, model: model, scannedAt: generatedAt)

        var containersByVolume: [String: [String]] = [:]
        for container in containers {
            for volume in container.volumes { containersByVolume[volume, default: []].append(container.id) }
        }
        var volumes = model.volumes.values.sorted { $0.name < $1.name }.map { volume in
            VolumeUsage(
                name: volume.name, bytes: bytes(.volumeData(name: volume.name)),
                containers: (containersByVolume[volume.name] ?? []).sorted(), anonymous: volume.anonymous)
        }
        LastUse.fill(volumes: &volumes, containers: containers, model: model)

        let orphans = rules.orphans.enumerated().map { index, candidate in
            var usage = OrphanUsage(
                path: String(decoding: candidate.path, as: UTF8.self),
                pathBase64: String(validating: candidate.path, as: UTF8.self) == nil ? Data(candidate.path).base64EncodedString() : nil,
                kind: candidate.kind, bytes: bytes(.orphan(index: index)))
            if candidate.base != .dataRoot { usage.base = candidate.base }
            return usage
        }.sorted { ($0.bytes, $1.path) > ($1.bytes, $0.path) }

        var warnings = model.warnings
        for problem in tally.problems {
            warnings.append(Warning(
                code: .unreadable, path: String(decoding: problem.path, as: UTF8.self),
                message: "cannot \(problem.operation): \(problem.error)"))
        }
        warnings.sort { ($0.path, $0.code.rawValue, $0.message) < ($1.path, $1.code.rawValue, $1.message) }

        var blobs: [BlobUsage]?
        var containerdSummary: ContainerdStoreSummary?
        if model.containerd != nil {
            blobs = model.contentBlobs.values.sorted { $0.digest < $1.digest }.map { blob in
                BlobUsage(digest: blob.digest, mediaType: blob.mediaType, bytes: bytes(.contentBlob(digest: blob.digest)), images: (imagesByBlob[blob.digest] ?? []).sorted())
            }
            // A compressed layer whose diff ID is an unpacked layer of the same image.
            var copies: Int64 = 0
            var counted = Set<String>()
            for image in listed where image.store == .containerd {
                let unpacked = Set(zip(image.diffIDs, image.chainIDs).filter { model.layers[$0.1] != nil }.map(\.0))
                for digest in image.contentDigests where !counted.contains(digest) {
                    guard let diffID = model.contentBlobs[digest]?.uncompressedDigest, unpacked.contains(diffID) else { continue }
                    counted.insert(digest)
                    copies +|= bytes(.contentBlob(digest: digest))
                }
            }
            containerdSummary = ContainerdStoreSummary(compressedCopiesBytes: copies, inProgressBytes: bytes(.inProgress), heldBytes: bytes(.heldByContainerd))
        }

        var report = Report(
            dataRoot: dataRoot, sizeMode: mode, generatedAt: generatedAt, totalBytes: categories.sum,
            categories: categories, images: images, containers: containers, volumes: volumes, layers: layers,
            orphans: orphans, warnings: warnings, metadataComplete: model.completeness,
            linkedFolders: model.linkedFolders.map { folder in
                var counted = folder
                counted.bytes = (mode == .disk ? model.linkedFolderAllocatedBytes : model.linkedFolderApparentBytes)[folder.name] ?? 0
                return counted
            },
            stores: model.stores.isEmpty ? nil : model.stores,
            roots: model.walkedRoots.isEmpty ? nil : model.walkedRoots.map { RootUsage(name: $0.name, path: $0.path, bytes: mode == .disk ? $0.allocatedBytes : $0.apparentBytes) },
            blobs: blobs, containerdStore: containerdSummary)
        report.buildCache = buildCacheRecords(listed: listed, imagesByLayer: imagesByLayer, bytes: bytes)
        return report
    }

    /// BuildKit's records as `docker system df -v` lists them, each measured by the walk; nil when
    /// the data root has no BuildKit databases.
    private func buildCacheRecords(listed: [StoredImage], imagesByLayer: [String: [String]], bytes: (SlotOwner) -> Int64) -> [BuildCacheUsage]? {
        guard let cache = model.buildCache else { return model.buildCacheMetadataComplete ? nil : [] }
        // moby's checker: a record is shared when its chain starts some image's, tagged or not.
        let imageChains = Set(model.images.values.flatMap(\.chainIDs))
        let entries = cache.listedRecords(imageChainIDs: imageChains)
        var layerByCacheID: [String: String] = [:]
        for layer in model.layers.values where layer.store == .overlay2 { layerByCacheID[layer.cacheID] = layer.chainID }
        let allImagesByLayer = Dictionary(grouping: model.images.values.flatMap { image in image.chainIDs.map { ($0, image.id) } }, by: \.0)
            .mapValues { Array(Set($0.map(\.1))).sorted() }
        // In use: a step runs on it (its directory is mounted), or on a record above it.
        var inUse = Set(entries.filter { $0.overlayDirectory.map(model.mountedBuildKitDirectories.contains) == true }.map(\.record.id))
        var changed = !inUse.isEmpty
        while changed {
            changed = false
            for entry in entries where inUse.contains(entry.record.id) {
                if let parent = entry.record.parentID, inUse.insert(parent).inserted { changed = true }
            }
        }
        return entries.map { entry in
            let record = entry.record
            // Its data is an image layer's directory: counted there, under that layer's images.
            let layerChain = entry.overlayDirectory.flatMap { layerByCacheID[$0] } ?? entry.imageChainID.flatMap { model.layers[$0] != nil && rules.slot(of: .layerDiff(chainID: $0)) != nil ? $0 : nil }
            let countedUnder = layerChain.map { chain in imagesByLayer[chain] ?? allImagesByLayer[chain] ?? [] }
            let directory = layerChain == nil ? entry.overlayDirectory : nil
            let diff = directory.map { bytes(.buildCacheDiff(name: $0)) } ?? 0
            let measured = directory.map { bytes(.buildCacheDirectory(name: $0)) +| diff } ?? 0
            return BuildCacheUsage(
                id: record.id, type: record.kind.rawValue, description: record.description, bytes: measured, diffBytes: diff,
                directory: directory.map { "overlay2/" + $0 }, countedUnder: countedUnder, shared: entry.isShared,
                inUse: inUse.contains(record.id), mutable: record.isMutable,
                createdAt: record.createdAtNanoseconds.map(Timestamp.rfc3339Nanoseconds),
                lastUsedAt: record.lastUsedAtNanoseconds.map(Timestamp.rfc3339Nanoseconds),
                usageCount: record.usageCount, parent: record.parentID, recordedBytes: entry.recordedSizeBytes)
        }
    }
}
