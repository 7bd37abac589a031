import FoundationEssentials

/// Decodes BuildKit's cache records from `buildkit/metadata_v2.db`, read with ``BoltDB`` (no lock
/// is taken; the caller reads the bytes).
///
/// The format, verified in moby/buildkit at eeb7b65 (v0.8.4-0.20221020190723, the commit
/// Docker 20.10.24's `vendor.conf` pins) and unchanged in the keys read here on master:
/// - `cache/metadata/metadata.go`: records are buckets of the top-level bucket `_main`, named by
///   record ID (`_index` and `_external` hold lookup keys and content hashes, not records); each
///   key's value is the JSON of `Value{Value json.RawMessage "value,omitempty"; Index string
///   "index,omitempty"}`; an empty value is a deleted key (`setValue(nil)` puts nil, and
///   `newStorageItem` skips empty values).
/// - `cache/metadata.go`: the keys and the JSON inside `value`: `cache.description` (string),
///   `cache.createdAt` and `cache.lastUsedAt` (`UnixNano`, int64), `cache.usageCount` (int),
///   `cache.recordType` (string), `cache.parent` (record ID), `cache.snapshot` (snapshot key,
///   the record ID when absent), `cache.equalMutable` (record ID), `snapshot.committed`
///   (bool), `snapshot.size` (int64, -1 unknown), `cache.chainID` (digest), `cache.deleted`
///   (bool). There is no `cache.snapshotID` or `cache.size` key.
public enum BuildCacheMetadata {
    /// The database's path under the data root.
    public static let path = ["buildkit", "metadata_v2.db"]

    /// The records of `_main`, in key order, and a warning for each value that could not be used.
    /// A record whose name is not a BuildKit ID is left out; a bad field is left unset.
    public static func records(in database: BoltDB) -> (records: [BuildCacheRecord], warnings: [BuildKitWarning]) {
        guard let main = database.bucket([Array("_main".utf8)]) else { return ([], []) }
        var records: [BuildCacheRecord] = []
        var warnings: [BuildKitWarning] = []
        main.forEach { key, value in
            guard value == nil, let bucket = main.bucket(key) else {
                warnings.append(.metadata(key, "a plain value where a record's bucket belongs; ignored"))
                return
            }
            guard BuildKitNames.isRandomID(key) else {
                warnings.append(.metadata(key, "not a BuildKit record ID (25 of 0-9a-z); the record is ignored"))
                return
            }
            var fields = RecordFields(id: key, bucket: bucket)
            records.append(fields.record())
            warnings += fields.warnings
        }
        return (records, warnings)
    }

    /// Reads one record's fields, each checked for its shape.
    private struct RecordFields {
        let id: [UInt8]
        let bucket: BoltDB.Bucket
        var warnings: [BuildKitWarning] = []

        init(id: [UInt8], bucket: BoltDB.Bucket) {
            self.id = id
            self.bucket = bucket
        }

        mutating func record() -> BuildCacheRecord {
            let usageCount = integer("cache.usageCount", in: 0...Int64(Int32.max))
            let lastUsed = integer("cache.lastUsedAt", in: 0...Int64.max)
            let size = integer("snapshot.size", in: -1...Int64.max)
            let kind = string("cache.recordType").flatMap { raw -> BuildCacheRecord.Kind? in
                guard raw.utf8.count <= 64, raw.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                    warn("cache.recordType", "is not a record type")
                    return nil
                }
                return BuildCacheRecord.Kind(rawValue: raw)
            }
            return BuildCacheRecord(
                id: String(decoding: id, as: UTF8.self),
                kind: kind ?? .regular,
                description: string("cache.description") ?? "",
                createdAtNanoseconds: integer("cache.createdAt", in: 0...Int64.max).flatMap { $0 == 0 ? nil : $0 },
                lastUsedAtNanoseconds: usageCount == nil || lastUsed == 0 ? nil : lastUsed,
                usageCount: usageCount.map(Int.init) ?? 0,
                parentID: name("cache.parent", BuildKitNames.isRandomID),
                snapshotKey: name("cache.snapshot", BuildKitNames.isSnapshotKey),
                isMutable: boolean("snapshot.committed") != true,
                equalMutableID: name("cache.equalMutable", BuildKitNames.isRandomID),
                recordedSizeBytes: size == -1 ? nil : size,
                chainID: name("cache.chainID", DockerNames.isDigest),
                isDeleted: boolean("cache.deleted") == true)
        }

        mutating func warn(_ key: String, _ problem: String) {
            warnings.append(.metadata(id, "\(key) \(problem); the field is ignored"))
        }

        /// The JSON inside the key's `value`, decoded as `T`; nil when the key is absent or empty.
        mutating func value<T: Decodable>(_ key: String, as type: T.Type) -> T? {
            guard let bytes = bucket.get(Array(key.utf8)), !bytes.isEmpty else { return nil }
            do {
                return try JSONDecoder().decode(Envelope<T>.self, from: Data(bytes)).value
            } catch {
                warn(key, "is not a JSON value of the expected type")
                return nil
            }
        }

        mutating func string(_ key: String) -> String? { value(key, as: String.self) }

        mutating func boolean(_ key: String) -> Bool? { value(key, as: Bool.self) }

        mutating func integer(_ key: String, in range: ClosedRange<Int64>) -> Int64? {
            guard let number = value(key, as: Int64.self) else { return nil }
            guard range.contains(number) else {
                warn(key, "is \(number), outside \(range.lowerBound)...\(range.upperBound)")
                return nil
            }
            return number
        }

        /// A string value that must have a name's shape, or it becomes a warning (never a path).
        mutating func name(_ key: String, _ shape: ([UInt8]) -> Bool) -> String? {
            guard let text = string(key) else { return nil }
            guard shape(Array(text.utf8)) else {
                warn(key, "\"\(BuildKitNames.quoted(text.utf8))\" is not of the expected shape")
                return nil
            }
            return text
        }
    }

    /// `metadata.Value`: the stored JSON is `{"value": …, "index": "…"}`.
    private struct Envelope<T: Decodable>: Decodable {
        var value: T
    }
}
