/// Turning what an operator copied (a path, a directory or link name, an ID, a name) into the
/// owner it stands for, from the metadata and the rules alone.
extension WhyContext {
    func resolve(_ target: String) -> Result<ResolvedTarget, WhyProblem> {
        let shown = TerminalEscaping.escape(target)
        if target.isEmpty { return .failure(WhyProblem(target: target, message: "an empty target names nothing")) }
        // `/web` is how config.v2.json and docker inspect write a container's name.
        if target.hasPrefix("/"), !target.dropFirst().contains("/"), case .success(let named) = resolveName(target) {
            return .success(named)
        }
        if target.hasPrefix("/") || target.contains("/") || target == "." {
            return resolvePath(target).mapError { WhyProblem(target: target, message: "\(shown): \($0.message)") }
        }
        return resolveName(target).mapError { WhyProblem(target: target, message: "\(shown): \($0.message)") }
    }

    // MARK: paths

    private func resolvePath(_ target: String) -> Result<ResolvedTarget, WhyFailure> {
        guard let components = relativeComponents(target) else {
            return .failure(WhyFailure("not under the data root \(TerminalEscaping.escape(dataRoot))"))
        }
        return resolve(components: components, target: target, kind: .path)
    }

    /// The target's components under the data root: an absolute path under the root (as given,
    /// canonical, or through a linked top folder), or a path relative to it.
    func relativeComponents(_ target: String) -> [[UInt8]]? {
        let bases = [dataRoot, metadata.canonicalRoot]
        if !target.hasPrefix("/") { return Self.normalized(Array(target.utf8)) }
        let path = Self.normalized(Array(target.utf8))
        for base in bases {
            let prefix = Self.normalized(Array(base.utf8))
            if path.starts(with: prefix) { return Array(path.dropFirst(prefix.count)) }
        }
        for folder in model.linkedFolders {
            let prefix = Self.normalized(Array(folder.target.utf8))
            if path.starts(with: prefix) { return [Array(folder.name.utf8)] + path.dropFirst(prefix.count) }
        }
        if let canonical = PathFunctions.canonical(target), canonical != target { return relativeComponents(canonical) }
        return nil
    }

    /// Components without empty ones and `.`; `..` removes the one before.
    static func normalized(_ path: [UInt8]) -> [[UInt8]] {
        var components: [[UInt8]] = []
        for component in path.split(separator: 0x2F) {
            if component.elementsEqual(".".utf8) { continue }
            if component.elementsEqual("..".utf8) {
                _ = components.popLast()
                continue
            }
            components.append(Array(component))
        }
        return components
    }

    func resolve(components original: [[UInt8]], target: String, kind initialKind: WhyAnswer.TargetKind) -> Result<ResolvedTarget, WhyFailure> {
        var components = original
        var kind = initialKind
        let overlay2 = Array("overlay2".utf8)
        // overlay2/l/<link>/… is the layer's diff the link points to.
        if components.count >= 3, components[0] == overlay2, components[1] == Array("l".utf8), let directory = model.links[components[2]] {
            components = [overlay2, directory, Array("diff".utf8)] + components.dropFirst(3)
            if kind == .path && original.count == 3 { kind = .link }
        }
        // overlay2/<dir>/merged/…: a running container's (or a mounted layer's) view; the file is
        // the top-most layer's that has it.
        if components.count > 3, components[0] == overlay2, components[2] == Array("merged".utf8) {
            switch provider(of: Array(components.dropFirst(3)), mountedAt: components[1]) {
            case .success(let provided):
                components = provided
                kind = .mergedPath
            case .failure(let failure): return .failure(failure)
            }
        }
        do {
            _ = try files.status(bytePath: Self.joined(components))
        } catch {
            let reason = error == .noSuchFileOrDirectory ? "no such file or directory under the data root" : "cannot be read: \(error)"
            return .failure(WhyFailure(reason))
        }
        let node = self.node(at: components)
        let owner = rules.slots[Int(node.slot)]
        return .success(ResolvedTarget(target: target, kind: kind, path: components, subject: subject(of: owner, at: components)))
    }

