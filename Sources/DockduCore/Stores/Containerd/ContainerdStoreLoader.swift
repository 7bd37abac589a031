import FoundationEssentials

/// Reads a containerd root (Docker 29's image store) into the model: images as Docker lists
/// them (ID = the target's digest, names familiar), their layers (committed snapshots keyed by
/// chain ID), their blobs, Docker containers' snapshots, and who owns every snapshot directory and
/// blob file (``ContainerdStoreModel``). Read-only; the bolt files are read without a lock, the
/// way ``ConsistentBoltRead`` describes.
public struct ContainerdStoreLoader: Sendable {
    public let files: DataRootFiles
    public let root: String
    public let namespace: String
    public let snapshotter: String

    public init(files: DataRootFiles, root: String, namespace: String = "moby", snapshotter: String = StoreDetection.defaultSnapshotter) {
        self.files = files
        self.root = root
        self.namespace = namespace
        self.snapshotter = snapshotter
    }

    /// Path of `relative` under the containerd root, for messages.
    private func display(_ relative: [String]) -> String { ([root] + relative).joined(separator: "/") }

    public func load(into model: inout DataRootModel) {
        var store = ContainerdStoreModel(root: root, namespace: namespace, snapshotter: snapshotter)
        defer { model.containerd = store }
        func unknownAll(_ model: inout DataRootModel, _ store: inout ContainerdStoreModel) {
            model.imageMetadataComplete = false
            model.layerMetadataComplete = false
            store.metadataComplete = false
        }

        // The two databases, each consistent in itself.
        guard let metadata = readBolt(ContainerdStoreModel.metadataPath, into: &model, decode: ContainerdMetadata.init(database:)) else {
            unknownAll(&model, &store)
            listUnknown(into: &store, model: &model)
            return
        }
        let backend = readBolt(OverlayfsMetadata.path, into: &model, decode: OverlayfsMetadata.init(database:))
        for warning in metadata.warnings + (backend?.warnings ?? []) {
            model.warn(warning.code, display([warning.path]), warning.message)
        }
        if !metadata.isComplete || backend?.isComplete != true { unknownAll(&model, &store) }
        guard let space = metadata.namespace(namespace) else {
            if !metadata.namespaces.isEmpty {
                let names = metadata.namespaces.map(\.name).joined(separator: ", ")
                model.warn(.missingDirectory, display(ContainerdStoreModel.metadataPath), "has no namespace \(namespace) (it has \(names)); give Docker's with --containerd-namespace")
            }
            assign(metadata: metadata, space: ContainerdNamespace(name: namespace), backend: backend, store: &store, model: &model)
            return
        }
        loadImages(space, into: &model)
        assign(metadata: metadata, space: space, backend: backend, store: &store, model: &model)
    }

    // MARK: images and their blobs

