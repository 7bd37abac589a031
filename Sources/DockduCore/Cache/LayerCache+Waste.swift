/// Each image chain's wasted bytes (``WasteFinder``), kept beside the layers' figures: a chain's
/// layers are committed and never change, so what their upper layers hide does not either. An
/// entry stands in for the second pass only while every layer of the chain is answered from the
/// cache by this run's walk (its entry fresh, for the same `diff` directory), and only while the
/// entry itself is younger than the maximum age. An entry lives no longer than its layers'
/// entries do (``from(scan:previous:waste:now:maxAgeSeconds:dockduVersion:dataRoot:files:)``
/// keeps it only beside the same layer entries it was measured with), so a chain is measured
/// again as soon as any of its layers is walked again, and a layer caught changing drops it.
extension LayerCache {
    public struct WasteEntry: Sendable, Codable, Equatable {
        /// The chain's layers' cache IDs, base first.
        public var layers: [String]
        /// When the chain was measured, in seconds since the epoch.
        public var verifiedAt: Int64
        public var waste: ImageWaste

        /// Figures a measurement of this chain could have produced.
        var isPlausible: Bool {
            layers.count > 1 && waste.isPlausible && waste.paths.allSatisfy { $0.hiddenBy < layers.count }
                && layers.allSatisfy { DockerNames.isHexID($0.utf8) || BuildKitNames.isRandomID($0.utf8) }
        }
    }

    /// The key of a chain's entry: its cache IDs, base first, joined by `/`.
    static func wasteKey(_ chain: WasteFinder.Chain) -> String { chain.cacheIDs.joined(separator: "/") }

    /// The cached figures for `chain`, if they may stand in for measuring it at `now`.
    func waste(for chain: WasteFinder.Chain, files: DataRootFiles, now: Int64, maxAgeSeconds: Int64) -> WasteEntry? {
        guard let entry = wasted?[Self.wasteKey(chain)], entry.isPlausible, entry.layers == chain.cacheIDs else { return nil }
        let age = now -| entry.verifiedAt
        guard age >= 0, age < maxAgeSeconds else { return nil }
        // Every layer's own entry must be one this run's walk used: fresh, for the same directory.
        for cacheID in chain.cacheIDs {
            guard let layer = layers[cacheID], layer.isFresh(now: now, maxAgeSeconds: maxAgeSeconds),
                  let status = try? files.status(["overlay2", cacheID, "diff"]), layer.describes(status)
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
        var toMeasure: [WasteFinder.Chain] = []
        for chain in Set(chains.values) {
            if let entry = previous?.waste(for: chain, files: files, now: now, maxAgeSeconds: maxAgeSeconds) {
                figures[chain] = entry.waste
                outcome.reused[LayerCache.wasteKey(chain)] = entry
            } else {
                toMeasure.append(chain)
            }
        }
        var finder = WasteFinder(files: files, workerCount: workerCount)
        let measured = finder.measure(chains: toMeasure)
        outcome.problems = finder.problems
        for (chain, waste) in measured {
            figures[chain] = waste
            // A chain with a path it could not read is not kept: the next run measures it again.
            guard !finder.chainsWithProblems.contains(chain) else { continue }
            outcome.measured[LayerCache.wasteKey(chain)] = LayerCache.WasteEntry(layers: chain.cacheIDs, verifiedAt: now, waste: waste)
        }
        outcome.waste = chains.compactMapValues { figures[$0] }
        return outcome
    }
}
