import FoundationEssentials

/// Reads Docker's metadata under a data root into a ``DataRootModel``. Every problem with one file
/// becomes a warning; the rest is still read.
public struct DataRootLoader: Sendable {
    public let files: DataRootFiles

    public init(files: DataRootFiles) { self.files = files }

    static let imageRoot = ["image", "overlay2"]

    public func load() -> DataRootModel {
        var model = DataRootModel()
        loadLayers(into: &model)
        loadImages(into: &model)
        loadContainers(into: &model)
        loadVolumes(into: &model)
        loadBuildKit(into: &model)
        loadOverlay(into: &model)
        checkImageChains(in: &model)
        return model
    }

    // MARK: layerdb

    private func loadLayers(into model: inout DataRootModel) {
        let directory = Self.imageRoot + ["layerdb", "sha256"]
        guard let names = list(directory, into: &model) else { return }
        for nameBytes in names {
            let name = String(decoding: nameBytes, as: UTF8.self)
            let path = directory + [name]
            guard DockerNames.isHexID(nameBytes) else {
                model.strayLayerMetadata.append(nameBytes)
                continue
            }
            let chainID = "sha256:" + name
            guard let diffID = readText(path + ["diff"], into: &model),
                  let cacheID = readText(path + ["cache-id"], into: &model)
            else {
                model.layerMetadataComplete = false
                continue
            }
            let parent = readText(path + ["parent"], into: &model, optional: true)
            let sizeText = readText(path + ["size"], into: &model, optional: true)
            // The trust boundary: a value of the wrong shape is a warning, never a path.
            var problems: [String] = []
            if !DockerNames.isDigest(diffID.utf8) { problems.append("diff is \(quoted(diffID)), not sha256:<64 hex digits>") }
            // 64 hex digits, or a BuildKit ID: a build's exported layer keeps BuildKit's directory
            // (moby's snapshotter registers it with RegisterByGraphID).
            if !DockerNames.isHexID(cacheID.utf8) && !BuildKitNames.isRandomID(cacheID.utf8) {
                problems.append("cache-id is \(quoted(cacheID)), not 64 hex digits or a BuildKit ID")
            }
            if let parent, !DockerNames.isDigest(parent.utf8) { problems.append("parent is \(quoted(parent)), not sha256:<64 hex digits>") }
            let size = sizeText.flatMap { Int64($0) }
            if let sizeText, size == nil || size.map({ $0 < 0 }) == true { problems.append("size is \(quoted(sizeText)), not a byte count") }
            guard problems.isEmpty else {
                model.warn(.corrupt, joined(path), problems.joined(separator: "; ") + "; the layer is left out, and no overlay2 directory is called an orphan")
                model.layerMetadataComplete = false
                continue
            }
            model.layers[chainID] = StoredLayer(chainID: chainID, diffID: diffID, cacheID: cacheID, parent: parent, recordedSize: size)
            let expected = ChainID.chain(of: (parent.map { [$0] } ?? []) + [diffID]).last
            if let parent, let expected, expected != chainID {
                model.warn(.chainMismatch, joined(path), "chain ID does not match sha256(parent \(parent) + \" \" + diff \(diffID)) = \(expected)")
            } else if parent == nil && diffID != chainID {
                model.warn(.chainMismatch, joined(path), "base layer's chain ID differs from its diff ID \(diffID)")
            }
        }
    }

    // MARK: imagedb and repositories.json