    private func loadImages(_ space: ContainerdNamespace, into model: inout DataRootModel) {
        let listed = Dictionary(space.blobs.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        for blob in space.blobs {
            model.contentBlobs[blob.digest] = StoredBlob(digest: blob.digest, recordedSize: blob.sizeBytes, uncompressedDigest: blob.uncompressedDigest)
        }
        let byTarget = Dictionary(grouping: space.images, by: \.target.digest)
        for (digest, named) in byTarget.sorted(by: { $0.key < $1.key }) {
            var image = StoredImage(
                id: digest, created: nil, diffIDs: [], chainIDs: [], parent: nil,
                references: Set(named.map { Self.familiar($0.name) }).sorted())
            image.store = .containerd
            if let mediaType = named.first?.target.mediaType { model.contentBlobs[digest]?.mediaType = mediaType }
            var content = Set<String>()
            var visited = Set<String>()
            var manifests: [(config: String, platform: String?)] = []
            collect(digest, mediaType: named.first?.target.mediaType, platform: nil, listed: listed, content: &content, visited: &visited, manifests: &manifests, model: &model, depth: 0)
            // The platform that is unpacked, else the first whose config is here.
            let keys = Set((space.snapshots[snapshotter] ?? []).map(\.key))
            var chosen: (ImageConfig, [String])?
            for manifest in manifests {
                guard let bytes = readBlob(manifest.config, model: &model), let config = try? ImageConfig.parse(bytes) else { continue }
                let chain = ChainID.chain(of: config.diffIDs)
                if chain.last.map(keys.contains) == true {
                    chosen = (config, chain)
                    break
                }
                if chosen == nil { chosen = (config, chain) }
            }
            if let (config, chain) = chosen {
                image.created = config.created
                image.diffIDs = config.diffIDs
                image.chainIDs = chain
                image.labels = config.config?.labels ?? [:]
            }
            if manifests.count > 1 { image.platforms = manifests.compactMap(\.platform).sorted() }
            image.contentDigests = content.sorted()
            for blob in image.contentDigests { model.contentBlobs[blob]?.images.append(digest) }
            model.images[digest] = image
        }
    }

    /// Every blob an image reaches from `digest`: an index's manifests, a manifest's config and
    /// layers, and what the garbage collector's labels name.
    private func collect(
        _ digest: String, mediaType: String?, platform: String?, listed: [String: ContentBlob], content: inout Set<String>, visited: inout Set<String>,
        manifests: inout [(config: String, platform: String?)], model: inout DataRootModel, depth: Int
    ) {
        guard depth < 8, visited.insert(digest).inserted else { return }
        content.insert(digest)
        if let mediaType, model.contentBlobs[digest]?.mediaType == nil { model.contentBlobs[digest]?.mediaType = mediaType }
        // What the garbage collector's labels keep alive belongs to the image too; documents among
        // them are parsed below, through the index or manifest that names them.
        content.formUnion(listed[digest]?.contentReferences ?? [])
        guard Self.isDocument(mediaType), let bytes = readBlob(digest, model: &model) else { return }
        guard let document = try? JSONDecoder().decode(ManifestDocument.self, from: Data(bytes)) else { return }
        for entry in document.manifests ?? [] where ContainerdNames.isDigest(entry.digest.utf8) {
            let name = entry.platform.map { [$0.os, $0.architecture, $0.variant].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "/") }
            collect(entry.digest, mediaType: entry.mediaType ?? "application/vnd.oci.image.manifest.v1+json", platform: name, listed: listed, content: &content, visited: &visited, manifests: &manifests, model: &model, depth: depth + 1)
        }
        if let config = document.config, ContainerdNames.isDigest(config.digest.utf8) {
            content.insert(config.digest)
            if let type = config.mediaType { model.contentBlobs[config.digest]?.mediaType = type }
            manifests.append((config.digest, platform))
        }
        for layer in document.layers ?? [] where ContainerdNames.isDigest(layer.digest.utf8) {
            content.insert(layer.digest)
            if let type = layer.mediaType { model.contentBlobs[layer.digest]?.mediaType = type }
        }
    }

    private static func isDocument(_ mediaType: String?) -> Bool {
        guard let mediaType else { return false }
        return mediaType.hasSuffix("manifest.v1+json") || mediaType.hasSuffix("image.index.v1+json")
            || mediaType.hasSuffix("manifest.list.v2+json") || mediaType.hasSuffix("manifest.v2+json")
    }

    struct ManifestDocument: Decodable {
        struct Descriptor: Decodable {
            struct Platform: Decodable { var os: String?; var architecture: String?; var variant: String? }
            var mediaType: String?
            var digest: String
            var platform: Platform?
        }
        var manifests: [Descriptor]?
        var config: Descriptor?
        var layers: [Descriptor]?
    }

    /// `docker.io/library/x:1` → `x:1`, `docker.io/rig/a:1` → `rig/a:1`, as Docker shows names.
    static func familiar(_ name: String) -> String {
        var name = name
        if name.hasPrefix("docker.io/") { name.removeFirst("docker.io/".count) }
        if name.hasPrefix("library/") && !name.dropFirst(8).contains("/") { name.removeFirst("library/".count) }
        return name
    }

    private func readBlob(_ digest: String, model: inout DataRootModel, quiet: Bool = false) -> [UInt8]? {
        guard ContainerdNames.isDigest(digest.utf8) else { return nil }
        let path = ContainerdStoreModel.blobsPath + [String(digest.dropFirst(7))]
        do {
            return try files.read(path, limit: 4 << 20)
        } catch where error.isMissing {
            return nil
        } catch {
            if !quiet { model.warn(.unreadable, display(path), "cannot read: \(error)") }
            return nil
        }
    }

    // MARK: who owns each directory and file

