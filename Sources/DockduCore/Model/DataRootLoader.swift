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
            guard isHexDigest(nameBytes) else {
                model.strayLayerMetadata.append(nameBytes)
                continue
            }
            let chainID = "sha256:" + name
            guard let diffID = readText(path + ["diff"], into: &model),
                  let cacheID = readText(path + ["cache-id"], into: &model)
            else { continue }
            let parent = readText(path + ["parent"], into: &model, optional: true)
            let size = readText(path + ["size"], into: &model, optional: true).flatMap { Int64($0) }
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
        if files.exists(repositoriesPath), let bytes = read(repositoriesPath, into: &model) {
            do {
                references = try RepositoriesFile.parse(bytes).referencesByImage
            } catch {
                model.warn(.corrupt, joined(repositoriesPath), "cannot parse repositories.json; images are shown untagged: \(error)")
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
        for nameBytes in names where isHexDigest(nameBytes) {
            let hex = String(decoding: nameBytes, as: UTF8.self)
            let id = "sha256:" + hex
            let path = contentDirectory + [hex]
            guard let bytes = read(path, into: &model) else { continue }
            let config: ImageConfig
            do {
                config = try ImageConfig.parse(bytes)
            } catch {
                model.warn(.corrupt, joined(path), "cannot parse image config: \(error)")
                continue
            }
            let parentPath = Self.imageRoot + ["imagedb", "metadata", "sha256", hex, "parent"]
            let parent = readText(parentPath, into: &model, optional: true)
            model.images[id] = StoredImage(
                id: id, created: config.created, diffIDs: config.diffIDs, chainIDs: ChainID.chain(of: config.diffIDs),
                parent: parent, references: references[id] ?? [], labels: config.config?.labels ?? [:])
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
                        model.warn(.missingDirectory, joined(configPath), "missing; the container's state and name are unknown")
                    }
                } else if let bytes = read(configPath, into: &model) {
                    do {
                        container.config = try ContainerConfig.parse(bytes)
                    } catch {
                        model.warn(.corrupt, joined(configPath), "cannot parse container config; its state and name are unknown: \(error)")
                    }
                }
                let hostPath = ["containers", id, "hostconfig.json"]
                if files.exists(hostPath), let bytes = read(hostPath, into: &model) {
                    container.hostConfig = try? ContainerHostConfig.parse(bytes)
                    if container.hostConfig == nil {
                        model.warn(.corrupt, joined(hostPath), "cannot parse hostconfig.json; the log driver is unknown")
                    }
                }
            }
            if container.hasMountEntry {
                let path = mountsDirectory + [id]
                container.mountID = readText(path + ["mount-id"], into: &model)
                container.initID = readText(path + ["init-id"], into: &model, optional: true)
                container.parentChainID = readText(path + ["parent"], into: &model, optional: true)
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
                database.bucket([Array("volumes".utf8)])?.forEach { key, value in
                    guard let value, let record = try? JSONDecoder().decode(VolumeRecord.self, from: Data(value)) else { return }
                    labelsByVolume[String(decoding: key, as: UTF8.self)] = record.Labels ?? [:]
                }
            } catch {
                model.warn(.corrupt, joined(metadataPath), "cannot read volume metadata; anonymous volumes are told by their names only: \(error)")
            }
        }
        for nameBytes in names {
            let name = String(decoding: nameBytes, as: UTF8.self)
            guard let status = try? files.status(["volumes", name]), status.isDirectory else { continue }
            let labels = labelsByVolume[name] ?? [:]
            let anonymous = labels["com.docker.volume.anonymous"] != nil || isHexDigest(nameBytes)
            model.volumes[name] = StoredVolume(name: name, anonymous: anonymous, labels: labels)
        }
    }

    // MARK: buildkit

    private func loadBuildKit(into model: inout DataRootModel) {
        let path = ["buildkit", "snapshots.db"]
        guard files.exists(path), let bytes = read(path, into: &model) else { return }
        do {
            let database = try BoltDB(bytes: bytes)
            database.rootBucket.forEach { key, value in
                if value == nil { model.buildKitSnapshots.insert(key) }
            }
        } catch {
            model.warn(.corrupt, joined(path), "cannot read BuildKit's snapshot database; directories it may own are shown as orphans: \(error)")
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
                // ../<id>/diff
                let parts = target.split(separator: 0x2F, omittingEmptySubsequences: true)
                if parts.count == 3, parts[0].elementsEqual("..".utf8), parts[2].elementsEqual("diff".utf8), present.contains(Array(parts[1])) {
                    model.links[linkName] = Array(parts[1])
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
            guard files.exists(["overlay2", id, "lower"]), let lower = try? files.read(["overlay2", id, "lower"], limit: 1 << 20) else { continue }
            for entry in lower.split(separator: 0x3A) {
                let parts = entry.split(separator: 0x2F)
                guard parts.count == 2, parts[0].elementsEqual("l".utf8) else {
                    model.warn(.brokenLink, "overlay2/\(id)/lower", "unexpected entry \(String(decoding: entry, as: UTF8.self))")
                    continue
                }
                if !knownLinks.contains(Array(parts[1])) {
                    model.warn(.brokenLink, "overlay2/\(id)/lower", "names link l/\(String(decoding: parts[1], as: UTF8.self)), which is missing or broken")
                }
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
}

/// 64 lower-case hex digits.
func isHexDigest(_ name: some Collection<UInt8>) -> Bool {
    name.count == 64 && name.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
}

/// `bytes` without leading and trailing ASCII white space.
func trimmingWhiteSpace(_ bytes: [UInt8]) -> ArraySlice<UInt8> {
    let isSpace: (UInt8) -> Bool = { $0 == 0x20 || ($0 >= 0x09 && $0 <= 0x0D) }
    guard let first = bytes.firstIndex(where: { !isSpace($0) }), let last = bytes.lastIndex(where: { !isSpace($0) }) else { return [] }
    return bytes[first...last]
}
