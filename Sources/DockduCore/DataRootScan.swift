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

        public func report(dataRoot: String, mode: SizeMode) -> Report {
            ReportBuilder(model: model, rules: rules, tally: tally).build(dataRoot: dataRoot, mode: mode, generatedAt: generatedAt)
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
        do {
            // Listing the root is where a non-root user is stopped; say so before anything else.
            _ = try root.directoryEntries()
        } catch {
            throw ScanError(path: dataRoot, errno: error)
        }

        let files = DataRootFiles(root: root)
        var model = DataRootLoader(files: files).load()
        if !files.exists(["image"]) && !files.exists(["overlay2"]) && !files.exists(["containers"]) {
            model.warn(.missingDirectory, "", "no image/, overlay2/ or containers/ here: is this a Docker data root? (see --root)")
        } else if !files.exists(["image", "overlay2"]), let drivers = try? files.list(["image"]), !drivers.isEmpty {
            let names = drivers.map { String(decoding: $0, as: UTF8.self) }.joined(separator: ", ")
            model.warn(.missingDirectory, "image", "storage driver \(names) is not overlay2; its layers are counted as other")
        }
        let rules = OwnershipRules(model: model)
        let cacheLocation = cacheDirectory.flatMap { locateCache($0, model: &model) }
        var lookup: LayerCacheLookup?
        if let cacheLocation {
            do {
                lookup = try LayerCache.load(path: cacheLocation.path, dataRoot: cacheLocation.root, version: version)
                    .map { LayerCacheLookup(cache: $0, cacheIDs: rules.layerCacheIDs) }
            } catch {
                model.warn(.cache, "", "ignoring the layer cache \(cacheLocation.path): \(error); it is rebuilt")
            }
        }
        let tally: WalkTally
        do {
            tally = try TreeWalker(classifier: rules, workerCount: workerCount, progress: progress, cache: lookup).walk(root: root)
        } catch {
            throw ScanError(path: dataRoot, errno: error)
        }
        var result = Result(model: model, rules: rules, tally: tally, generatedAt: generatedAt, seconds: 0)
        if let slot = rules.slot(of: .appeared), tally.inodeCounts[slot] > 0 {
            result.model.warn(.appeared, "", "\(tally.inodeCounts[slot]) inodes in overlay2/ or containers/ appeared during the scan (a layer or container being made); they are counted as other")
        }
        if let cacheLocation {
            let cache = LayerCache.from(scan: result, dockduVersion: version, dataRoot: cacheLocation.root, files: files)
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

    /// Where this data root's cache lives; nil (with a warning) when the directory is under the
    /// data root, which dockdu never writes to.
    private func locateCache(_ directory: String, model: inout DataRootModel) -> (directory: String, path: String, root: String)? {
        let root = PathFunctions.canonical(dataRoot) ?? dataRoot
        if PathFunctions.isWithin(directory, directory: root) {
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

    public enum Kind: Sendable, Equatable { case missing, notDirectory, permissionDenied, unreadable }

    public var kind: Kind {
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
        }
    }
}
