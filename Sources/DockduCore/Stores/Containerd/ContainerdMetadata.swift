/// What containerd's metadata database, `<root>/io.containerd.metadata.v1.bolt/meta.db`, says
/// about one containerd root, decoded into plain values (see `ContainerdMetadata+Decoding.swift`).
///
/// The layout, checked in containerd's source (v1.6.20 `metadata/*.go`, the same in main's
/// `core/metadata/*.go`; the schema comment atop `buckets.go` says `image` but the key is
/// `bucketKeyObjectImages = "images"`):
/// ```
/// v1/                                   schemaVersion; `version` beside the namespaces: a varint (db.go `dbVersion`: 3 in 1.6, 4 in main)
///   <namespace>/                        an identifier (pkg/identifiers)
///     labels/<key> = <value>
///     images/<name>/target/{digest, mediatype, size (Varint)}, labels/…      (images.go)
///     containers/<id>/{image, snapshotter, snapshotKey, spec, runtime/…}, labels/…  (containers.go)
///     snapshots/<snapshotter>/<key>/{name, parent, children/<key>}, labels/…  (snapshot.go)
///     content/blob/<digest>/{size (Varint)}, labels/…                         (content.go)
///     content/ingests/<ref>/{ref, expected, expireat}                         (content.go)
///     leases/<id>/{createdat}, labels/…, content/<digest>, ingests/<ref>,
///                 images/<name>, snapshots/<snapshotter>/<key>                (leases.go)
/// ```
/// - A snapshot's `name` is its name in the snapshotter, `<namespace>/<seq>/<key>`
///   (``BackendSnapshotName``); its `parent` is the parent's *key* in this same bucket, whose own
///   `name` the snapshotter knows. meta.db stores no kind and no usage for snapshots: those live in
///   the snapshotter's own database (``OverlayfsMetadata``).
/// - Blob labels carry the garbage collector's references (`metadata/gc.go`):
///   `containerd.io/gc.ref.content.<anything>` = a digest, `containerd.io/gc.ref.snapshot.<snapshotter>`
///   = a snapshot key; `containerd.io/uncompressed` on a layer blob is its diff ID.
/// - Timestamps (`createdat`, `updatedat`, `expireat`) are Go `time.MarshalBinary`; not decoded.
public struct ContainerdMetadata: Sendable, Equatable {
    /// `v1/version`, the schema's minor version, when it is a well-formed varint.
    public var schemaVersion: Int64?
    /// Sorted by name.
    public var namespaces: [ContainerdNamespace]
    /// Values that failed their checks, each naming its bucket path.
    public var warnings: [Warning]
    /// False when any object was left out for a bad value: what it would have named is unknown.
    public var isComplete: Bool
    /// The bolt transaction that was read.
    public var transactionID: UInt64

    public init(
        schemaVersion: Int64? = nil, namespaces: [ContainerdNamespace] = [], warnings: [Warning] = [],
        isComplete: Bool = true, transactionID: UInt64 = 0
    ) {
        self.schemaVersion = schemaVersion
        self.namespaces = namespaces
        self.warnings = warnings
        self.isComplete = isComplete
        self.transactionID = transactionID
    }

    /// The namespace called `name` (Docker's is `moby`, or `moby-<uid>.<gid>` under userns-remap).
    public func namespace(_ name: String) -> ContainerdNamespace? {
        namespaces.first { $0.name == name }
    }
}

/// One namespace of meta.db. Every array is sorted by its key (name, digest, ID).
public struct ContainerdNamespace: Sendable, Equatable {
    public var name: String
    public var labels: [String: String] = [:]
    public var images: [ContainerdImage] = []
    public var blobs: [ContentBlob] = []
    public var ingests: [ContentIngest] = []
    /// Snapshotter name (`overlayfs`) → its snapshots, sorted by key.
    public var snapshots: [String: [MetadataSnapshot]] = [:]
    public var leases: [ContainerdLease] = []
    public var containers: [ContainerdContainer] = []

    public init(name: String) {
        self.name = name
    }
}

/// A digest, a media type and a size: an OCI descriptor as an image's `target` stores it.
public struct ContentDescriptor: Sendable, Equatable {
    /// `sha256:<64 hex>`.
    public var digest: String
    public var mediaType: String
    public var sizeBytes: Int64

    public init(digest: String, mediaType: String, sizeBytes: Int64) {
        self.digest = digest
        self.mediaType = mediaType
        self.sizeBytes = sizeBytes
    }
}

/// `images/<name>`: a name (`docker.io/library/alpine:3`) and the manifest or index it points at.
public struct ContainerdImage: Sendable, Equatable {
    public var name: String
    public var target: ContentDescriptor
    public var labels: [String: String]

    public init(name: String, target: ContentDescriptor, labels: [String: String] = [:]) {
        self.name = name
        self.target = target
        self.labels = labels
    }
}

