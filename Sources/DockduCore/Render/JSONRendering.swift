import FoundationEssentials

/// The JSON that `dockdu report --json` prints: stable enough to diff and to key on.
public enum JSONRendering {
    /// Encodes `value` with sorted keys (so two runs diff cleanly), indented, with `/` left
    /// unescaped (paths stay readable) and a trailing newline (so a shell prompt starts on its
    /// own line). Array order is the model's; the model defines it.
    public static func render<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var bytes = [UInt8](try encoder.encode(value))
        bytes.append(UInt8(ascii: "\n"))
        return bytes
    }
}
