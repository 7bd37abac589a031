import Foundation

/// Independent measurements of the tree, with the system's own tools: what dockdu must agree with.
enum Measure {
    /// `du -sx --block-size=1 PATH`: allocated bytes of everything under PATH, directories
    /// included, hard links once, other file systems skipped.
    static func du(_ path: String) throws -> Int64 {
        try du(bytes: Array(path.utf8))
    }

    /// ``du(_:)`` for a path given as exact bytes (which need not be UTF-8).
    static func du(bytes path: [UInt8]) throws -> Int64 {
        let result = try CommandRunner.bash("du -sx --block-size=1 -- \(bashQuoted(path))")
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        return try firstNumber(result.stdoutText, from: result.summary)
    }

    /// What an `overlay2/<name>` directory costs on disk: `du` of the directory plus its
    /// `overlay2/l/<link>` symlink when that link is the one pointing at it (a symlink whose
    /// target is too long to live in the inode takes a block of its own).
    static func overlayDirectory(root: String, name: [UInt8]) throws -> Int64 {
        let result = try CommandRunner.bash(
            """
            cd "$1/overlay2" || exit 1
            name=\(bashQuoted(name))
            paths=("$name")
            if [ -f "$name/link" ]; then
                link=l/$(cat "$name/link")
                if [ -L "$link" ] && [ "$(readlink "$link")" = "../$name/diff" ]; then paths+=("$link"); fi
            fi
            du -scx --block-size=1 -- "${paths[@]}" | tail -n 1
            """, [root])
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        return try firstNumber(result.stdoutText, from: result.summary)
    }

    /// `du -scx --block-size=1 PATHS…`: the total of several paths, hard links once.
    static func duTotal(_ paths: [String]) throws -> Int64 {
        guard !paths.isEmpty else { return 0 }
        let result = try CommandRunner.run(["du", "-scx", "--block-size=1", "--"] + paths)
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        guard let totalLine = result.stdoutText.split(separator: "\n").last else {
            throw EngineTestError("no output from \(result.summary)")
        }
        return try firstNumber(String(totalLine), from: result.summary)
    }

    /// Docker's rule (`directory.Size`), measured by `find`: `st_size` of every non-directory
    /// under PATH, each inode once, without crossing into other file systems.
    static func apparentBytes(_ path: String) throws -> Int64 {
        let result = try CommandRunner.run(["find", path, "-xdev", "!", "-type", "d", "-printf", "%i %s\n"])
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        var seen = Set<Substring>()
        var total: Int64 = 0
        for line in result.stdoutText.split(separator: "\n") {
            let fields = line.split(separator: " ")
            guard fields.count == 2, let size = Int64(fields[1]) else {
                throw EngineTestError("unexpected find output line: \(line)")
            }
            if seen.insert(fields[0]).inserted { total += size }
        }
        return total
    }

    /// `/proc/mounts` as text. Read by `cat`: Foundation's file reading trusts st_size, which is
    /// 0 for procfs files, and stops after its first 4096-byte read.
    static func mounts() throws -> String {
        let result = try CommandRunner.run(["cat", "/proc/mounts"])
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        return result.stdoutText
    }

    /// A manifest of the whole tree under PATH: for every path its type, mode, owner, group, size,
    /// inode, link count, mtime and ctime (not atime), symlink targets, and a SHA-256 of every
    /// regular file. Two equal manifests mean nothing under PATH was written, created, removed,
    /// renamed, chmod'ed, chown'ed or touched.
    static func manifest(_ path: String) throws -> [String] {
        let listing = try CommandRunner.run([
            "find", path, "-xdev", "-printf", "%y %m %U %G %s %i %n %T@ %C@ %P\\0%l\\0",
        ])
        guard listing.status == 0 else { throw EngineTestError(listing.summary) }
        let fields = listing.stdout.split(separator: 0, omittingEmptySubsequences: false)
        var entries: [String] = []
        var index = 0
        while index + 1 < fields.count {
            let metadata = String(decoding: fields[index], as: UTF8.self)
            let target = String(decoding: fields[index + 1], as: UTF8.self)
            entries.append(target.isEmpty ? metadata : metadata + " -> " + target)
            index += 2
        }
        let hashes = try CommandRunner.bash(
            "cd \"$1\" && find . -xdev -type f -print0 | sort -z | xargs -0 -r sha256sum -z --", [path])
        guard hashes.status == 0 else { throw EngineTestError(hashes.summary) }
        for record in hashes.stdout.split(separator: 0) {
            entries.append("sha256 " + String(decoding: record, as: UTF8.self))
        }
        return entries.sorted()
    }

    /// The names, types and content hashes under `path`: what a removal elsewhere must leave as
    /// it was (a hard link removed elsewhere changes a file's link count and ctime, not these).
    static func contents(_ path: String) throws -> [String] {
        let result = try CommandRunner.bash(
            "cd \"$1\" && find . -xdev -printf '%y %P\\n' | sort && find . -xdev -type f -print0 | sort -z | xargs -0 -r sha256sum --", [path])
        guard result.status == 0 else { throw EngineTestError(result.summary) }
        return result.stdoutText.split(separator: "\n").map(String.init)
    }

    private static func firstNumber(_ text: String, from command: String) throws -> Int64 {
        let digits = text.prefix { $0.isNumber }
        guard let value = Int64(digits) else {
            throw EngineTestError("no number at the start of the output of \(command): \(text.prefix(200))")
        }
        return value
    }
}

/// Reads one small file of Docker's metadata (`layerdb/…/size`, `mount-id`, …) as text.
func readText(_ path: String) throws -> String {
    String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
        .trimmingCharacters(in: .whitespacesAndNewlines)
}