    private func loadImages(into model: inout DataRootModel) {
        var references: [String: [String]] = [:]
        let repositoriesPath = Self.imageRoot + ["repositories.json"]
        if files.exists(repositoriesPath) {
            if let bytes = read(repositoriesPath, into: &model) {
                do {
                    references = try RepositoriesFile.parse(bytes).referencesByImage
                } catch {
                    model.tagsKnown = false
                    model.warn(.corrupt, joined(repositoriesPath), "cannot parse repositories.json: \(DecodingProblem.describe(error, in: bytes)); tags are unknown, so no image is called dangling or proposed for removal")
                }
            } else {
                model.tagsKnown = false
            }
        }
        let contentDirectory = Self.imageRoot + ["imagedb", "content", "sha256"]
        let warningsBefore = model.warnings.count
        defer {
            if model.warnings[warningsBefore...].contains(where: { $0.code == .unreadable || $0.code == .corrupt || $0.code == .vanished }) {
                model.imageMetadataComplete = false
            }
        }
        guard let names = list(contentDirectory, into: &model) else { return }
        for nameBytes in names where DockerNames.isHexID(nameBytes) {
            let hex = String(decoding: nameBytes, as: UTF8.self)
            let id = "sha256:" + hex
            let path = contentDirectory + [hex]
            guard let bytes = read(path, into: &model) else { continue }
            let config: ImageConfig
            do {
                config = try ImageConfig.parse(bytes)
            } catch {
                model.warn(.corrupt, joined(path), "cannot parse image config: \(DecodingProblem.describe(error, in: bytes))")
                continue
            }
            let parentPath = Self.imageRoot + ["imagedb", "metadata", "sha256", hex, "parent"]
            var parent = readText(parentPath, into: &model, optional: true)
            if let value = parent, !DockerNames.isDigest(value.utf8) {
                model.warn(.corrupt, joined(parentPath), "parent is \(quoted(value)), not sha256:<64 hex digits>; ignored")
                parent = nil
            }
            if let bad = config.diffIDs.first(where: { !DockerNames.isDigest($0.utf8) }) {
                model.warn(.corrupt, joined(path), "rootfs.diff_ids holds \(quoted(bad)), not sha256:<64 hex digits>; the image is left out")
                continue
            }
            model.images[id] = StoredImage(
                id: id, created: config.created, diffIDs: config.diffIDs, chainIDs: ChainID.chain(of: config.diffIDs),
                parent: parent, references: references[id] ?? [], labels: config.config?.labels ?? [:],
                layerCommands: config.layerCommands)
            // Tag time: evidence of use that survives without containers (moby `SetLastUpdated`).
            let lastUpdatedPath = Self.imageRoot + ["imagedb", "metadata", "sha256", hex, "lastUpdated"]
            if let lastUpdated = readText(lastUpdatedPath, into: &model, optional: true) {
                if Timestamp.parse(lastUpdated) != nil {
                    model.images[id]?.lastTagged = lastUpdated
                } else {
                    model.warn(.corrupt, joined(lastUpdatedPath), "lastUpdated is \(quoted(lastUpdated)), not an RFC 3339 time; ignored")
                }
            }
        }
    }

    private func checkImageChains(in model: inout DataRootModel) {
        for image in model.images.values.sorted(by: { $0.id < $1.id }) {
            for chainID in image.chainIDs where model.layers[chainID] == nil {
                model.warn(.missingDirectory, joined(Self.imageRoot + ["layerdb", "sha256", String(chainID.dropFirst(7))]), "image \(image.id) needs layer \(chainID), which layerdb does not have")
            }
        }
    }

    // MARK: containers and layerdb/mounts

