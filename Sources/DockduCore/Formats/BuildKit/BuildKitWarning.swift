/// A value in one of BuildKit's databases that could not be used as it stands: the record or
/// snapshot is kept when the rest of it is sound (without the bad field), or left out when its name
/// itself is bad. Collected on the side; decoding never throws for one bad value.
public struct BuildKitWarning: Sendable, Equatable, CustomStringConvertible {
    /// The database, relative to the data root: `buildkit/metadata_v2.db` or `buildkit/snapshots.db`.
    public var database: String
    /// The bucket (record ID or snapshot key) the value is in, quoted printable.
    public var item: String
    /// What is wrong and what follows from it.
    public var message: String

    public var description: String { "\(database): \(item): \(message)" }

    static func metadata(_ item: some Collection<UInt8>, _ message: String) -> BuildKitWarning {
        BuildKitWarning(database: "buildkit/metadata_v2.db", item: BuildKitNames.quoted(item), message: message)
    }

    static func snapshots(_ item: some Collection<UInt8>, _ message: String) -> BuildKitWarning {
        BuildKitWarning(database: "buildkit/snapshots.db", item: BuildKitNames.quoted(item), message: message)
    }
}
