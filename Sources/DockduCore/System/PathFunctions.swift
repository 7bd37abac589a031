import Glibc

/// Path facts from the C library: shell-style patterns and canonical paths.
public enum PathFunctions {
    /// `fnmatch(3)` without flags: `*`, `?` and `[…]` as the shell has them.
    public static func glob(_ pattern: String, matches text: String) -> Bool {
        fnmatch(pattern, text, 0) == 0
    }

    /// `realpath(3)`: the absolute path with every link resolved; nil when it cannot be resolved.
    public static func canonical(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Whether `path` (which need not exist yet) is `directory` or lies under it, with links
    /// resolved as far as the path exists: dockdu's guard against writing under a data root.
    public static func isWithin(_ path: String, directory: String) -> Bool {
        let base = canonical(directory) ?? directory
        var existing = path.hasPrefix("/") ? path : (canonical(".") ?? "") + "/" + path
        var missing: [Substring] = []
        while canonical(existing) == nil, let slash = existing.lastIndex(of: "/") {
            missing.insert(existing[existing.index(after: slash)...], at: 0)
            existing = String(existing[..<slash])
            if existing.isEmpty { existing = "/" ; break }
        }
        let resolved = ([canonical(existing) ?? existing] + missing.map(String.init)).joined(separator: "/")
        return resolved == base || resolved.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    /// Mount points from `/proc/self/mountinfo` (field 5, octal escapes decoded), as bytes.
    public static func mountPoints() -> [[UInt8]] {
        guard let descriptor = try? FileDescriptor.openForReading(atPath: "/proc/self/mountinfo"),
              let text = try? descriptor.closeAfter({ file throws(Errno) in try file.readAll(limit: 64 << 20) })
        else { return [] }
        return text.split(separator: 0x0A).compactMap { line in
            let fields = line.split(separator: 0x20, omittingEmptySubsequences: false)
            guard fields.count > 4 else { return nil }
            return decodeOctalEscapes(Array(fields[4]))
        }
    }

    /// `\040` → space, as the kernel escapes space, tab, newline and backslash in mountinfo.
    static func decodeOctalEscapes(_ field: [UInt8]) -> [UInt8] {
        var result: [UInt8] = []
        var index = 0
        while index < field.count {
            if field[index] == 0x5C {
                let digits = field[(index + 1)..<min(index + 4, field.count)]
                if digits.count == 3, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) {
                    let value = digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
                    if value < 256 {
                        result.append(UInt8(value))
                        index += 4
                        continue
                    }
                }
            }
            result.append(field[index])
            index += 1
        }
        return result
    }
}

extension PathFunctions {
    /// `path` relative to `directory` when it lies strictly under it (both canonical), else nil.
    public static func relative(_ path: String, to directory: String) -> String? {
        let base = directory.hasSuffix("/") ? directory : directory + "/"
        guard path.hasPrefix(base), path.count > base.count else { return nil }
        return String(path.dropFirst(base.count))
    }
}