    private func loadContainers(into model: inout DataRootModel) {
        let mountsDirectory = Self.imageRoot + ["layerdb", "mounts"]
        var ids = Set<String>()
        let containerNames = files.exists(["containers"]) ? (list(["containers"], into: &model) ?? []) : []
        for name in containerNames { ids.insert(String(decoding: name, as: UTF8.self)) }
        let mountNames = files.exists(mountsDirectory) ? (list(mountsDirectory, into: &model) ?? []) : []
        let mounted = Set(mountNames.map { String(decoding: $0, as: UTF8.self) })
        ids.formUnion(mounted)

        for id in ids.sorted() {
            let hasDirectory = containerNames.contains(Array(id.utf8))
            var container = StoredContainer(id: id, config: nil, hostConfig: nil, hasDirectory: hasDirectory, hasMountEntry: mounted.contains(id))
            if hasDirectory {
                let configPath = ["containers", id, "config.v2.json"]
                if !files.exists(configPath) {
                    container.configMissing = true
                    if container.hasMountEntry {
                        model.containerMetadataComplete = false
                        model.warn(.missingDirectory, joined(configPath), "missing; the container's state, name, image and volumes are unknown")
                    }
                } else if let bytes = read(configPath, into: &model) {
                    do {
                        container.config = try ContainerConfig.parse(bytes)
                        if let image = container.config?.image, !image.isEmpty, !DockerNames.isDigest(image.utf8) {
                            model.containerMetadataComplete = false
                            model.warn(.corrupt, joined(configPath), "Image is \(quoted(image)), not sha256:<64 hex digits>; the image it uses is unknown")
                        }
                    } catch {
                        model.containerMetadataComplete = false
                        model.warn(.corrupt, joined(configPath), "cannot parse container config: \(DecodingProblem.describe(error, in: bytes)); its state, name, image and volumes are unknown")
                    }
                } else {
                    model.containerMetadataComplete = false
                }
                let hostPath = ["containers", id, "hostconfig.json"]
                if files.exists(hostPath), let bytes = read(hostPath, into: &model) {
                    do {
                        container.hostConfig = try ContainerHostConfig.parse(bytes)
                    } catch {
                        model.warn(.corrupt, joined(hostPath), "cannot parse hostconfig.json: \(DecodingProblem.describe(error, in: bytes)); the log driver is unknown")
                    }
                }
            }
            if container.hasMountEntry {
                let path = mountsDirectory + [id]
                let mountID = readText(path + ["mount-id"], into: &model)
                let initID = readText(path + ["init-id"], into: &model, optional: true)
                let parent = readText(path + ["parent"], into: &model, optional: true)
                var problems: [String] = []
                if let mountID, !DockerNames.isHexID(mountID.utf8) { problems.append("mount-id is \(quoted(mountID)), not 64 hex digits") }
                if let initID, initID != (mountID ?? "") + "-init" { problems.append("init-id is \(quoted(initID)), not <mount-id>-init") }
                if let parent, !DockerNames.isDigest(parent.utf8) { problems.append("parent is \(quoted(parent)), not sha256:<64 hex digits>") }
                if problems.isEmpty && mountID != nil {
                    container.mountID = mountID
                    container.initID = initID
                    container.parentChainID = parent
                } else {
                    // Its layers cannot be found, so no overlay2 directory may be called an orphan,
                    // and the image it stands on is unknown.
                    model.layerMetadataComplete = false
                    model.containerMetadataComplete = false
                    if !problems.isEmpty {
                        model.warn(.corrupt, joined(path), problems.joined(separator: "; ") + "; the container's layers are unknown")
                    }
                }
            }
            model.containers[id] = container
        }
    }

    // MARK: volumes

    private func loadVolumes(into model: inout DataRootModel) {
        guard files.exists(["volumes"]), let names = list(["volumes"], into: &model) else { return }
        var labelsByVolume: [String: [String: String]] = [:]
        let metadataPath = ["volumes", "metadata.db"]
        if files.exists(metadataPath), let bytes = read(metadataPath, into: &model) {
            do {
                let database = try BoltDB(bytes: bytes)
                struct VolumeRecord: Decodable { var Labels: [String: String]? }
                var undecodable: [String] = []
                database.bucket([Array("volumes".utf8)])?.forEach { key, value in
                    let name = String(decoding: key, as: UTF8.self)
                    guard let value else { return }
                    guard let record = try? JSONDecoder().decode(VolumeRecord.self, from: Data(value)) else {
                        undecodable.append(name)
                        return
                    }
                    labelsByVolume[name] = record.Labels ?? [:]
                }
                if !undecodable.isEmpty {
                    let shown = undecodable.prefix(3).map(quoted).joined(separator: ", ") + (undecodable.count > 3 ? " and \(undecodable.count - 3) more" : "")
                    model.warn(.corrupt, joined(metadataPath), "\(undecodable.count) volume record\(undecodable.count == 1 ? "" : "s") (\(shown)) do not decode; their labels are unknown")
                }
            } catch {
                model.warn(.corrupt, joined(metadataPath), "cannot read volume metadata; anonymous volumes are told by their names only: \(error)")
            }
        }
        for nameBytes in names {
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard let status = try? files.status(["volumes", name]), status.isDirectory else { continue }
            let labels = labelsByVolume[name] ?? [:]
            let anonymous = labels["com.docker.volume.anonymous"] != nil || DockerNames.isHexID(nameBytes)
            model.volumes[name] = StoredVolume(name: name, anonymous: anonymous, labels: labels, createdSeconds: status.modificationTime)
        }
    }

