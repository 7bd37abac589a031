/// Reads the values of one bolt file's buckets with their checks, collecting a `corrupt` warning
/// for each value that fails, so that a decoder can leave that one object out and go on.
struct BoltValueChecks {
    /// The file, relative to the containerd root, for the warnings.
    let file: String
    private(set) var warnings: [Warning] = []
    /// False once anything was left out.
    private(set) var isComplete = true

    init(file: String) {
        self.file = file
    }

    /// Records that the object at `path` was left out (or read in part) because of `problem`.
    mutating func corrupt(_ path: [[UInt8]], _ problem: String) {
        let place = path.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "/")
        warnings.append(Warning(code: .corrupt, path: file, message: "\(place): \(problem)"))
        isComplete = false
    }

    /// A key as text; nil, with a warning, when it is not UTF-8.
    mutating func text(key: [UInt8], at path: [[UInt8]]) -> String? {
        if let text = ContainerdNames.text(key) { return text }
        corrupt(path + [key], "the name is not UTF-8; left out")
        return nil
    }

    /// The string value at `key`: nil when absent or empty (containerd writes empty strings for
    /// unset fields), nil with a warning when not UTF-8.
    mutating func string(_ bucket: BoltDB.Bucket, _ key: String, at path: [[UInt8]]) -> String? {
        guard let value = bucket.get(Array(key.utf8)), !value.isEmpty else { return nil }
        if let text = ContainerdNames.text(value) { return text }
        corrupt(path + [Array(key.utf8)], "the value is not UTF-8; ignored")
        return nil
    }

    /// The digest at `key`: nil when absent, nil with a warning when not `sha256:<64 hex>`.
    mutating func digest(_ bucket: BoltDB.Bucket, _ key: String, at path: [[UInt8]]) -> String? {
        guard let value = bucket.get(Array(key.utf8)), !value.isEmpty else { return nil }
        if ContainerdNames.isDigest(value) { return String(decoding: value, as: UTF8.self) }
        corrupt(path + [Array(key.utf8)], "not a sha256 digest; ignored")
        return nil
    }

    /// A size written with Go's `binary.PutVarint`: nil, with a warning naming `what`, when it is
    /// missing, not one whole varint, or negative.
    mutating func size(_ bucket: BoltDB.Bucket, _ key: String, at path: [[UInt8]], what: String) -> Int64? {
        guard let value = bucket.get(Array(key.utf8)) else {
            corrupt(path, "no \(key); \(what)")
            return nil
        }
        guard let number = GoVarint.signed(value), number >= 0 else {
            corrupt(path + [Array(key.utf8)], "not a non-negative varint; \(what)")
            return nil
        }
        return number
    }

    /// `labels/`: every key and value that is UTF-8 (the others are warned about and left out).
    mutating func labels(_ bucket: BoltDB.Bucket, at path: [[UInt8]]) -> [String: String] {
        guard let labels = bucket.bucket(Array("labels".utf8)) else { return [:] }
        var result: [String: String] = [:]
        let labelsPath = path + [Array("labels".utf8)]
        labels.forEach { key, value in
            guard let value, let name = ContainerdNames.text(key), let text = ContainerdNames.text(value) else {
                corrupt(labelsPath + [key], "a label that is a bucket or not UTF-8; ignored")
                return
            }
            result[name] = text
        }
        return result
    }

    /// The names of the entries of `bucket` that are buckets, as text, in key order; entries that
    /// are plain values are skipped silently when `valuesAllowed`, else warned about.
    mutating func childBuckets(
        of bucket: BoltDB.Bucket, at path: [[UInt8]], valuesAllowed: Bool = false
    ) -> [(name: String, key: [UInt8], bucket: BoltDB.Bucket)] {
        var result: [(name: String, key: [UInt8], bucket: BoltDB.Bucket)] = []
        var keys: [([UInt8], Bool)] = []
        bucket.forEach { key, value in keys.append((key, value == nil)) }
        for (key, isBucket) in keys {
            guard isBucket, let child = bucket.bucket(key) else {
                if !valuesAllowed { corrupt(path + [key], "a value where a bucket belongs; ignored") }
                continue
            }
            guard let name = text(key: key, at: path) else { continue }
            result.append((name, key, child))
        }
        return result
    }

    /// The keys of `bucket` as text, in key order: a lease's or a snapshot's references.
    mutating func keys(of bucket: BoltDB.Bucket, at path: [[UInt8]]) -> [String] {
        var keys: [[UInt8]] = []
        bucket.forEach { key, _ in keys.append(key) }
        return keys.compactMap { text(key: $0, at: path) }
    }
}