    /// The lower layers of the overlay directory `directory`, nearest first, as its `lower` file
    /// names them (`l/A:l/B`), each an overlay2 directory name.
    func lowerDirectories(of directory: [UInt8]) -> [[UInt8]] {
        let name = String(decoding: directory, as: UTF8.self)
        guard let bytes = try? files.read(["overlay2", name, "lower"], limit: 1 << 16) else { return [] }
        return bytes.split(separator: UInt8(ascii: ":")).compactMap { entry in
            let link = entry.starts(with: "l/".utf8) ? Array(entry.dropFirst(2)) : Array(entry)
            return model.links[link]
        }
    }

    /// Which layer's `diff` provides `inner` in the merged view of `directory`: its own upper
    /// layer first, then its lower ones, nearest first. A whiteout stops the search: the file was
    /// deleted there. (Opaque directories are not followed: a lower file under one is reported as
    /// the lower layer's.)
    func provider(of inner: [[UInt8]], mountedAt directory: [UInt8]) -> Result<[[UInt8]], WhyFailure> {
        let overlay2 = Array("overlay2".utf8)
        for layer in [directory] + lowerDirectories(of: directory) {
            let candidate = [overlay2, layer, Array("diff".utf8)] + inner
            guard let status = try? files.status(bytePath: Self.joined(candidate)) else { continue }
            if status.isCharacterDevice && status.apparentBytes == 0 && !inner.isEmpty {
                return .failure(WhyFailure("deleted (a whiteout) in layer overlay2/\(TerminalEscaping.escape(layer)); not in the merged view"))
            }
            return .success(candidate)
        }
        return .failure(WhyFailure("in none of the layers of overlay2/\(TerminalEscaping.escape(directory)) (is it a running container's mount? files under its own mounts, such as volumes, are not in its layers)"))
    }

    /// The rules' node for the entry at `components`, as the full scan classifies it.
    func node(at components: [[UInt8]]) -> WalkNode {
        var node = rules.rootNode
        for component in components {
            guard case .branch(let branch, _) = node else { break }
            node = component.withUnsafeBufferPointer { rules.child(ofBranch: branch, named: $0) }
        }
        return node
    }

    static func joined(_ components: [[UInt8]]) -> [UInt8] {
        Array(components.joined(separator: [0x2F]))
    }

    /// The subject a slot's owner stands for; `components` tells a container's parts apart.
    func subject(of owner: SlotOwner, at components: [[UInt8]]) -> WhySubject {
        switch owner {
        case .layerDiff(let chainID), .layerRest(let chainID): return .layer(chainID: chainID)
        case .imageMetadata(let id): return .image(id: id)
        case .containerDiff(let id): return .container(id: id, part: .writable)
        case .containerLogs(let id): return .container(id: id, part: .logs)
        case .containerRest(let id):
            let container = model.containers[id]
            if components.count >= 2, components[0] == Array("overlay2".utf8) {
                if container?.initID.map({ Array($0.utf8) }) == components[1] { return .container(id: id, part: .initLayer) }
                if container?.mountID.map({ Array($0.utf8) }) == components[1] { return .container(id: id, part: .writable) }
            }
            return .container(id: id, part: .whole)
        case .volumeData(let name), .volumeRest(let name): return .volume(name: name)
        case .buildCacheDirectory(let name), .buildCacheDiff(let name): return .buildDirectory(name: name)
        case .orphan(let index): return .orphan(index: index)
        case .other, .appeared, .buildCache, .contentBlob, .inProgress, .heldByContainerd: return .other(owner)
        }
    }

    // MARK: names and IDs