    // MARK: buildkit

    private func loadBuildKit(into model: inout DataRootModel) {
        let snapshotsPath = BuildKitSnapshots.path
        let metadataPath = BuildCacheMetadata.path
        let snapshots = readBuildKitDatabase(snapshotsPath, into: &model)
        if let snapshots {
            snapshots.rootBucket.forEach { key, value in
                if value == nil { model.buildKitSnapshots.insert(key) }
            }
        }
        let metadata = readBuildKitDatabase(metadataPath, into: &model)
        guard snapshots != nil || metadata != nil else { return }
        let (records, recordWarnings) = metadata.map(BuildCacheMetadata.records(in:)) ?? ([], [])
        let (snapshotList, snapshotWarnings) = snapshots.map(BuildKitSnapshots.snapshots(in:)) ?? ([], [])
        let cache = BuildCache(records: records, snapshots: snapshotList, warnings: recordWarnings + snapshotWarnings)
        for warning in cache.warnings {
            model.warn(.corrupt, warning.database, "\(warning.item): \(warning.message)")
            // A record or snapshot left out may own a directory; one the engine drops does not.
            if !warning.message.contains("the engine drops") { model.buildCacheMetadataComplete = false }
        }
        model.buildCache = cache
        // A step running now has its snapshot mounted (the graph driver's Get): BuildKit's refs.
        for directory in cache.referencedOverlayDirectories.sorted() {
            guard let merged = try? files.status(["overlay2", directory, "merged"]), merged.isDirectory,
                  let own = try? files.status(["overlay2", directory]), merged.device != own.device
            else { continue }
            model.mountedBuildKitDirectories.insert(directory)
        }
    }

    /// One of BuildKit's bolt files, read without the lock a running dockerd holds and read again
    /// until its transaction is the same before and after; nil when absent (no warning) or when
    /// it cannot be read (a warning, and BuildKit's metadata is then incomplete).
    private func readBuildKitDatabase(_ path: [String], into model: inout DataRootModel) -> BoltDB? {
        guard files.exists(path) else { return nil }
        do {
            let outcome = try ConsistentBoltRead.read(readFile: { () throws(Errno) -> [UInt8] in try files.read(path, limit: 1 << 34) }, decode: { $0 })
            if !outcome.isConsistent {
                model.warn(.unreadable, joined(path), "changed during every one of \(outcome.attempts) reads (a build is writing); the last read is used")
            }
            return outcome.value
        } catch {
            model.warn(
                error.isUnreadable ? .unreadable : .corrupt, joined(path),
                "cannot read BuildKit's database: \(error); no overlay2 directory of BuildKit's shape is called an orphan")
            model.buildCacheMetadataComplete = false
            return nil
        }
    }

    // MARK: overlay2

