/// Each image chain's wasted bytes (``WasteFinder``), kept beside the layers' figures: a chain's
/// layers are committed and never change, so what their upper layers hide does not either. An
/// entry stands in for the second pass only under the rules a layer entry does, for every layer
/// of the chain: the `diff` directory is the one measured (device, inode, ctime, mtime), the
/// layer's own entry was used by this run's walk (fresh, for the same directory), and the entry
/// itself is younger than the maximum age. So a chain is measured again as soon as any of its
/// layers is walked again, and a layer caught changing is never answered from the cache.
extension LayerCache {
    /// One `diff` directory as it was when its chain was measured.
    public struct DirectoryIdentity: Sendable, Codable, Equatable {
        public var cacheID: String
        public var device: UInt64
        public var inode: UInt64
        public var changeTime: Int64
        public var changeNanoseconds: Int64
        public var modificationTime: Int64
        public var modificationNanoseconds: Int64

        init(cacheID: String, status: FileStatus) {
            self.cacheID = cacheID
            device = status.device
            inode = status.inode
            changeTime = status.changeTime
            changeNanoseconds = status.changeNanoseconds
            modificationTime = status.modificationTime
            modificationNanoseconds = status.modificationNanoseconds
        }

        func describes(_ status: FileStatus) -> Bool {
            self == DirectoryIdentity(cacheID: cacheID, status: status)
        }
    }

    public struct WasteEntry: Sendable, Codable, Equatable {
        /// The chain's layers, base first.
        public var layers: [DirectoryIdentity]
        /// When the chain was measured, in seconds since the epoch.
        public var verifiedAt: Int64
        public var waste: ImageWaste

        /// Figures a measurement of this chain could have produced.
        var isPlausible: Bool {
            layers.count > 1 && waste.isPlausible && waste.paths.allSatisfy { $0.hiddenBy < layers.count }
                && layers.allSatisfy { DockerNames.isHexID($0.cacheID.utf8) || BuildKitNames.isRandomID($0.cacheID.utf8) }
        }
    }

    /// The key of a chain's entry: its cache IDs, base first, joined by `/`.
    static func wasteKey(_ chain: WasteFinder.Chain) -> String { chain.cacheIDs.joined(separator: "/") }

    /// The `diff` directories of `chain` as they are now; nil when one cannot be read.
    static func identities(of chain: WasteFinder.Chain, files: DataRootFiles) -> [DirectoryIdentity]? {
        var identities: [DirectoryIdentity] = []
        for cacheID in chain.cacheIDs {
            guard let status = try? files.status(["overlay2", cacheID, "diff"]) else { return nil }
            identities.append(DirectoryIdentity(cacheID: cacheID, status: status))
        }
        return identities
    }

    /// The cached figures for `chain`, if they may stand in for measuring it at `now`
    /// (`identities`: its directories as they are now).
    func waste(for chain: WasteFinder.Chain, identities: [DirectoryIdentity], now: Int64, maxAgeSeconds: Int64) -> WasteEntry? {
        guard let entry = wasted?[Self.wasteKey(chain)], entry.isPlausible, entry.layers == identities else { return nil }
        let age = now -| entry.verifiedAt
        guard age >= 0, age < maxAgeSeconds else { return nil }
        // Every layer's own entry must be one this run's walk used: fresh, for the same directory.
        for identity in identities {
            guard let layer = layers[identity.cacheID], layer.isFresh(now: now, maxAgeSeconds: maxAgeSeconds),
                  layer.device == identity.device, layer.inode == identity.inode, layer.changeTime == identity.changeTime,
                  layer.changeNanoseconds == identity.changeNanoseconds, layer.modificationTime == identity.modificationTime,
                  layer.modificationNanoseconds == identity.modificationNanoseconds
            else { return nil }
        }
        return entry
    }
}

/// Wasted bytes of a scan's images, each chain from the cache where it may stand in and measured
/// otherwise.
struct WasteLookup {
    var files: DataRootFiles
    var workerCount: Int
    var previous: LayerCache?
    var now: Int64
    var maxAgeSeconds: Int64

    struct Outcome {
        /// By image ID.
        var waste: [String: ImageWaste] = [:]
        /// Chains measured whole by this run (no path unreadable), for the next run's cache.
        var measured: [String: LayerCache.WasteEntry] = [:]
        /// Chains answered from the cache, kept as they were.
        var reused: [String: LayerCache.WasteEntry] = [:]
        var problems: [(path: String, errno: Errno)] = []
    }

    func find(images: [StoredImage], layers: [String: StoredLayer]) -> Outcome {
        var outcome = Outcome()
        let chains = WasteFinder.chains(images: images, layers: layers)
        var figures: [WasteFinder.Chain: ImageWaste] = [:]
        var toMeasure: [WasteFinder.Chain: [LayerCache.DirectoryIdentity]?] = [:]
        for chain in Set(chains.values) {
            let identities = LayerCache.identities(of: chain, files: files)
            if let identities, let entry = previous?.waste(for: chain, identities: identities, now: now, maxAgeSeconds: maxAgeSeconds) {
                figures[chain] = entry.waste
                outcome.reused[LayerCache.wasteKey(chain)] = entry
            } else {
                toMeasure[chain] = identities
            }
        }
        var finder = WasteFinder(files: files, workerCount: workerCount)
        let measured = finder.measure(chains: Array(toMeasure.keys))
        outcome.problems = finder.problems
        for (chain, waste) in measured {
            figures[chain] = waste
            // A chain with a path it could not read, or with a layer that has no directory, is
            // not kept: the next run measures it again.
            guard case let identities?? = toMeasure[chain], !finder.chainsWithProblems.contains(chain) else { continue }
            outcome.measured[LayerCache.wasteKey(chain)] = LayerCache.WasteEntry(layers: identities, verifiedAt: now, waste: waste)
        }
        outcome.waste = chains.compactMapValues { figures[$0] }
        return outcome
    }
}
