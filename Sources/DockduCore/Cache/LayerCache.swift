import FoundationEssentials

/// Per-layer figures kept between runs, so that a scheduled run re-walks only what can change:
/// containers' writable layers, volumes, logs, and layers that are new or whose `diff` directory
/// is not the one the cache saw (by device, inode, ctime and mtime, to the nanosecond).
///
/// The premise: an image layer never changes once committed, and when a file in it does change,
/// the `diff` directory's own times may not (a file appended deep in a layer changes only its own
/// directory). So the cache is never trusted blindly: a file that does not parse, is for another
/// data root or another dockdu version is ignored (with a warning) and written anew; an entry
/// with absurd figures is dropped; an entry is used only for exactly the directory it describes,
/// and only while it is younger than the maximum age (`--cache-max-age`, 7 days by default), so
/// every layer is walked again on a rolling schedule. A walk that finds other figures than the
/// entry held is reported: a committed layer changed behind the engine. Each image chain's wasted
/// bytes are kept beside them under the same rules (LayerCache+Waste.swift).
public struct LayerCache: Sendable, Codable, Equatable {
    public static let format = "dockdu-layer-cache"
    public static let formatVersion = 3

    public struct Entry: Sendable, Codable, Equatable {
        public var device: UInt64
        public var inode: UInt64
        public var changeTime: Int64
        public var changeNanoseconds: Int64
        public var modificationTime: Int64
        public var modificationNanoseconds: Int64
        /// When the subtree was last walked, in seconds since the epoch.
        public var verifiedAt: Int64
        public var subtree: CachedSubtree

        /// Whether it may stand in for a walk at `now`: walked no longer than `maxAgeSeconds`
        /// ago, and not in the future (a clock set back, or an edited file).
        func isFresh(now: Int64, maxAgeSeconds: Int64) -> Bool {
            let age = now -| verifiedAt
            return age >= 0 && age < maxAgeSeconds
        }

        func describes(_ status: FileStatus) -> Bool {
            device == status.device && inode == status.inode && changeTime == status.changeTime
                && changeNanoseconds == status.changeNanoseconds && modificationTime == status.modificationTime
                && modificationNanoseconds == status.modificationNanoseconds
        }
    }

    public var format: String
    public var formatVersion: Int
    /// The dockdu that wrote it: another version's figures may have been counted differently.
    public var dockduVersion: String
    /// The data root's canonical path.
    public var dataRoot: String
    /// By cache ID (the `overlay2/` directory name).
    public var layers: [String: Entry]
    /// Each image chain's wasted bytes, by ``wasteKey(_:)``; absent in caches from before
    /// dockdu kept them.
    public var wasted: [String: WasteEntry]?

    public init(dockduVersion: String, dataRoot: String, layers: [String: Entry], wasted: [String: WasteEntry]? = nil) {
        format = Self.format
        formatVersion = Self.formatVersion
        self.dockduVersion = dockduVersion
        self.dataRoot = dataRoot
        self.layers = layers
        self.wasted = wasted
    }

    /// The cache file for a data root under the cache directory: one per data root.
    public static func fileName(forDataRoot canonicalRoot: String) -> String {
        "layers-" + SHA256.hexDigest(of: canonicalRoot).prefix(16) + ".json"
    }

    public enum LoadError: Error, Equatable, CustomStringConvertible {
        case unreadable(Errno)
        case corrupt(String)
        case foreign(String)

        public var description: String {
            switch self {
            case .unreadable(let errno): "cannot read it: \(errno)"
            case .corrupt(let detail): "it does not parse (\(detail))"
            case .foreign(let detail): "it is \(detail)"
            }
        }
    }

    /// The cache at `path` for `dataRoot` as this `version` writes it; nil when there is none yet.
    public static func load(path: String, dataRoot: String, version: String) throws(LoadError) -> LayerCache? {
        let bytes: [UInt8]
        // The same checks as any input: a FIFO or device planted there must not hang a nightly run.
        do {
            bytes = try FileDescriptor.readRegularFile(atPath: path, limit: 512 << 20)
        } catch {
            switch error {
            case .cannotOpen(let errno) where errno == .noSuchFileOrDirectory: return nil
            case .cannotOpen(let errno), .cannotRead(let errno): throw .unreadable(errno)
            case .notRegularFile(let kind): throw .foreign("\(kind), not a regular file")
            case .tooLarge(let size, let limit): throw .foreign("\(size) bytes, over the \(limit)-byte limit for a cache")
            }
        }
        let cache: LayerCache
        do {
            cache = try JSONDecoder().decode(LayerCache.self, from: Data(bytes))
        } catch {
            throw .corrupt(DecodingProblem.describe(error, in: bytes))
        }
        guard cache.format == Self.format, cache.formatVersion == Self.formatVersion else {
            throw .foreign("format \(cache.format) \(cache.formatVersion), not \(Self.format) \(Self.formatVersion)")
        }
        guard cache.dockduVersion == version else { throw .foreign("written by dockdu \(cache.dockduVersion), not \(version)") }
        guard cache.dataRoot == dataRoot else { throw .foreign("for data root \(cache.dataRoot), not \(dataRoot)") }
        return cache
    }

