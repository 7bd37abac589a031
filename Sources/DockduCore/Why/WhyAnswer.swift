/// What `dockdu why` says of one target: what owns it, how many bytes it accounts for, what
/// else shares it, and what would have to be removed to free it. Output of `dockdu why --json`.
public struct WhyDocument: Sendable, Codable, Equatable {
    public static let currentSchemaVersion = 1
    public var schemaVersion: Int
    public var dataRoot: String
    public var generatedAt: String
    /// One per target that could be resolved, in the order given.
    public var answers: [WhyAnswer]
    /// One per target that could not: unknown, ambiguous or unreadable.
    public var unknownTargets: [WhyProblem]
    /// Wall-clock seconds spent reading metadata and walking the owners' directories.
    public var seconds: Double
    /// Directories and files walked (the owners' own, not the whole root).
    public var walkedPaths: Int
}

/// A target that could not be answered, and why, in one line.
public struct WhyProblem: Error, Sendable, Codable, Equatable {
    public var target: String
    public var message: String
}

/// Both size modes at once: `du`'s allocated bytes and `docker system df`'s apparent ones.
public struct WhyBytes: Sendable, Codable, Equatable {
    public var diskBytes: Int64
    public var apparentBytes: Int64

    public init(diskBytes: Int64, apparentBytes: Int64) {
        self.diskBytes = diskBytes
        self.apparentBytes = apparentBytes
    }

    public static let zero = WhyBytes(diskBytes: 0, apparentBytes: 0)
}

public struct WhyAnswer: Sendable, Codable, Equatable {
    /// How the target was read.
    public enum TargetKind: String, Sendable, Codable, Equatable, CaseIterable {
        case path, mergedPath, overlayDirectory, link, chainID, diffID, imageID, imageReference
        case containerID, containerName, volume, buildCacheRecord
    }

    /// As given on the command line.
    public var target: String
    public var targetKind: TargetKind
    /// The path under the data root the target names, when it is one (for a path in a running
    /// container's `merged/`, the layer's file that provides it).
    public var path: String?
    /// The bytes of that path itself: the file, or the directory and all under it.
    public var pathBytes: WhyBytes?
    public var owner: WhyOwner
    /// The whole of what owns it (the layer, the container, the volume, the image, the record).
    public var ownerBytes: WhyBytes
    /// Images and containers that share it, by their names.
    public var sharedBy: WhySharing
    public var toFree: WhyFreeing
}

public struct WhyOwner: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable, Equatable, CaseIterable {
        case imageLayer, image, containerLayer, containerInitLayer, container, containerLogs, volume
        case buildCacheRecord, orphan, other
    }

    public var kind: Kind
    /// One line, as the human view says it.
    public var description: String
    public var chainID: String?
    public var diffID: String?
    public var cacheID: String?
    public var imageID: String?
    public var containerID: String?
    public var containerName: String?
    public var volume: String?
    public var buildCacheRecords: [String]?
    /// For an orphan: why nothing owns it.
    public var orphanReason: String?
    /// For an image layer: where it sits in each image's chain of layers.
    public var positions: [WhyLayerPosition]?

    public init(kind: Kind, description: String) {
        self.kind = kind
        self.description = description
    }
}

/// A layer's place in one image: layer `position` (1 is the base) of `layers`.
public struct WhyLayerPosition: Sendable, Codable, Equatable {
    public var imageID: String
    public var image: String
    public var position: Int
    public var layers: Int
}

public struct WhySharing: Sendable, Codable, Equatable {
    /// Images (a reference, else the short ID), sorted.
    public var images: [String]
    /// Containers (names), sorted.
    public var containers: [String]

    public static let none = WhySharing(images: [], containers: [])
}

/// What removing would take, and what it would free.
public struct WhyFreeing: Sendable, Codable, Equatable {
    /// In order: containers before their images, images before their parents.
    public var steps: [WhyStep]
    /// What carrying out every step frees, each inode once (set-wise: a shared layer is freed
    /// only with the last image and container standing on it).
    public var freesBytes: WhyBytes
    /// When nothing `dockdu plan` removes can free it (Docker's own metadata), or a caveat.
    public var note: String?
}

public struct WhyStep: Sendable, Codable, Equatable {
    public var command: [String]
    /// What it removes, as the human view names it.
    public var target: String
}
