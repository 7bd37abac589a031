/// The whole pipeline once: open the data root, read Docker's metadata into a model, decide
/// owners, walk every inode once, and attribute.
public struct DataRootScan: Sendable {
    public var dataRoot: String
    public var workerCount: Int
    /// Told how far the walk has got; nil for no progress.
    public var progress: WalkProgress?
    /// Directory of the layer cache (``LayerCache``); nil for none.
    public var cacheDirectory: String?
    /// The version written into, and required of, the cache.
    public var version: String
    /// A cache entry older than this many seconds is walked again (`--cache-max-age`), so every
    /// layer is re-verified on a rolling schedule.
    public var cacheMaxAgeSeconds: Int64

    public static let defaultCacheMaxAgeSeconds: Int64 = 7 * 86_400

    /// Which image stores to read: `--containerd-root`, `--containerd-namespace`, daemon.json.
    public var stores = StoreOptions()

    /// Whether to find each image's wasted bytes (``WasteFinder``), a second pass over the layers.
    public var findsWaste = false

    public init(dataRoot: String, workerCount: Int = ProcessEnvironment.processorCount, progress: WalkProgress? = nil, cacheDirectory: String? = nil, version: String = CommandLineTool.version, cacheMaxAgeSeconds: Int64 = DataRootScan.defaultCacheMaxAgeSeconds) {
        self.cacheMaxAgeSeconds = cacheMaxAgeSeconds
        self.dataRoot = dataRoot
        self.workerCount = workerCount
        self.progress = progress
        self.cacheDirectory = cacheDirectory
        self.version = version
    }

    /// What one scan found, ready to be rendered in either size mode.
    public struct Result: Sendable {
        public var model: DataRootModel
        public var rules: OwnershipRules
        public var tally: WalkTally
        public var generatedAt: String
        public var seconds: Double
        /// Each listed overlay2 image's hidden files, by image ID (``WasteFinder``).
        public var waste: [String: ImageWaste] = [:]

        public func report(dataRoot: String, mode: SizeMode) -> Report {
            ReportBuilder(model: model, rules: rules, tally: tally, waste: waste).build(dataRoot: dataRoot, mode: mode, generatedAt: generatedAt)
        }

        /// Access to the data root open at `root`, following the same linked top folders as the
        /// scan did.
        public func files(root: FileDescriptor) -> DataRootFiles {
            DataRootFiles(root: root, followedTopFolders: Set(model.linkedFolders.map { Array($0.name.utf8) }))
        }

        /// Some part could not be read or parsed: the report is complete but for it.
        public var isPartial: Bool { model.hadReadFailure || !tally.problems.isEmpty }
    }

