/// Words for a POSIX shell script that pass any byte sequence literally.
///
/// Printable ASCII goes in single quotes. Anything else (newlines, escape sequences, bytes that
/// are not UTF-8) is built with `printf` from octal escapes into a variable, so the script itself
/// is plain ASCII that is safe to `cat` to a terminal and to review.
public enum ShellQuoting {
    /// The word as it is when every byte is one the shell treats literally (letters, digits,
    /// `_@%+=:,./-`); else `'text'`, with `'` written as `'\''`; nil when some byte is not
    /// printable ASCII.
    public static func singleQuoted(_ bytes: some Collection<UInt8>) -> String? {
        guard bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) else { return nil }
        let literal = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_@%+=:,./-".utf8)
        if !bytes.isEmpty && bytes.allSatisfy(literal.contains) && bytes.first != 0x2D || (bytes.first == 0x2D && bytes.allSatisfy(literal.contains)) {
            return String(decoding: Array(bytes), as: UTF8.self)
        }
        var result = "'"
        for byte in bytes {
            if byte == 0x27 { result += "'\\''" } else { result.unicodeScalars.append(Unicode.Scalar(byte)) }
        }
        return result + "'"
    }

    /// A `printf` format that prints exactly `bytes`: printable ASCII as itself, `%` as `%%`, `\`
    /// as `\\`, everything else as a three-digit octal escape; single-quoted for the shell.
    public static func printfFormat(_ bytes: some Collection<UInt8>) -> String {
        var result = "'"
        for byte in bytes {
            switch byte {
            case 0x27: result += "'\\''"
            case 0x25: result += "%%"
            case 0x5C: result += "\\\\"
            case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let octal = String(byte, radix: 8)
                result += "\\" + String(repeating: "0", count: 3 - octal.count) + octal
            }
        }
        return result + "'"
    }

    /// Lines that set `variable` to exactly `bytes` (trailing newlines included, which `$(…)`
    /// alone would strip).
    public static func assignment(_ variable: String, _ bytes: some Collection<UInt8>) -> String {
        "\(variable)=$(printf \(printfFormat(bytes)); printf x); \(variable)=${\(variable)%x}"
    }
}
