/// Which containerd root holds a Docker data root's images, when it uses the containerd store.
///
/// From moby's `daemon/command` (`initContainerd`, `initializeContainerd`, `containerdRootDir`):
/// - daemon.json `features."embedded-containerd"` → the daemon's own containerd, rooted at
///   `<data-root>/containerd/daemon`;
/// - a `containerd` address in daemon.json (or `--containerd`) → that (system) containerd;
/// - otherwise the daemon uses the system containerd when `/run/containerd/containerd.sock`
///   exists at its start, and else starts one of its own at `<data-root>/containerd/daemon`.
///   Offline the socket is gone, so a managed root that holds a meta.db is taken as the tell.
/// `<data-root>` is the remapped folder under userns-remap: `CreateDaemonRoot` runs first.
/// A system containerd's root is `root` in `/etc/containerd/config.toml`, else `/var/lib/containerd`.
/// (`$DOCKER_CONTAINERD_ROOT`, a testing override, is not considered.)
public enum ContainerdRootChoice {
    public static let systemDefaultRoot = "/var/lib/containerd"
    public static let systemConfigPath = "/etc/containerd/config.toml"
    /// Under the data root.
    public static let managedRootPath = ["containerd", "daemon"]

    public enum Rule: String, Sendable, Equatable, Codable {
        case embeddedFeature = "features.embedded-containerd is true"
        case configuredAddress = "daemon.json names a containerd address"
        case managedRootInUse = "the data root's own containerd/daemon holds a meta.db"
        case systemContainerd = "the system containerd"
    }

    public struct Inputs: Sendable, Equatable {
        /// The (remapped) data root.
        public var dataRoot: String
        /// daemon.json `features."embedded-containerd"`.
        public var embeddedFeature: Bool?
        /// daemon.json `containerd`.
        public var containerdAddress: String?
        /// Whether `<data-root>/containerd/daemon/io.containerd.metadata.v1.bolt/meta.db` exists.
        public var managedRootHasMetadata: Bool
        /// `root` from the system containerd's config file, when it sets one (see ``systemRoot(inConfig:)``).
        public var systemConfiguredRoot: String?

        public init(
            dataRoot: String, embeddedFeature: Bool? = nil, containerdAddress: String? = nil,
            managedRootHasMetadata: Bool = false, systemConfiguredRoot: String? = nil
        ) {
            self.dataRoot = dataRoot
            self.embeddedFeature = embeddedFeature
            self.containerdAddress = containerdAddress
            self.managedRootHasMetadata = managedRootHasMetadata
            self.systemConfiguredRoot = systemConfiguredRoot
        }
    }

    /// The containerd root to read, and why.
    public static func decide(_ inputs: Inputs) -> (root: String, rule: Rule) {
        let managed = ([inputs.dataRoot.hasSuffix("/") ? String(inputs.dataRoot.dropLast()) : inputs.dataRoot] + managedRootPath)
            .joined(separator: "/")
        let system = inputs.systemConfiguredRoot.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? systemDefaultRoot
        if inputs.embeddedFeature == true { return (managed, .embeddedFeature) }
        if let address = inputs.containerdAddress, !address.isEmpty { return (system, .configuredAddress) }
        if inputs.managedRootHasMetadata { return (managed, .managedRootInUse) }
        return (system, .systemContainerd)
    }

    /// The top-level `root = "…"` of a containerd config.toml: only keys before the first table
    /// header count, as TOML scopes them; a basic string with `\"` and `\\` escapes, or a literal
    /// `'…'` string. Nil when absent or written in any other form (then the default applies).
    public static func systemRoot(inConfig bytes: [UInt8]) -> String? {
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = rawLine.drop { $0 == " " || $0 == "\t" }
            if line.hasPrefix("[") { return nil }
            guard line.hasPrefix("root") else { continue }
            var rest = line.dropFirst(4).drop { $0 == " " || $0 == "\t" }
            guard rest.first == "=" else { continue }  // `rootless = …` and the like
            rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" }
            return stringValue(rest)
        }
        return nil
    }

    private static func stringValue(_ text: Substring) -> String? {
        guard let quote = text.first, quote == "\"" || quote == "'" else { return nil }
        var value = ""
        var escaped = false
        for character in text.dropFirst() {
            if quote == "'" {
                if character == "'" { return value }
                value.append(character)
            } else if escaped {
                guard character == "\"" || character == "\\" else { return nil }
                value.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == "\"" {
                return value
            } else {
                value.append(character)
            }
        }
        return nil
    }
}