    public func run() throws(ScanError) -> Result {
        let started = ProcessEnvironment.monotonicSeconds
        let generatedAt = Timestamp.iso8601(ProcessEnvironment.unixTime)
        ProcessEnvironment.raiseOpenFileLimit()
        let root: FileDescriptor
        do {
            root = try FileDescriptor.openDirectory(atPath: dataRoot)
        } catch {
            throw ScanError(path: dataRoot, errno: error)
        }
        defer { root.close() }
        let topEntries: [[UInt8]]
        do {
            // Listing the root is where a non-root user is stopped; say so before anything else.
            topEntries = try root.directoryEntries()
        } catch {
            throw ScanError(path: dataRoot, errno: error)
        }
        // An empty or unrelated folder is a mistyped --root, not a host with nothing on it.
        let dockerFolders = Set((LinkedFolder.followableNames + ["containerd", "network", "plugins", "swarm", "runtimes", "tmp"]).map { Array($0.utf8) })
        if !topEntries.contains(where: dockerFolders.contains) {
            throw ScanError(path: dataRoot, errno: .noSuchFileOrDirectory, kind: .notDataRoot)
        }

        let metadata = readMetadata(root: root)
        let canonicalRoot = metadata.canonicalRoot
        let linked = metadata.linked
        defer { for entry in linked { entry.descriptor.close() } }
        let files = metadata.files
        var model = metadata.model
        let containerdDescriptor = metadata.containerdDescriptor
        defer { containerdDescriptor?.close() }
        let rules = OwnershipRules(model: model)
        let cacheLocation = cacheDirectory.flatMap { locateCache($0, model: &model) }
        var lookup: LayerCacheLookup?
        let now = ProcessEnvironment.unixTime
        if let cacheLocation {
            do {
                if let loaded = try LayerCache.load(path: cacheLocation.path, dataRoot: cacheLocation.root, version: version) {
                    let (cache, dropped) = loaded.validated()
                    if dropped > 0 {
                        model.warn(.cache, "", "\(dropped) entr\(dropped == 1 ? "y" : "ies") of the layer cache \(cacheLocation.path) held impossible figures; those layers are walked again")
                    }
                    lookup = LayerCacheLookup(cache: cache, cacheIDs: rules.layerCacheIDs, now: now, maxAgeSeconds: cacheMaxAgeSeconds)
                }
            } catch {
                model.warn(.cache, "", "ignoring the layer cache \(cacheLocation.path): \(error); it is rebuilt")
            }
        }
        var tally: WalkTally
        let walker = TreeWalker(classifier: rules, workerCount: workerCount, progress: progress, cache: lookup)
        do {
            tally = try walker.walk(root: root)
        } catch {
            throw ScanError(path: dataRoot, errno: error)
        }
        model.walkedRoots.append(WalkedRoot(name: .dataRoot, path: canonicalRoot, allocatedBytes: tally.totalBytes(mode: .disk), apparentBytes: tally.totalBytes(mode: .apparent)))
        // Other stores' roots, each walked whole (one counted in the data root's walk is not).
        if let containerdDescriptor, let store = model.containerd, let node = rules.node(ofRoot: .containerd) {
            do {
                let storeTally = try walker.walk(root: containerdDescriptor, node: node, path: Array(store.root.utf8))
                model.walkedRoots.append(WalkedRoot(name: .containerd, path: store.root, allocatedBytes: storeTally.totalBytes(mode: .disk), apparentBytes: storeTally.totalBytes(mode: .apparent)))
                tally.absorb(storeTally)
            } catch {
                model.warn(.unreadable, store.root, "cannot walk the containerd root: \(error)")
            }
        }
        // Each linked folder is walked as the entry it stands for, after the root.
        for (folder, descriptor) in linked {
            let name = Array(folder.name.utf8)
            guard case .branch(let branch, _) = rules.rootNode else { break }
            let node = name.withUnsafeBufferPointer { rules.child(ofBranch: branch, named: $0) }
            do {
                let folderTally = try walker.walk(root: descriptor, node: node, path: name)
                model.linkedFolderAllocatedBytes[folder.name] = folderTally.totalBytes(mode: .disk)
                model.linkedFolderApparentBytes[folder.name] = folderTally.totalBytes(mode: .apparent)
                tally.absorb(folderTally)
            } catch {
                model.warn(.unreadable, folder.name, "cannot walk \(folder.target), where its link leads: \(error)")
            }
        }
        // A second pass over the image layers, for the chains the layer cache cannot answer.
        var waste: WasteLookup.Outcome?
        if findsWaste {
            let found = WasteLookup(files: files, workerCount: workerCount, previous: lookup?.cache, now: now, maxAgeSeconds: cacheMaxAgeSeconds)
                .find(images: model.listedImages, layers: model.layers)
            for problem in found.problems {
                model.warn(.unreadable, problem.path, "cannot read it to find the bytes upper layers hide: \(problem.errno)")
            }
            waste = found
        }
        var result = Result(model: model, rules: rules, tally: tally, generatedAt: generatedAt, seconds: 0, waste: waste?.waste ?? [:])
        if let slot = rules.slot(of: .appeared), tally.inodeCounts[slot] > 0 {
            result.model.warn(.appeared, "", "\(tally.inodeCounts[slot]) inodes in overlay2/ or containers/ appeared during the scan (a layer or container being made); they are counted as other")
        }
        if let cacheLocation {
            let (cache, changed) = LayerCache.from(
                scan: result, previous: lookup?.cache, waste: waste, now: now, maxAgeSeconds: cacheMaxAgeSeconds, dockduVersion: version,
                dataRoot: cacheLocation.root, files: files)
            for layer in changed {
                result.model.warn(
                    .layerChanged, "overlay2/\(layer.cacheID)/diff",
                    "this committed layer changed since it was last walked: \(layer.cached.allocatedBytes) bytes on disk and \(layer.cached.inodes) inodes then, \(layer.walked.allocatedBytes) and \(layer.walked.inodes) now; something wrote into an image layer behind the engine")
            }
            if cache != lookup?.cache {
                do {
                    try AtomicFile.makeDirectories(cacheLocation.directory)
                    try AtomicFile.write(JSONRendering.render(cache), to: cacheLocation.path, mode: 0o600)
                } catch {
                    result.model.warn(.cache, "", "cannot write the layer cache \(cacheLocation.path): \(error)")
                }
            }
        }
        result.seconds = ProcessEnvironment.monotonicSeconds - started
        return result
    }

    /// What a scan reads before it walks: the data root's metadata (and the containerd store's,
    /// when it is in use) and the linked top folders, open. The caller closes the descriptors.
    public struct Metadata {
        public var model: DataRootModel
        public var files: DataRootFiles
        public var canonicalRoot: String
        var linked: [(folder: LinkedFolder, descriptor: FileDescriptor)]
        public var containerdDescriptor: FileDescriptor?

