/// One file an image ships but hides: the layer that added it and the layer that hid it.
public struct WastedPath: Sendable, Codable, Equatable {
    /// How many of an image's hidden files a report lists.
    public static let limit = 10

    /// Why no container sees the file.
    public enum Hiding: String, Sendable, Codable, Equatable {
        /// An upper layer removed it: a whiteout, or an opaque directory above it.
        case deleted
        /// An upper layer wrote the same path (or a non-directory over one of its folders).
        case replaced
    }

    /// A step of the image's build: its layer and the history's `created_by`.
    public struct Step: Sendable, Codable, Equatable {
        /// Position in the image's layers, 0 for the base.
        public var index: Int
        public var chainId: String
        /// `created_by` from the image config's history; absent when the history does not say.
        public var createdBy: String?
    }

    /// The path inside the image, from its root (`/usr/lib/x.so`); bytes that are not UTF-8
    /// are replaced by U+FFFD.
    public var path: String
    /// In the report's size mode.
    public var bytes: Int64
    public var hiding: Hiding
    public var addedBy: Step
    public var hiddenBy: Step
}
