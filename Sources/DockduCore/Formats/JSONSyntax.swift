/// Finds where a document stops being JSON (RFC 8259), to say so in a message: the decoder
/// itself reports only that the data is not valid. Not a parser: it keeps nothing.
enum JSONSyntax {
    /// Deeper nesting than this is reported rather than recursed into.
    static let maximumDepth = 512

    /// `unexpected end at byte 11`, `unexpected 'x' at byte 3 (line 1, column 4)`; nil when the
    /// document is well formed.
    static func firstError(in bytes: [UInt8]) -> String? {
        var scanner = Scanner(bytes: bytes)
        do throws(Failure) {
            scanner.skipSpace()
            try scanner.value(depth: 0)
            scanner.skipSpace()
            if scanner.index < bytes.count { throw Failure(index: scanner.index) }
            return nil
        } catch {
            return error.describe(in: bytes)
        }
    }

    struct Failure: Error {
        var index: Int
        var tooDeep = false

        func describe(in bytes: [UInt8]) -> String {
            if tooDeep { return "nested deeper than \(JSONSyntax.maximumDepth) levels at byte \(index)" }
            guard index < bytes.count else { return "unexpected end at byte \(index)" }
            var line = 1
            var column = 1
            for byte in bytes[..<index] {
                if byte == 0x0A { line += 1; column = 1 } else { column += 1 }
            }
            let byte = bytes[index]
            let shown = (0x20...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x" + String(byte, radix: 16)
            return "unexpected \(shown) at byte \(index) (line \(line), column \(column))"
        }
    }

    private struct Scanner {
        let bytes: [UInt8]
        var index = 0

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Failure) {
            guard current == byte else { throw Failure(index: index) }
            index += 1
        }

        mutating func value(depth: Int) throws(Failure) {
            guard depth < JSONSyntax.maximumDepth else { throw Failure(index: index, tooDeep: true) }
            switch current {
            case UInt8(ascii: "{"): try container(close: UInt8(ascii: "}"), depth: depth, keyed: true)
            case UInt8(ascii: "["): try container(close: UInt8(ascii: "]"), depth: depth, keyed: false)
            case UInt8(ascii: "\""): try string()
            case UInt8(ascii: "t"): try literal("true")
            case UInt8(ascii: "f"): try literal("false")
            case UInt8(ascii: "n"): try literal("null")
            default: try number()
            }
        }

        mutating func container(close: UInt8, depth: Int, keyed: Bool) throws(Failure) {
            index += 1
            skipSpace()
            if current == close { index += 1; return }
            while true {
                if keyed {
                    try string()
                    skipSpace()
                    try expect(UInt8(ascii: ":"))
                    skipSpace()
                }
                try value(depth: depth + 1)
                skipSpace()
                if current == close { index += 1; return }
                try expect(UInt8(ascii: ","))
                skipSpace()
            }
        }

        mutating func string() throws(Failure) {
            try expect(UInt8(ascii: "\""))
            while let byte = current {
                index += 1
                switch byte {
                case UInt8(ascii: "\""): return
                case UInt8(ascii: "\\"):
                    guard current != nil else { throw Failure(index: index) }
                    index += 1
                case 0x00..<0x20: throw Failure(index: index - 1)
                default: break
                }
            }
            throw Failure(index: index)
        }

        mutating func literal(_ word: String) throws(Failure) {
            for byte in word.utf8 { try expect(byte) }
        }

        mutating func number() throws(Failure) {
            if current == UInt8(ascii: "-") { index += 1 }
            try digits()
            if current == UInt8(ascii: ".") { index += 1; try digits() }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                index += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { index += 1 }
                try digits()
            }
        }

        mutating func digits() throws(Failure) {
            let start = index
            while let byte = current, (0x30...0x39).contains(byte) { index += 1 }
            if index == start { throw Failure(index: index) }
        }
    }
}
