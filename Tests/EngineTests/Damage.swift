import Foundation

/// Ways to damage the stopped engine tree behind Docker's back. Each is applied at most once per
/// run (a marker outside the root remembers it), so the tests may run in any order and the last
/// one can apply all of them.
enum Damage {
    /// Looks like a cache id, but no layer, container or snapshot names it.
    static let strayName = "5a7e5a7e0123456789abcdef0123456789abcdef0123456789abcdef5a7e5a7e"
    /// Another leftover, complete with its `l/` link, as a half-finished `docker rmi` leaves one.
    static let strayLinkedName = "11fe11fe0123456789abcdef0123456789abcdef0123456789abcdef11fe11fe"
    static let strayLink = "STRAYLINKEDSTRAYLINKED0001"
    /// Holds a chain of directories deeper than PATH_MAX.
    static let deepName = "deep-orphan"
    /// overlay2 names no tool should choke on or execute: a newline, a space, shell syntax,
    /// an ESC sequence, and bytes that are not UTF-8.
    static let hostileNameBytes: [[UInt8]] = [
        Array("new\nline".utf8),
        Array("with space".utf8),
        Array("$(touch pwned)".utf8),
        Array("`touch pwned-too`".utf8),
        // With the next component, overlay2/$(touch /tmp/pwned)/diff exists as a path.
        Array("$(touch ".utf8),
        Array("esc\u{1B}[31mred\u{1B}[0m".utf8),
        [0x69, 0x6E, 0xFF, 0xFE, 0x76, 0x61, 0x6C, 0x69, 0x64, 0xC3],  // "in\xff\xfevalid\xc3"
    ]

    static func strayOverlayDirectory(_ environment: EngineEnvironment) throws {
        try once("stray-overlay", environment) {
            try CommandRunner.bashChecked(
                """
                set -e
                d="$1/overlay2/$2"
                mkdir -p "$d/diff/usr/lib" "$d/work"
                head -c 200000 /dev/urandom > "$d/diff/usr/lib/blob"
                ln "$d/diff/usr/lib/blob" "$d/diff/usr/lib/blob.link"
                truncate -s 10M "$d/diff/sparse"
                printf STRAYSTRAYSTRAYSTRAYSTRAY1 > "$d/link"
                d="$1/overlay2/$3"
                mkdir -p "$d/diff/etc" "$d/work"
                head -c 50000 /dev/urandom > "$d/diff/etc/data"
                printf %s "$4" > "$d/link"
                ln -s "../$3/diff" "$1/overlay2/l/$4"
                """, [environment.root, strayName, strayLinkedName, strayLink])
        }
    }

    static func removeExitedContainer(_ environment: EngineEnvironment) throws {
        let facts = try PopulateFacts.load(environment)
        try once("removed-container", environment) {
            let directory = "\(environment.root)/containers/\(facts.containers.exited)"
            guard FileManager.default.fileExists(atPath: directory) else {
                throw EngineTestError("\(directory) is not there to remove")
            }
            try FileManager.default.removeItem(atPath: directory)
        }
    }

    static func corruptCreatedContainerConfig(_ environment: EngineEnvironment) throws {
        let facts = try PopulateFacts.load(environment)
        try once("corrupt-config", environment) {
            let path = "\(environment.root)/containers/\(facts.containers.created)/config.v2.json"
            let original = try Data(contentsOf: URL(fileURLWithPath: path))
            // Cut in the middle, as a crash during a write would leave it.
            try original.prefix(original.count / 2).write(to: URL(fileURLWithPath: path))
        }
    }

    static func hostileNames(_ environment: EngineEnvironment) throws {
        try once("hostile-names", environment) {
            for name in hostileNameBytes {
                let directory = bashQuoted(Array("\(environment.root)/overlay2/".utf8) + name)
                try CommandRunner.bashChecked(
                    """
                    set -e
                    mkdir -p \(directory)/diff \(directory)/work
                    head -c 12345 /dev/urandom > \(directory)/diff/file
                    """)
            }
            try CommandRunner.bashChecked(
                """
                set -e
                mkdir -p "$1/overlay2/\\$(touch /tmp/pwned)/diff"
                head -c 2345 /dev/urandom > "$1/overlay2/\\$(touch /tmp/pwned)/diff/file"
                """, [environment.root])
        }
    }

    /// About 30 levels of 200-character names: over 6,000 bytes of path, past PATH_MAX (4096).
    /// Built with mkdir and cd one level at a time, as no single path call could.
    static func deepChain(_ environment: EngineEnvironment) throws {
        try once("deep-chain", environment) {
            try CommandRunner.bashChecked(
                """
                set -e
                cd "$1/overlay2"
                mkdir -p "$2/diff"
                cd "$2/diff"
                for i in $(seq 1 30); do
                    name=$(printf 'level%03d-%0191d' "$i" 0)
                    mkdir "$name"
                    cd "$name"
                    head -c 3000 /dev/urandom > "file$i"
                done
                head -c 100000 /dev/urandom > bottom
                ln bottom bottom.link
                [ "$(pwd | wc -c)" -gt 4096 ]
                """, [environment.root, deepName])
        }
    }

    /// A layerdb entry caught half-way through `docker rmi` (moby renames it to
    /// `<chain>-<random>-removing` before deleting it) and a `containers/<id>` directory left
    /// without its `config.v2.json` (a half-removed container). Returns both paths, relative to
    /// the root.
    static let removingSuffix = "-0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0-removing"
    static let headlessContainer = "c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00c0ffee00"

    static func halfRemovedMetadata(_ environment: EngineEnvironment) throws -> (layer: String, container: String) {
        let layerdb = "\(environment.root)/image/overlay2/layerdb/sha256"
        let existing = try FileManager.default.contentsOfDirectory(atPath: layerdb)
        if let done = existing.first(where: { $0.hasSuffix(removingSuffix) }) {
            return ("image/overlay2/layerdb/sha256/\(done)", "containers/\(headlessContainer)")
        }
        guard let chain = existing.filter({ $0.count == 64 }).sorted().first else {
            throw EngineTestError("no layer in \(layerdb)")
        }
        let removing = chain + removingSuffix
        try once("half-removed", environment) {
            try CommandRunner.bashChecked(
                """
                set -e
                cp -a "$1/image/overlay2/layerdb/sha256/$2" "$1/image/overlay2/layerdb/sha256/$3"
                d="$1/containers/$4"
                mkdir -p "$d/checkpoints"
                head -c 70000 /dev/urandom | base64 > "$d/$4-json.log"
                echo '{"LogConfig":{"Type":"json-file"}}' > "$d/hostconfig.json"
                """, [environment.root, chain, removing, headlessContainer])
        }
        return ("image/overlay2/layerdb/sha256/\(removing)", "containers/\(headlessContainer)")
    }

    private static func once(_ name: String, _ environment: EngineEnvironment, _ body: () throws -> Void) throws {
        let markers = "\(environment.dir)/damage"
        try FileManager.default.createDirectory(atPath: markers, withIntermediateDirectories: true)
        let marker = "\(markers)/\(name).done"
        guard !FileManager.default.fileExists(atPath: marker) else { return }
        try body()
        _ = FileManager.default.createFile(atPath: marker, contents: nil)
    }
}