    private func loadOverlay(into model: inout DataRootModel) {
        guard files.exists(["overlay2"]) else {
            if !model.layers.isEmpty {
                model.warn(.missingDirectory, "overlay2", "layerdb names layers but overlay2/ is missing")
            }
            return
        }
        guard let names = list(["overlay2"], into: &model) else { return }
        let link = Array("l".utf8)
        model.overlayDirectories = names.filter { $0 != link }
        let present = Set(model.overlayDirectories)

        if names.contains(link), let linkNames = list(["overlay2", "l"], into: &model) {
            for linkName in linkNames {
                let name = String(decoding: linkName, as: UTF8.self)
                guard let target = try? files.readLink(["overlay2", "l", name]) else {
                    model.warn(.brokenLink, "overlay2/l/\(name)", "not a readable symbolic link")
                    continue
                }
                if let directory = DockerNames.linkTarget(target), present.contains(directory) {
                    model.links[linkName] = directory
                } else {
                    model.warn(.brokenLink, "overlay2/l/\(name)", "points to \(String(decoding: target, as: UTF8.self)), which does not exist")
                }
            }
        }

        for layer in model.layers.values.sorted(by: { $0.chainID < $1.chainID }) where !present.contains(Array(layer.cacheID.utf8)) {
            model.warn(.missingDirectory, "overlay2/\(layer.cacheID)", "layer \(layer.chainID) has no overlay2 directory")
        }
        for container in model.containers.values.sorted(by: { $0.id < $1.id }) {
            for id in [container.mountID, container.initID].compactMap({ $0 }) where !present.contains(Array(id.utf8)) {
                model.warn(.missingDirectory, "overlay2/\(id)", "container \(container.id) has no overlay2 directory \(id)")
            }
        }

        let knownLinks = Set(model.links.keys)
        for name in model.overlayDirectories {
            let id = String(decoding: name, as: UTF8.self)
            let lower: [UInt8]
            do {
                lower = try files.read(["overlay2", id, "lower"], limit: 1 << 16)
            } catch where error.isMissing {
                continue
            } catch {
                model.warn(.unreadable, "overlay2/\(id)/lower", "cannot read: \(error)")
                continue
            }
            guard let links = DockerNames.lowerLinks(lower) else {
                model.warn(.corrupt, "overlay2/\(id)/lower", "not a list of at most \(DockerNames.maximumLowerDepth) l/<26-character link> entries joined by ':'")
                continue
            }
            for link in links where !knownLinks.contains(link) {
                model.warn(.brokenLink, "overlay2/\(id)/lower", "names link l/\(String(decoding: link, as: UTF8.self)), which is missing or broken")
            }
        }
    }

    // MARK: reading helpers

    private func list(_ path: [String], into model: inout DataRootModel) -> [[UInt8]]? {
        do {
            return try files.list(path)
        } catch where error.isMissing {
            return nil
        } catch {
            model.warn(.unreadable, joined(path), "cannot list directory: \(error)")
            return nil
        }
    }

    private func read(_ path: [String], into model: inout DataRootModel) -> [UInt8]? {
        do {
            return try files.read(path)
        } catch where error.isMissing {
            model.warn(.vanished, joined(path), "missing")
            return nil
        } catch {
            model.warn(.unreadable, joined(path), "cannot read: \(error)")
            return nil
        }
    }

    /// A small text file, without surrounding white space; nil (with a warning unless
    /// `optional`) when missing or unreadable.
    private func readText(_ path: [String], into model: inout DataRootModel, optional: Bool = false) -> String? {
        do {
            let bytes = try files.read(path, limit: 1 << 16)
            let text = String(decoding: trimmingWhiteSpace(bytes), as: UTF8.self)
            return text.isEmpty ? nil : text
        } catch where error.isMissing {
            if !optional { model.warn(.missingDirectory, joined(path), "missing") }
            return nil
        } catch {
            model.warn(.unreadable, joined(path), "cannot read: \(error)")
            return nil
        }
    }

    private func joined(_ path: [String]) -> String { path.joined(separator: "/") }

    /// A value read from a file, for a message: quoted, cut to a readable length.
    private func quoted(_ value: String) -> String {
        let shown = value.count > 80 ? String(value.prefix(77)) + "..." : value
        return "'\(shown)'"
    }
}

/// `bytes` without leading and trailing ASCII white space.
func trimmingWhiteSpace(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
    return bytes[first...last]
}
