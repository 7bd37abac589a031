/// Makes file names safe to print on a terminal, the way GNU `ls --quoting-style=escape` (`ls -b`)
/// does: a name under a Docker data root is attacker-controlled (a container can create any file
/// in a volume), and an escape sequence in it must not clear the screen, move the cursor or
/// reorder what the operator reads.
///
/// - C0 controls and DEL become C escapes (`\n`, `\t`, `\e`, …) or `\xNN`.
/// - A backslash is doubled, so every escape is unambiguous.
/// - Bytes that are not part of valid UTF-8 become `\xNN`, one per byte.
/// - C1 controls (U+0080–U+009F), the bidi and format controls that reorder text (U+061C,
///   U+200E, U+200F, U+202A–U+202E, U+2066–U+2069) and the Unicode line and paragraph separators
///   (U+2028, U+2029) become `\u{…}`.
/// - Everything else passes through, so names in any script stay readable.
///
/// Unlike `ls -b`, a space is left alone: the report is for reading; `--json` is for parsing.
public enum TerminalEscaping {
    /// Escapes the bytes of a name, which need not be valid UTF-8.
    public static func escape(_ bytes: some Collection<UInt8>) -> String {
        var output = ""
        output.reserveCapacity(bytes.count)
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        // The parser reads ahead, so track where each scalar or error starts in `bytes` by the
        // lengths it reports rather than by the iterator.
        var index = bytes.startIndex
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let encoded):
                appendEscaped(Unicode.UTF8.decode(encoded), to: &output)
                index = bytes.index(index, offsetBy: encoded.count)
            case .error(let length):
                for _ in 0..<length {
                    appendHexByte(bytes[index], to: &output)
                    index = bytes.index(after: index)
                }
            case .emptyInput:
                return output
            }
        }
    }

    /// Escapes a name that is already a `String` (valid Unicode by construction).
    public static func escape(_ string: String) -> String {
        escape(string.utf8)
    }

    private static func appendEscaped(_ scalar: Unicode.Scalar, to output: inout String) {
        switch scalar.value {
        case 0x07: output += "\\a"
        case 0x08: output += "\\b"
        case 0x09: output += "\\t"
        case 0x0A: output += "\\n"
        case 0x0B: output += "\\v"
        case 0x0C: output += "\\f"
        case 0x0D: output += "\\r"
        case 0x1B: output += "\\e"
        case 0x5C: output += "\\\\"
        case 0x00..<0x20, 0x7F:
            appendHexByte(UInt8(scalar.value), to: &output)
        case 0x80...0x9F, 0x061C, 0x200E, 0x200F, 0x202A...0x202E, 0x2066...0x2069, 0x2028, 0x2029:
            output += "\\u{" + String(scalar.value, radix: 16) + "}"
        default:
            output.unicodeScalars.append(scalar)
        }
    }

    private static func appendHexByte(_ byte: UInt8, to output: inout String) {
        output += "\\x"
        output.unicodeScalars.append(hexDigit(byte >> 4))
        output.unicodeScalars.append(hexDigit(byte & 0x0F))
    }

    private static func hexDigit(_ nibble: UInt8) -> Unicode.Scalar {
        Unicode.Scalar(nibble < 10 ? UInt8(ascii: "0") + nibble : UInt8(ascii: "a") + nibble - 10)
    }
}