/// `content/blob/<digest>`: a blob this namespace holds in the content store
/// (`io.containerd.content.v1.content/blobs/sha256/<hex>`; the file is shared by namespaces).
public struct ContentBlob: Sendable, Equatable {
    /// `sha256:<64 hex>`.
    public var digest: String
    /// The size recorded at commit, which is the blob file's size.
    public var sizeBytes: Int64
    public var labels: [String: String]

    public init(digest: String, sizeBytes: Int64, labels: [String: String] = [:]) {
        self.digest = digest
        self.sizeBytes = sizeBytes
        self.labels = labels
    }

    public static let contentReferencePrefix = "containerd.io/gc.ref.content."
    public static let snapshotReferencePrefix = "containerd.io/gc.ref.snapshot."
    public static let uncompressedLabel = "containerd.io/uncompressed"

    /// Digests this blob keeps alive (`containerd.io/gc.ref.content.*`: a manifest's config and
    /// layers, an index's manifests), sorted; values that are not digests are left out.
    public var contentReferences: [String] {
        labels.filter { $0.key.hasPrefix(Self.contentReferencePrefix) && ContainerdNames.isDigest($0.value.utf8) }
            .map(\.value).sorted()
    }

    /// Snapshotter → snapshot keys this blob keeps alive (`containerd.io/gc.ref.snapshot.<name>`:
    /// an image config's unpacked top layer, by chain ID).
    public var snapshotReferences: [String: [String]] {
        var references: [String: [String]] = [:]
        for (key, value) in labels where key.hasPrefix(Self.snapshotReferencePrefix) {
            let snapshotter = String(key.dropFirst(Self.snapshotReferencePrefix.count))
            guard !snapshotter.isEmpty, !value.isEmpty else { continue }
            references[snapshotter, default: []].append(value)
        }
        return references.mapValues { $0.sorted() }
    }

    /// `containerd.io/uncompressed`: a compressed layer's diff ID, when it is a digest.
    public var uncompressedDigest: String? {
        labels[Self.uncompressedLabel].flatMap { ContainerdNames.isDigest($0.utf8) ? $0 : nil }
    }
}

/// `content/ingests/<ref>`: a download or write that has not been committed. Its bytes are in
/// the content store's `ingest/<sha256 of the backend ref>/data`.
public struct ContentIngest: Sendable, Equatable {
    public var reference: String
    /// `ref`: the reference in the content store backend.
    public var backendReference: String?
    /// `expected`: the digest the finished blob must have, when the writer said.
    public var expectedDigest: String?

    public init(reference: String, backendReference: String? = nil, expectedDigest: String? = nil) {
        self.reference = reference
        self.backendReference = backendReference
        self.expectedDigest = expectedDigest
    }
}

/// `snapshots/<snapshotter>/<key>`: a snapshot as a namespace sees it.
public struct MetadataSnapshot: Sendable, Equatable {
    /// The client's key: a chain ID for an image layer, Docker's container ID or `<id>-init`,
    /// `extract-<unique> <chain ID>` for an unpack in progress, a ctr container's name…
    public var key: String
    /// The snapshot's name in the snapshotter.
    public var backendName: BackendSnapshotName
    /// The parent's key in the same snapshotter bucket.
    public var parentKey: String?
    public var labels: [String: String]

    public init(key: String, backendName: BackendSnapshotName, parentKey: String? = nil, labels: [String: String] = [:]) {
        self.key = key
        self.backendName = backendName
        self.parentKey = parentKey
        self.labels = labels
    }

    /// containerd's `snapshots.UnpackKeyPrefix`: `extract-…` keys are unpacks in progress.
    public var isUnpackInProgress: Bool { key.hasPrefix("extract-") }
}

/// `leases/<id>`: what a lease keeps from the garbage collector. Docker makes one per container
/// (named by the container ID) holding its `<id>-init` and `<id>` snapshots.
public struct ContainerdLease: Sendable, Equatable {
    public var id: String
    public var labels: [String: String]
    /// Blob digests, sorted.
    public var content: [String]
    /// Ingest references, sorted.
    public var ingests: [String]
    /// Image names, sorted (leases of containerd 1.7 and later).
    public var images: [String]
    /// Snapshotter → snapshot keys, sorted.
    public var snapshots: [String: [String]]

    public init(
        id: String, labels: [String: String] = [:], content: [String] = [], ingests: [String] = [],
        images: [String] = [], snapshots: [String: [String]] = [:]
    ) {
        self.id = id
        self.labels = labels
        self.content = content
        self.ingests = ingests
        self.images = images
        self.snapshots = snapshots
    }
}

/// `containers/<id>`: a containerd container (Docker registers one when it starts a container).
public struct ContainerdContainer: Sendable, Equatable {
    public var id: String
    /// The image name it was created from.
    public var image: String?
    public var snapshotter: String?
    /// Its root file system's snapshot key in ``snapshotter``.
    public var snapshotKey: String?
    public var labels: [String: String]

    public init(
        id: String, image: String? = nil, snapshotter: String? = nil, snapshotKey: String? = nil,
        labels: [String: String] = [:]
    ) {
        self.id = id
        self.image = image
        self.snapshotter = snapshotter
        self.snapshotKey = snapshotKey
        self.labels = labels
    }
}
