import Testing

@testable import DockduCore

@Suite struct TerminalEscapingTests {
    @Test func plainNamesPassThrough() {
        #expect(TerminalEscaping.escape("nginx_1") == "nginx_1")
        #expect(TerminalEscaping.escape("my volume") == "my volume")
        #expect(TerminalEscaping.escape("") == "")
    }

    @Test func newlineAndTabUseCEscapes() {
        #expect(TerminalEscaping.escape("evil\nname") == #"evil\nname"#)
        #expect(TerminalEscaping.escape("a\tb\rc") == #"a\tb\rc"#)
        #expect(TerminalEscaping.escape("\u{07}\u{08}\u{0B}\u{0C}") == #"\a\b\v\f"#)
    }

    @Test func escapeSequenceCannotReachTheTerminal() {
        #expect(TerminalEscaping.escape("\u{1B}[2J\u{1B}]0;pwned\u{07}") == #"\e[2J\e]0;pwned\a"#)
    }

    @Test func otherC0ControlsAndDeleteAreHex() {
        #expect(TerminalEscaping.escape("\u{00}\u{01}\u{1F}\u{7F}") == #"\x00\x01\x1f\x7f"#)
    }

    @Test func backslashIsDoubledSoEscapesStayUnambiguous() {
        #expect(TerminalEscaping.escape(#"a\nb"#) == #"a\\nb"#)
        #expect(TerminalEscaping.escape("a\nb") != TerminalEscaping.escape(#"a\nb"#))
    }

    @Test func shellMetacharactersAreLeftAlone() {
        // Nothing here is executed; only terminal control matters.
        #expect(TerminalEscaping.escape("$(rm -rf /)") == "$(rm -rf /)")
        #expect(TerminalEscaping.escape("`id`;'\"") == "`id`;'\"")
    }

    @Test func invalidUTF8BytesAreHexEachByte() {
        #expect(TerminalEscaping.escape([0x61, 0xFF, 0x62]) == #"a\xffb"#)
        // Truncated 3-byte sequence, then valid ASCII.
        #expect(TerminalEscaping.escape([0xE2, 0x82, 0x41]) == #"\xe2\x82A"#)
        // Overlong encoding of "/" and a UTF-16 surrogate encoded as UTF-8 are both invalid.
        #expect(TerminalEscaping.escape([0xC0, 0xAF]) == #"\xc0\xaf"#)
        #expect(TerminalEscaping.escape([0xED, 0xA0, 0x80]) == #"\xed\xa0\x80"#)
        // Latin-1 "café" as a file name from an old tarball.
        #expect(TerminalEscaping.escape([0x63, 0x61, 0x66, 0xE9]) == #"caf\xe9"#)
    }

    @Test func invalidBytesNextToValidMultibyteCharacters() {
        let bytes: [UInt8] = [0xFF] + Array("é😀".utf8) + [0x80]
        #expect(TerminalEscaping.escape(bytes) == #"\xffé😀\x80"#)
    }

    @Test func bidiOverrideIsShownNotObeyed() {
        // "exe.txt" spelled so that it displays as "txt.exe".
        #expect(TerminalEscaping.escape("a\u{202E}txt.exe") == #"a\u{202e}txt.exe"#)
        #expect(TerminalEscaping.escape("\u{061C}\u{200E}\u{200F}\u{2066}\u{2069}")
            == #"\u{61c}\u{200e}\u{200f}\u{2066}\u{2069}"#)
        #expect(TerminalEscaping.escape("\u{2028}") == #"\u{2028}"#)
    }

    @Test func c1ControlsAreEscaped() {
        // U+009B is CSI on terminals that honour 8-bit controls.
        #expect(TerminalEscaping.escape("x\u{9B}2J\u{85}") == #"x\u{9b}2J\u{85}"#)
    }

    @Test func printableUnicodeStaysReadable() {
        #expect(TerminalEscaping.escape("café-Ωμέγα-日本語") == "café-Ωμέγα-日本語")
        #expect(TerminalEscaping.escape("📦🐳") == "📦🐳")
        // A ZWJ sequence must survive intact.
        #expect(TerminalEscaping.escape("👩‍💻") == "👩‍💻")
    }

    @Test func bytesAndStringAgree() {
        let name = "log\u{1B}[31m\u{202E}é\\"
        #expect(TerminalEscaping.escape(name) == TerminalEscaping.escape(Array(name.utf8)))
    }

    @Test(arguments: 0..<256)
    func noSingleByteLeavesAControlCharacter(byte: Int) {
        let escaped = TerminalEscaping.escape([UInt8(byte)])
        #expect(escaped.unicodeScalars.allSatisfy { $0.value >= 0x20 && $0.value != 0x7F
            && !(0x80...0x9F).contains($0.value) })
    }
}