        /// Closes the linked folders' and the containerd root's descriptors.
        public func close() {
            for entry in linked { entry.descriptor.close() }
            containerdDescriptor?.close()
        }
    }

    /// Reads the metadata of the data root open at `root` (the model and rules of a scan, without
    /// the walk): what `dockdu why` needs before it walks only an owner's directories.
    public func readMetadata(root: FileDescriptor) -> Metadata {
        let canonicalRoot = PathFunctions.canonical(dataRoot) ?? dataRoot
        var linkWarnings: [Warning] = []
        let linked = LinkedFolder.find(root: root, canonicalRoot: canonicalRoot) { linkWarnings.append(Warning(code: $0, path: $1, message: $2)) }
        let files = DataRootFiles(root: root, followedTopFolders: Set(linked.map { Array($0.folder.name.utf8) }))
        var model = DataRootLoader(files: files).load()
        for warning in linkWarnings { model.warn(warning.code, warning.path, warning.message) }
        model.linkedFolders = linked.map(\.folder)
        if !files.exists(["image", "overlay2"]), let drivers = try? files.list(["image"]), !drivers.isEmpty {
            let names = drivers.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
            model.warn(.missingDirectory, "image", "storage driver \(names) is not overlay2; its layers are counted as other")
        }
        let containerdRoot = StoreChoice(options: stores, dataRoot: canonicalRoot, files: files).decide(into: &model)
        var containerdDescriptor: FileDescriptor?
        if let containerdRoot {
            do {
                containerdDescriptor = try FileDescriptor.openDirectory(atPath: containerdRoot.path)
            } catch {
                model.warn(error == .noSuchFileOrDirectory ? .missingDirectory : .unreadable, containerdRoot.path, "cannot open the containerd root: \(error); the containerd store's images and layers are counted nowhere; give its root with --containerd-root DIR")
            }
        }
        if let containerdRoot, let containerdDescriptor {
            let containerdFiles = DataRootFiles(root: containerdDescriptor, followedTopFolders: [])
            ContainerdStoreLoader(files: containerdFiles, root: containerdRoot.path, namespace: containerdRoot.namespace, snapshotter: containerdRoot.snapshotter)
                .load(into: &model)
            if let nested = PathFunctions.relative(containerdRoot.path, to: canonicalRoot) {
                model.nestedRoots[.containerd] = nested.split(separator: "/").map(String.init)
            }
        }
        return Metadata(model: model, files: files, canonicalRoot: canonicalRoot, linked: linked, containerdDescriptor: containerdDescriptor)
    }

    /// Where this data root's cache lives; nil (with a warning) when the directory is under the
    /// data root, which dockdu never writes to.
    private func locateCache(_ directory: String, model: inout DataRootModel) -> (directory: String, path: String, root: String)? {
        let root = PathFunctions.canonical(dataRoot) ?? dataRoot
        if PathFunctions.isWithin(directory, directory: root) || model.linkedFolders.contains(where: { PathFunctions.isWithin(directory, directory: $0.target) }) {
            model.warn(.cache, "", "not using the cache directory \(directory): it is under the data root, which dockdu never writes to")
            return nil
        }
        return (directory, directory + "/" + LayerCache.fileName(forDataRoot: root), root)
    }
}

/// Why a scan could not start at all.
public struct ScanError: Error, Sendable, Equatable {
    public var path: String
    public var errno: Errno
    private var explicitKind: Kind?

    public enum Kind: Sendable, Equatable { case missing, notDirectory, permissionDenied, unreadable, notDataRoot }

    public init(path: String, errno: Errno, kind: Kind? = nil) {
        self.path = path
        self.errno = errno
        self.explicitKind = kind
    }

    public var kind: Kind {
        if let explicitKind { return explicitKind }
        if errno == .noSuchFileOrDirectory { return .missing }
        if errno == .notDirectory { return .notDirectory }
        if errno.isPermissionProblem { return .permissionDenied }
        return .unreadable
    }

    /// One line a person can act on.
    public var message: String {
        switch kind {
        case .missing: "data root \(path) does not exist; give the right one with --root DIR"
        case .notDirectory: "data root \(path) is not a directory; give the right one with --root DIR"
        case .permissionDenied: "cannot read data root \(path): \(errno); run with sudo or as root"
        case .unreadable: "cannot read data root \(path): \(errno)"
        case .notDataRoot: "\(path) holds none of Docker's folders (image/, overlay2/, containers/, volumes/): it is not a data root; give the right one with --root DIR"
        }
    }
}