    /// The cache without entries whose figures no walk could have produced, and how many were
    /// dropped: such an entry is walked again rather than trusted.
    public func validated() -> (cache: LayerCache, dropped: Int) {
        var kept = self
        // Keys are cache IDs: 64 hex digits, or a BuildKit ID for a layer a build exported.
        kept.layers = layers.filter { (DockerNames.isHexID($0.key.utf8) || BuildKitNames.isRandomID($0.key.utf8)) && $0.value.subtree.isPlausible }
        kept.wasted = wasted?.filter { $0.value.isPlausible && $0.key == $0.value.layers.joined(separator: "/") }
        return (kept, layers.count - kept.layers.count + (wasted?.count ?? 0) - (kept.wasted?.count ?? 0))
    }

    /// A committed layer whose walk found other figures than its cache entry held.
    public struct ChangedLayer: Sendable, Equatable {
        public var cacheID: String
        public var cached: CachedSubtree
        public var walked: CachedSubtree
    }

    /// The cache for the next run, from this run's walk: every image layer's `diff`. An entry
    /// of `previous` that this walk used (fresh, for the same directory) is kept with its
    /// verification time; every other layer gets a new entry verified `now`, and where it had an
    /// entry with other figures, it is listed as changed.
    ///
    /// Wasted bytes: the chains this run measured or reused (`waste`); with no second pass this
    /// run, the previous entries whose every layer kept its entry unchanged.
    static func from(scan: DataRootScan.Result, previous: LayerCache?, waste: WasteLookup.Outcome?, now: Int64, maxAgeSeconds: Int64, dockduVersion: String, dataRoot: String, files: DataRootFiles) -> (cache: LayerCache, changed: [ChangedLayer]) {
        var layers: [String: Entry] = [:]
        var changed: [ChangedLayer] = []
        var chainIDs: [String: String] = [:]
        for layer in scan.model.layers.values { chainIDs[layer.cacheID] = layer.chainID }
        for cacheID in scan.rules.layerCacheIDs {
            guard let chainID = chainIDs[cacheID],
                  let slot = scan.rules.slot(of: .layerDiff(chainID: chainID)),
                  let status = try? files.status(["overlay2", cacheID, "diff"])
            else { continue }
            let old = previous?.layers[cacheID]
            if let old, old.describes(status), old.isFresh(now: now, maxAgeSeconds: maxAgeSeconds) {
                layers[cacheID] = old
                continue
            }
            let walked = scan.tally.cachedSubtree(slot: slot)
            if let old, old.subtree != walked {
                changed.append(ChangedLayer(cacheID: cacheID, cached: old.subtree, walked: walked))
            }
            layers[cacheID] = Entry(
                device: status.device, inode: status.inode, changeTime: status.changeTime, changeNanoseconds: status.changeNanoseconds,
                modificationTime: status.modificationTime, modificationNanoseconds: status.modificationNanoseconds,
                verifiedAt: now, subtree: walked)
        }
        changed.sort { $0.cacheID < $1.cacheID }
        let changedIDs = Set(changed.map(\.cacheID))
        var wasted: [String: WasteEntry]
        if let waste {
            wasted = waste.reused.merging(waste.measured) { _, new in new }
        } else {
            wasted = previous?.wasted?.filter { entry in
                entry.value.layers.allSatisfy { layers[$0] != nil && layers[$0] == previous?.layers[$0] }
            } ?? [:]
        }
        // A chain measured now is kept only beside layer entries of this run, or the ones it was
        // answered with; never beside a layer caught changing.
        wasted = wasted.filter { entry in entry.value.layers.allSatisfy { layers[$0] != nil && !changedIDs.contains($0) } }
        return (LayerCache(dockduVersion: dockduVersion, dataRoot: dataRoot, layers: layers, wasted: wasted.isEmpty ? nil : wasted), changed)
    }
}

/// A ``LayerCache`` answering a walk's questions by the keys of one ``OwnershipRules``.
public struct LayerCacheLookup: WalkCache {
    public var cache: LayerCache
    public var cacheIDs: [String]
    /// Seconds since the epoch, and the most an entry may have aged since it was walked.
    public var now: Int64
    public var maxAgeSeconds: Int64

    public init(cache: LayerCache, cacheIDs: [String], now: Int64, maxAgeSeconds: Int64) {
        self.cache = cache
        self.cacheIDs = cacheIDs
        self.now = now
        self.maxAgeSeconds = maxAgeSeconds
    }

    public func subtree(forKey key: Int32, directory: FileStatus) -> CachedSubtree? {
        guard key >= 0, Int(key) < cacheIDs.count, let entry = cache.layers[cacheIDs[Int(key)]], entry.describes(directory),
              entry.isFresh(now: now, maxAgeSeconds: maxAgeSeconds)
        else { return nil }
        return entry.subtree
    }
}
