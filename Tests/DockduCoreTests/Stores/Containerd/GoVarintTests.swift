import Testing

@testable import DockduCore

/// Encodings as Go's `binary.PutUvarint` / `PutVarint` write them (Go's own varint_test.go
/// vectors, and the zig-zag rule `uint64(x<<1) ^ uint64(x>>63)`).
@Suite struct GoVarintTests {
    @Test func unsignedAsGoReadsIt() {
        #expect(GoVarint.unsigned([0x00]) == 0)
        #expect(GoVarint.unsigned([0x01]) == 1)
        #expect(GoVarint.unsigned([0x7F]) == 127)
        #expect(GoVarint.unsigned([0x80, 0x01]) == 128)
        #expect(GoVarint.unsigned([0xAC, 0x02]) == 300)
        #expect(GoVarint.unsigned(Array(repeating: 0xFF, count: 9) + [0x01]) == UInt64.max)
        // Go accepts a longer form than needed; so does containerd's reader.
        #expect(GoVarint.unsigned([0x81, 0x00]) == 1)
    }

    @Test func malformedUnsignedIsNil() {
        #expect(GoVarint.unsigned([UInt8]()) == nil)
        #expect(GoVarint.unsigned([0x80]) == nil, "ends inside the number")
        #expect(GoVarint.unsigned(Array(repeating: 0xFF, count: 9) + [0x02]) == nil, "overflows 64 bits")
        #expect(GoVarint.unsigned(Array(repeating: 0x80, count: 10) + [0x00]) == nil, "longer than 10 bytes")
        #expect(GoVarint.unsigned([0x01, 0x00]) == nil, "bytes after the number")
    }

    @Test func signedIsZigZag() {
        #expect(GoVarint.signed([0x00]) == 0)
        #expect(GoVarint.signed([0x01]) == -1)
        #expect(GoVarint.signed([0x02]) == 1)
        #expect(GoVarint.signed([0x03]) == -2)
        #expect(GoVarint.signed([0x7F]) == -64)
        #expect(GoVarint.signed([0x80, 0x01]) == 64)
        // 559, a blob size in the fixture: zig-zag 1118 = 0x45E.
        #expect(GoVarint.signed([0xDE, 0x08]) == 559)
        #expect(GoVarint.signed(Array(repeating: 0xFF, count: 9) + [0x01]) == Int64.min)
        #expect(GoVarint.signed([0xFE] + Array(repeating: 0xFF, count: 8) + [0x01]) == Int64.max)
        #expect(GoVarint.signed([0x80]) == nil)
    }
}
