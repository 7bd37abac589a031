extension ContainerdMetadata {
    /// Where meta.db lives under a containerd root.
    public static let path = ["io.containerd.metadata.v1.bolt", "meta.db"]

    /// Decodes a meta.db. A bad value leaves out only its own object, with a warning; a
    /// namespace that is not an identifier is left out whole.
    public init(database: BoltDB) {
        var checks = BoltValueChecks(file: Self.path.joined(separator: "/"))
        var namespaces: [ContainerdNamespace] = []
        var schemaVersion: Int64?
        let v1 = Array("v1".utf8)
        if let root = database.bucket([v1]) {
            if let version = root.get(Array("version".utf8)) {
                schemaVersion = GoVarint.signed(version)
                if schemaVersion == nil { checks.corrupt([v1, Array("version".utf8)], "not a varint; ignored") }
            }
            for (name, key, bucket) in checks.childBuckets(of: root, at: [v1], valuesAllowed: true) {
                guard ContainerdNames.isIdentifier(key) else {
                    checks.corrupt([v1, key], "not a containerd namespace name; the namespace is left out")
                    continue
                }
                namespaces.append(Self.namespace(name, bucket, path: [v1, key], checks: &checks))
            }
        }
        self.init(
            schemaVersion: schemaVersion, namespaces: namespaces, warnings: checks.warnings,
            isComplete: checks.isComplete, transactionID: database.transactionID)
    }

    private static func namespace(
        _ name: String, _ bucket: BoltDB.Bucket, path: [[UInt8]], checks: inout BoltValueChecks
    ) -> ContainerdNamespace {
        var namespace = ContainerdNamespace(name: name)
        namespace.labels = checks.labels(bucket, at: path)
        if let images = bucket.bucket(Array("images".utf8)) {
            let imagesPath = path + [Array("images".utf8)]
            for (name, key, image) in checks.childBuckets(of: images, at: imagesPath) {
                if let decoded = Self.image(name, image, path: imagesPath + [key], checks: &checks) {
                    namespace.images.append(decoded)
                }
            }
        }
        if let content = bucket.bucket(Array("content".utf8)) {
            let contentPath = path + [Array("content".utf8)]
            if let blobs = content.bucket(Array("blob".utf8)) {
                let blobsPath = contentPath + [Array("blob".utf8)]
                for (name, key, blob) in checks.childBuckets(of: blobs, at: blobsPath) {
                    if let decoded = Self.blob(name, blob, path: blobsPath + [key], checks: &checks) {
                        namespace.blobs.append(decoded)
                    }
                }
            }
            if let ingests = content.bucket(Array("ingests".utf8)) {
                let ingestsPath = contentPath + [Array("ingests".utf8)]
                for (name, key, ingest) in checks.childBuckets(of: ingests, at: ingestsPath) {
                    let place = ingestsPath + [key]
                    namespace.ingests.append(
                        ContentIngest(
                            reference: name, backendReference: checks.string(ingest, "ref", at: place),
                            expectedDigest: checks.digest(ingest, "expected", at: place)))
                }
            }
        }
        if let snapshotters = bucket.bucket(Array("snapshots".utf8)) {
            let snapshotsPath = path + [Array("snapshots".utf8)]
            for (snapshotter, key, snapshots) in checks.childBuckets(of: snapshotters, at: snapshotsPath) {
                namespace.snapshots[snapshotter] = Self.snapshots(
                    snapshots, namespace: name, path: snapshotsPath + [key], checks: &checks)
            }
        }
        if let leases = bucket.bucket(Array("leases".utf8)) {
            let leasesPath = path + [Array("leases".utf8)]
            for (id, key, lease) in checks.childBuckets(of: leases, at: leasesPath) {
                guard ContainerdNames.isIdentifier(key) else {
                    checks.corrupt(leasesPath + [key], "not a containerd lease ID; the lease is left out")
                    continue
                }
                namespace.leases.append(Self.lease(id, lease, path: leasesPath + [key], checks: &checks))
            }
        }
        if let containers = bucket.bucket(Array("containers".utf8)) {
            let containersPath = path + [Array("containers".utf8)]
            for (id, key, container) in checks.childBuckets(of: containers, at: containersPath) {
                guard ContainerdNames.isIdentifier(key) else {
                    checks.corrupt(containersPath + [key], "not a containerd container ID; the container is left out")
                    continue
                }
                let place = containersPath + [key]
                namespace.containers.append(
                    ContainerdContainer(
                        id: id, image: checks.string(container, "image", at: place),
                        snapshotter: checks.string(container, "snapshotter", at: place),
                        snapshotKey: checks.string(container, "snapshotKey", at: place),
                        labels: checks.labels(container, at: place)))
            }
        }
        return namespace
    }

    private static func image(
        _ name: String, _ bucket: BoltDB.Bucket, path: [[UInt8]], checks: inout BoltValueChecks
    ) -> ContainerdImage? {
        guard let target = bucket.bucket(Array("target".utf8)) else {
            checks.corrupt(path, "no target; the image is left out")
            return nil
        }
        let targetPath = path + [Array("target".utf8)]
        guard let digest = checks.digest(target, "digest", at: targetPath) else {
            if target.get(Array("digest".utf8)) == nil { checks.corrupt(targetPath, "no digest; the image is left out") }
            return nil
        }
        guard let size = checks.size(target, "size", at: targetPath, what: "the image is left out") else { return nil }
        let mediaType = checks.string(target, "mediatype", at: targetPath) ?? ""
        return ContainerdImage(
            name: name, target: ContentDescriptor(digest: digest, mediaType: mediaType, sizeBytes: size),
            labels: checks.labels(bucket, at: path))
    }

    private static func blob(
        _ digest: String, _ bucket: BoltDB.Bucket, path: [[UInt8]], checks: inout BoltValueChecks
    ) -> ContentBlob? {
        guard ContainerdNames.isDigest(digest.utf8) else {
            checks.corrupt(path, "not a sha256 digest; the blob is left out")
            return nil
        }
        guard let size = checks.size(bucket, "size", at: path, what: "the blob is left out") else { return nil }
        return ContentBlob(digest: digest, sizeBytes: size, labels: checks.labels(bucket, at: path))
    }

    private static func snapshots(
        _ bucket: BoltDB.Bucket, namespace: String, path: [[UInt8]], checks: inout BoltValueChecks
    ) -> [MetadataSnapshot] {
        var snapshots: [MetadataSnapshot] = []
        for (key, rawKey, snapshot) in checks.childBuckets(of: bucket, at: path) {
            let place = path + [rawKey]
            guard let nameText = checks.string(snapshot, "name", at: place) else {
                checks.corrupt(place, "no name in the snapshotter; the snapshot is left out")
                continue
            }
            // Both halves are containerd's: the namespace it lives in and the key it was filed by.
            guard let name = BackendSnapshotName(nameText), name.namespace == namespace else {
                checks.corrupt(
                    place + [Array("name".utf8)], "not this namespace's <namespace>/<n>/<key>; the snapshot is left out")
                continue
            }
            snapshots.append(
                MetadataSnapshot(
                    key: key, backendName: name, parentKey: checks.string(snapshot, "parent", at: place),
                    labels: checks.labels(snapshot, at: place)))
        }
        return snapshots
    }

    private static func lease(
        _ id: String, _ bucket: BoltDB.Bucket, path: [[UInt8]], checks: inout BoltValueChecks
    ) -> ContainerdLease {
        var lease = ContainerdLease(id: id, labels: checks.labels(bucket, at: path))
        if let content = bucket.bucket(Array("content".utf8)) {
            let place = path + [Array("content".utf8)]
            for digest in checks.keys(of: content, at: place) {
                if ContainerdNames.isDigest(digest.utf8) {
                    lease.content.append(digest)
                } else {
                    checks.corrupt(place + [Array(digest.utf8)], "not a sha256 digest; ignored")
                }
            }
        }
        if let ingests = bucket.bucket(Array("ingests".utf8)) {
            lease.ingests = checks.keys(of: ingests, at: path + [Array("ingests".utf8)])
        }
        if let images = bucket.bucket(Array("images".utf8)) {
            lease.images = checks.keys(of: images, at: path + [Array("images".utf8)])
        }
        if let snapshotters = bucket.bucket(Array("snapshots".utf8)) {
            let place = path + [Array("snapshots".utf8)]
            for (snapshotter, key, snapshots) in checks.childBuckets(of: snapshotters, at: place) {
                lease.snapshots[snapshotter] = checks.keys(of: snapshots, at: place + [key])
            }
        }
        return lease
    }
}