    private func assign(metadata: ContainerdMetadata, space: ContainerdNamespace, backend: OverlayfsMetadata?, store: inout ContainerdStoreModel, model: inout DataRootModel) {
        let snapshots = Dictionary(space.snapshots[snapshotter, default: []].map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let backendByName = Dictionary((backend?.snapshots ?? []).map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        func directory(of key: String) -> OverlayfsSnapshot? { snapshots[key].flatMap { backendByName[$0.backendName] } }
        for (key, _) in snapshots { if let found = directory(of: key) { store.directoryOfKey[key] = found.directoryName } }

        var roles: [String: SnapshotRole] = [:]  // by directory number
        func claim(_ key: String, _ role: SnapshotRole) {
            guard let found = directory(of: key), roles[found.directoryName] == nil else { return }
            roles[found.directoryName] = role
        }

        // Layers: committed snapshots keyed by a chain ID.
        var chainDiff: [String: String] = [:]
        for image in model.images.values where image.store == .containerd {
            for (chain, diff) in zip(image.chainIDs, image.diffIDs) { chainDiff[chain] = diff }
        }
        for (key, snapshot) in snapshots.sorted(by: { $0.key < $1.key }) where ContainerdNames.isDigest(key.utf8) {
            guard let found = directory(of: key), found.kind == .committed else { continue }
            model.layers[key] = StoredLayer(
                chainID: key, diffID: chainDiff[key] ?? "", cacheID: found.directoryName,
                parent: snapshot.parentKey, recordedSize: found.usage?.sizeBytes, store: .containerd)
        }
        // Which layers something stands on.
        var used = Set<String>()
        func standOn(_ key: String?) {
            var next = key
            while let current = next, used.insert(current).inserted { next = snapshots[current]?.parentKey }
        }
        for image in model.images.values where image.store == .containerd { standOn(image.chainIDs.last) }

        // Docker's containers: `<id>` on `<id>-init` on the image's top layer.
        for (id, var container) in model.containers.sorted(by: { $0.key < $1.key }) where container.hasDirectory {
            let writable = snapshots[id] != nil ? id : nil
            let initKey = snapshots[id + "-init"] != nil ? id + "-init" : nil
            guard writable != nil || initKey != nil else { continue }
            store.containerSnapshots[id] = (writable, initKey)
            if let writable { claim(writable, .containerLayer(id: id)) }
            if let initKey { claim(initKey, .containerInit(id: id)) }
            let parent = snapshots[initKey ?? writable ?? ""]?.parentKey
            if let parent, container.parentChainID == nil { container.parentChainID = parent }
            standOn(parent)
            model.containers[id] = container
        }
        for (key, _) in snapshots where key.hasPrefix("extract-") {
            claim(key, .inProgress)
            standOn(snapshots[key]?.parentKey)
        }
        // containerd's own containers and leases keep snapshots Docker does not know.
        for container in space.containers where container.snapshotter == snapshotter {
            guard let key = container.snapshotKey else { continue }
            if model.containers[container.id]?.hasDirectory == true { continue }
            claim(key, .held("containerd container \(container.id)"))
            standOn(snapshots[key]?.parentKey)
        }
        for lease in space.leases {
            for key in lease.snapshots[snapshotter] ?? [] {
                claim(key, .held("lease \(lease.id)"))
                standOn(snapshots[key]?.parentKey)
            }
        }
        for blob in space.blobs {
            for key in blob.snapshotReferences[snapshotter] ?? [] { standOn(key) }
        }
        for (key, snapshot) in snapshots.sorted(by: { $0.key < $1.key }) {
            guard let found = directory(of: key) else {
                model.warn(.missingDirectory, display(ContainerdStoreModel.metadataPath), "snapshot \(key) is not in the snapshotter's metadata.db")
                continue
            }
            if let parent = snapshot.parentKey, snapshots[parent] == nil {
                model.warn(.missingDirectory, display(found.directoryPath), "snapshot \(key) stands on \(parent), which meta.db does not have")
            }
            if model.layers[key] != nil {
                if used.contains(key) || !store.metadataComplete || !model.containerMetadataComplete {
                    claim(key, .imageLayer(chainID: key))
                } else {
                    claim(key, .unreferenced(key: key))
                    model.layers[key] = nil
                }
            } else if used.contains(key) {
                claim(key, .held("snapshot \(key), under a snapshot in use"))
            } else {
                claim(key, store.metadataComplete ? .unreferenced(key: key) : .held("snapshot \(key)"))
            }
        }
        // Other namespaces' snapshots, and what the snapshotter has that meta.db does not name.
        let ours = Set(snapshots.values.map(\.backendName))
        for found in backend?.snapshots ?? [] where roles[found.directoryName] == nil && !ours.contains(found.name) {
            let elsewhere = found.name.namespace != namespace && metadata.namespace(found.name.namespace) != nil
            roles[found.directoryName] = elsewhere || !store.metadataComplete ? .held("namespace \(found.name.namespace)") : .unreferenced(key: nil)
        }
        store.snapshotDirectories = roles
        for (key, _) in snapshots.sorted(by: { $0.key < $1.key }) {
            if let found = directory(of: key), !files.exists(found.directoryPath) {
                model.warn(.missingDirectory, display(found.directoryPath), "snapshot \(key) has no directory")
            }
        }

        // Blobs: an image's, held by a lease or another namespace, listed but unused.
        var leased = Set<String>()
        for lease in space.leases { leased.formUnion(lease.content) }
        var elsewhere = Set<String>()
        for other in metadata.namespaces where other.name != namespace { elsewhere.formUnion(other.blobs.map(\.digest)) }
        var referenced = Set<String>()
        for image in model.images.values where image.store == .containerd { referenced.formUnion(image.contentDigests) }
        for blob in space.blobs {
            let hex = String(blob.digest.dropFirst(7))
            if referenced.contains(blob.digest) {
                store.blobFiles[hex] = .image(digest: blob.digest)
            } else if leased.contains(blob.digest) || elsewhere.contains(blob.digest) || !store.metadataComplete {
                store.blobFiles[hex] = .held
            } else {
                store.blobFiles[hex] = .unreferenced(digest: blob.digest)
                model.contentBlobs[blob.digest] = nil
            }
        }
        for digest in elsewhere where store.blobFiles[String(digest.dropFirst(7))] == nil { store.blobFiles[String(digest.dropFirst(7))] = .held }
        for digest in referenced where model.contentBlobs[digest] == nil {
            model.warn(.missingDirectory, display(ContainerdStoreModel.metadataPath), "an image references blob \(digest), which the content store does not list")
        }
        listUnknown(into: &store, model: &model)
    }

    /// Directories and files on disk that no metadata names: orphans when the metadata is whole.
    private func listUnknown(into store: inout ContainerdStoreModel, model: inout DataRootModel) {
        if let names = list(ContainerdStoreModel.snapshotsPath, model: &model) {
            for name in names {
                let text = String(decoding: name, as: UTF8.self)
                if store.snapshotDirectories[text] == nil {
                    store.snapshotDirectories[text] = text.hasPrefix("new-") ? .inProgress : store.metadataComplete ? .unknownDirectory : .held("unknown: the metadata is incomplete")
                }
            }
        }
        if let names = list(ContainerdStoreModel.blobsPath, model: &model) {
            for name in names {
                let text = String(decoding: name, as: UTF8.self)
                if store.blobFiles[text] == nil { store.blobFiles[text] = store.metadataComplete ? .unlisted : .held }
            }
        }
        store.ingestDirectories = list([ContainerdStoreModel.contentFolder, "ingest"], model: &model) ?? []
    }

    // MARK: reading

    private func readBolt<Value: Sendable>(_ path: [String], into model: inout DataRootModel, decode: (BoltDB) -> Value) -> Value? {
        guard files.exists(path) else {
            model.warn(.missingDirectory, display(path), "missing; the containerd store's \(path.last ?? "") cannot be read")
            return nil
        }
        do {
            let outcome = try ConsistentBoltRead.read(readFile: { () throws(Errno) -> [UInt8] in try files.read(path, limit: 1 << 34) }, decode: decode)
            if !outcome.isConsistent {
                model.warn(.unreadable, display(path), "changed during every one of \(outcome.attempts) reads (containerd is writing); the last read is used")
            }
            return outcome.value
        } catch {
            model.warn(error.isUnreadable ? .unreadable : .corrupt, display(path), "cannot read: \(error); nothing in the containerd store is called unused")
            return nil
        }
    }

    private func list(_ path: [String], model: inout DataRootModel) -> [[UInt8]]? {
        do {
            return try files.list(path)
        } catch where error.isMissing {
            return nil
        } catch {
            model.warn(.unreadable, display(path), "cannot list directory: \(error)")
            return nil
        }
    }
}

extension ConsistentBoltRead.Failure {
    var isUnreadable: Bool { if case .unreadable = self { true } else { false } }
}