    private func resolveName(_ target: String) -> Result<ResolvedTarget, WhyFailure> {
        let bytes = Array(target.utf8)
        if model.overlayDirectories.contains(bytes) {
            return resolve(components: [Array("overlay2".utf8), bytes], target: target, kind: .overlayDirectory)
        }
        if let directory = model.links[bytes] {
            return resolve(components: [Array("overlay2".utf8), directory, Array("diff".utf8)], target: target, kind: .link)
        }
        var exact: [(WhyAnswer.TargetKind, WhySubject)] = []
        var prefixed: [(WhyAnswer.TargetKind, WhySubject)] = []
        let hex = target.hasPrefix("sha256:") ? String(target.dropFirst(7)) : target
        let isHex = !hex.isEmpty && hex.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
        if isHex {
            let digest = "sha256:" + hex
            if model.layers[digest] != nil { exact.append((.chainID, .layer(chainID: digest))) }
            for layer in model.layers.values where layer.diffID == digest && model.layers[digest] == nil {
                exact.append((.diffID, .layer(chainID: layer.chainID)))
            }
            if model.images[digest] != nil { exact.append((.imageID, .image(id: digest))) }
            if model.containers[hex]?.isListed == true { exact.append((.containerID, .container(id: hex, part: .whole))) }
            if exact.isEmpty {
                for image in model.images.keys.sorted() where image.dropFirst(7).hasPrefix(hex) { prefixed.append((.imageID, .image(id: image))) }
                for (id, container) in model.containers.sorted(by: { $0.key < $1.key }) where container.isListed && id.hasPrefix(hex) {
                    prefixed.append((.containerID, .container(id: id, part: .whole)))
                }
                if hex.count >= 12 {
                    for layer in model.layers.values.sorted(by: { $0.chainID < $1.chainID }) {
                        if layer.chainID.dropFirst(7).hasPrefix(hex) { prefixed.append((.chainID, .layer(chainID: layer.chainID))) }
                        else if layer.diffID.dropFirst(7).hasPrefix(hex) { prefixed.append((.diffID, .layer(chainID: layer.chainID))) }
                    }
                }
            }
        }
        let name = target.hasPrefix("/") ? String(target.dropFirst()) : target
        for (id, container) in model.containers.sorted(by: { $0.key < $1.key }) where container.isListed && model.name(ofContainer: id) == name && name != id {
            exact.append((.containerName, .container(id: id, part: .whole)))
        }
        if model.volumes[target] != nil { exact.append((.volume, .volume(name: target))) }
        if let cache = model.buildCache, cache.record(target) != nil {
            if let directory = cache.record(target).flatMap(cache.overlayDirectory(of:)), model.overlayDirectories.contains(Array(directory.utf8)) {
                exact.append((.buildCacheRecord, .buildDirectory(name: directory)))
            } else {
                exact.append((.buildCacheRecord, .buildRecord(id: target)))
            }
        }
        let reference = target.contains(":") || target.contains("@") ? target : target + ":latest"
        for image in model.images.values.sorted(by: { $0.id < $1.id }) where image.references.contains(reference) {
            exact.append((.imageReference, .image(id: image.id)))
        }
        if exact.isEmpty && prefixed.isEmpty && files.exists([target]) {
            return resolve(components: [bytes], target: target, kind: .path)
        }
        let candidates = unique(exact.isEmpty ? prefixed : exact)
        guard let first = candidates.first else {
            return .failure(WhyFailure("names no path, overlay2 directory, l/ link, layer, image, container, volume or build-cache record of this data root"))
        }
        guard candidates.count == 1 else {
            let names = candidates.prefix(5).map { describe($0.1) }.joined(separator: ", ")
            return .failure(WhyFailure("ambiguous: it could be \(names)\(candidates.count > 5 ? ", …" : ""); give more of it"))
        }
        return .success(ResolvedTarget(target: target, kind: first.0, path: nil, subject: first.1))
    }

    private func unique(_ candidates: [(WhyAnswer.TargetKind, WhySubject)]) -> [(WhyAnswer.TargetKind, WhySubject)] {
        var seen = Set<WhySubject>()
        return candidates.filter { seen.insert($0.1).inserted }
    }

    /// A subject in a few words, for an ambiguity message.
    private func describe(_ subject: WhySubject) -> String {
        switch subject {
        case .layer(let chainID): "layer \(chainID.prefix(19))"
        case .image(let id): "image \(TerminalEscaping.escape(model.name(ofImage: id)))"
        case .container(let id, _): "container \(TerminalEscaping.escape(model.name(ofContainer: id)))"
        case .volume(let name): "volume \(TerminalEscaping.escape(name))"
        case .buildDirectory(let name): "build-cache directory \(TerminalEscaping.escape(name))"
        case .buildRecord(let id): "build-cache record \(TerminalEscaping.escape(id))"
        case .orphan(let index): "orphan \(TerminalEscaping.escape(rules.orphans[index].path))"
        case .other: "Docker's metadata"
        }
    }
}

/// Why a target could not be resolved, as the rest of a line after the target.
struct WhyFailure: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
