import FoundationEssentials

/// Per-layer figures kept between runs, so that a scheduled run re-walks only what can change:
/// containers' writable layers, volumes, logs, and layers that are new or whose `diff` directory
/// is not the one the cache saw (by device, inode, ctime and mtime, to the nanosecond).
///
/// Image layers never change once committed. The cache is never trusted blindly: a file that does
/// not parse, is for another data root or another dockdu version is ignored (with a warning) and
/// written anew, and an entry is used only for exactly the directory it describes.
public struct LayerCache: Sendable, Codable, Equatable {
    public static let format = "dockdu-layer-cache"
    public static let formatVersion = 2

    public struct Entry: Sendable, Codable, Equatable {
        public var device: UInt64
        public var inode: UInt64
        public var changeTime: Int64
        public var changeNanoseconds: Int64
        public var modificationTime: Int64
        public var modificationNanoseconds: Int64
        public var subtree: CachedSubtree

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

    public init(dockduVersion: String, dataRoot: String, layers: [String: Entry]) {
        format = Self.format
        formatVersion = Self.formatVersion
        self.dockduVersion = dockduVersion
        self.dataRoot = dataRoot
        self.layers = layers
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
        do {
            bytes = try FileDescriptor.openForReading(atPath: path).closeAfter { file throws(Errno) in try file.readAll(limit: 512 << 20) }
        } catch where error == .noSuchFileOrDirectory {
            return nil
        } catch {
            throw .unreadable(error)
        }
        let cache: LayerCache
        do {
            cache = try JSONDecoder().decode(LayerCache.self, from: Data(bytes))
        } catch {
            throw .corrupt("\(error)")
        }
        guard cache.format == Self.format, cache.formatVersion == Self.formatVersion else {
            throw .foreign("format \(cache.format) \(cache.formatVersion), not \(Self.format) \(Self.formatVersion)")
        }
        guard cache.dockduVersion == version else { throw .foreign("written by dockdu \(cache.dockduVersion), not \(version)") }
        guard cache.dataRoot == dataRoot else { throw .foreign("for data root \(cache.dataRoot), not \(dataRoot)") }
        return cache
    }

    /// The cache for the next run, from this run's walk: every image layer's `diff`.
    public static func from(scan: DataRootScan.Result, dockduVersion: String, dataRoot: String, files: DataRootFiles) -> LayerCache {
        var layers: [String: Entry] = [:]
        var chainIDs: [String: String] = [:]
        for layer in scan.model.layers.values { chainIDs[layer.cacheID] = layer.chainID }
        for cacheID in scan.rules.layerCacheIDs {
            guard let chainID = chainIDs[cacheID],
                  let slot = scan.rules.slot(of: .layerDiff(chainID: chainID)),
                  let status = try? files.status(["overlay2", cacheID, "diff"])
            else { continue }
            layers[cacheID] = Entry(
                device: status.device, inode: status.inode, changeTime: status.changeTime, changeNanoseconds: status.changeNanoseconds,
                modificationTime: status.modificationTime, modificationNanoseconds: status.modificationNanoseconds,
                subtree: scan.tally.cachedSubtree(slot: slot))
        }
        return LayerCache(dockduVersion: dockduVersion, dataRoot: dataRoot, layers: layers)
    }
}

/// A ``LayerCache`` answering a walk's questions by the keys of one ``OwnershipRules``.
public struct LayerCacheLookup: WalkCache {
    public var cache: LayerCache
    public var cacheIDs: [String]

    public init(cache: LayerCache, cacheIDs: [String]) {
        self.cache = cache
        self.cacheIDs = cacheIDs
    }

    public func subtree(forKey key: Int32, directory: FileStatus) -> CachedSubtree? {
        guard key >= 0, Int(key) < cacheIDs.count, let entry = cache.layers[cacheIDs[Int(key)]], entry.describes(directory) else { return nil }
        return entry.subtree
    }
}
