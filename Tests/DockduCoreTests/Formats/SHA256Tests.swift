import Testing

@testable import DockduCore

@Suite struct SHA256Tests {
    private func hex(_ text: String) -> String { SHA256.hexDigest(of: text) }

    // The published FIPS 180-4 / NIST CSRC example vectors for SHA-256.
    @Test func emptyMessage() {
        #expect(hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test func abc() {
        #expect(hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func message448Bits() {
        #expect(
            hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test func message896Bits() {
        #expect(
            hex(
                "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu"
            ) == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    @Test func oneMillionA() {
        let digest = SHA256.digest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
        #expect(SHA256.hex(digest) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    // Lengths around the padding boundaries: 55 bytes is the longest message whose padding fits
    // in one block, 56 the shortest that needs a second one, 64 exactly one block.
    // Expected values from `head -c N /dev/zero | tr '\0' a | sha256sum` (GNU coreutils),
    // and `tr '\0' b` for the two-block lengths.
    @Test(arguments: [
        (55, "a", "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318"),
        (56, "a", "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a"),
        (63, "a", "7d3e74a05d7db15bce4ad9ec0658ea98e3f06eeecf16b4c6fff2da457ddc2f34"),
        (64, "a", "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb"),
        (65, "a", "635361c48bb9eab14198e76ea8ab7f1a41685d6ad62aa9146d301d4f17eb0ae0"),
        (119, "b", "68297a9eb141ce16bbc0847da1c0c48e2858704feaa13993bde29f87a198a6e1"),
        (120, "b", "392add47fbaa8197a874ebe770a947a26dd6f2becce5f64688cc4d18c9da93bd"),
        (128, "b", "70ae1c5307f5250d5cb9e40742ba9613fcdf9b8d9eb6dd393330443b2d5effbd"),
    ])
    func blockBoundaries(length: Int, letter: String, expected: String) {
        #expect(hex(String(repeating: letter, count: length)) == expected)
    }

    // hexDigest hashes UTF-8 bytes: `printf 'héllo, wörld ✓' | sha256sum` in a UTF-8 shell.
    @Test func utf8Text() {
        #expect(hex("héllo, wörld ✓") == "b7cbe411256e0b5887b988d8d079bc047e75f6af00bb572d77291d65b2517de1")
    }

    /// Feeding the message in pieces of any size gives the one-shot digest.
    @Test(arguments: [1, 3, 55, 63, 64, 65, 200])
    func incrementalUpdatesMatchOneShot(chunkSize: Int) {
        let message = (0..<1000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var hasher = SHA256()
        var offset = 0
        while offset < message.count {
            let end = min(offset + chunkSize, message.count)
            hasher.update(message[offset..<end])
            offset = end
        }
        #expect(hasher.finalize() == SHA256.digest(message))
    }

    @Test func digestIs32Bytes() {
        #expect(SHA256.digest([UInt8]()).count == 32)
        #expect(SHA256.digest([UInt8](repeating: 0, count: 1000)).count == 32)
    }
}
