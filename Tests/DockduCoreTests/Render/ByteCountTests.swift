import Testing

@testable import DockduCore

@Suite struct ByteCountTests {
    private static let kibibyte: Int64 = 1 << 10
    private static let mebibyte: Int64 = 1 << 20
    private static let gibibyte: Int64 = 1 << 30
    private static let tebibyte: Int64 = 1 << 40

    static let cases: [(Int64, String)] = [
        (0, "0 B"),
        (1, "1 B"),
        (512, "512 B"),
        (1023, "1023 B"),
        (1024, "1.0 KiB"),
        (1025, "1.1 KiB"),  // rounds up, as du does
        (1536, "1.5 KiB"),
        (10 * kibibyte, "10.0 KiB"),
        (99 * kibibyte + 921, "99.9 KiB"),  // 99.8994…
        (99 * kibibyte + 922, "100 KiB"),  // 99.9004… rounds up past 99.9
        (100 * kibibyte, "100 KiB"),
        (100 * kibibyte + 1, "101 KiB"),
        (1023 * kibibyte, "1023 KiB"),
        (1023 * kibibyte + 1, "1.0 MiB"),  // would be 1024 KiB
        (mebibyte - 1, "1.0 MiB"),
        (mebibyte, "1.0 MiB"),
        (mebibyte + 1, "1.1 MiB"),
        (123 * mebibyte / 10, "12.3 MiB"),
        (123 * mebibyte, "123 MiB"),
        (3 * gibibyte / 2, "1.5 GiB"),
        (32 * tebibyte / 10, "3.2 TiB"),
        (1 << 50, "1.0 PiB"),
        (1 << 60, "1.0 EiB"),
        (Int64.max, "8.0 EiB"),
    ]

    @Test(arguments: cases)
    func human(bytes: Int64, expected: String) {
        #expect(ByteCount.human(bytes) == expected)
    }

    @Test func roundingAtOneDecimalBelowOneHundred() {
        let mebibyte: Int64 = 1024 * 1024
        // 99.95 MiB rounds up to 100.0, which prints without a decimal.
        #expect(ByteCount.human(99 * mebibyte + 95 * mebibyte / 100) == "100 MiB")
        // Exactly 99.9 MiB stays, one byte more does not.
        let ninetyNinePointNine = 999 * mebibyte / 10
        #expect(ByteCount.human(ninetyNinePointNine) == "99.9 MiB")
        #expect(ByteCount.human(ninetyNinePointNine + 1) == "100 MiB")
        // The largest size that is at most 12.3 MiB, and one just above 12.0 MiB.
        #expect(ByteCount.human(123 * mebibyte / 10) == "12.3 MiB")
        #expect(ByteCount.human(12 * mebibyte + 1) == "12.1 MiB")
    }

    @Test func neverUnderstatesNorOverstatesByMoreThanOneStep() throws {
        // Read each printed size back exactly, in tenths of its unit, and compare in 128 bits.
        let shifts: [String: Int] = ["B": 0, "KiB": 10, "MiB": 20, "GiB": 30, "TiB": 40, "PiB": 50, "EiB": 60]
        var samples: [Int64] = [Int64.max]
        for shift in 0...62 {
            for numerator: Int64 in [1, 3, 7, 9, 99, 500, 999, 1000, 1023] {
                let base = ((Int64(1) << shift) / 1000) * numerator
                samples += [base - 1, base, base + 1].filter { $0 >= 0 }
            }
        }
        for bytes in samples {
            let text = ByteCount.human(bytes)
            let parts = text.split(separator: " ")
            let digits = parts[0].split(separator: ".")
            let tenths = UInt128(digits[0]).map { $0 * 10 + (digits.count > 1 ? UInt128(digits[1]) ?? 99 : 0) }
            let shift = try #require(shifts[String(parts[1])], "\(text)")
            let shown = try #require(tenths, "\(text)") << shift
            let actual = UInt128(bytes) * 10
            #expect(shown >= actual, "\(bytes) printed as \(text)")
            // Within one printed step: a tenth below 100 of a unit, a whole unit above.
            let step: UInt128 = (digits.count > 1 ? 1 : 10) << shift
            #expect(shift == 0 ? shown == actual : shown - actual < step, "\(bytes) printed as \(text)")
            #expect(digits[0].count <= 4 && (UInt128(digits[0]) ?? 0) < 1024)
        }
    }

    @Test func exactIsThePlainInteger() {
        #expect(ByteCount.exact(0) == "0")
        #expect(ByteCount.exact(1_536) == "1536")
        #expect(ByteCount.exact(Int64.max) == "9223372036854775807")
        #expect(ByteCount.format(1_536, exact: true) == "1536")
        #expect(ByteCount.format(1_536, exact: false) == "1.5 KiB")
    }

    @Test func negativeSizesShowTheirMagnitude() {
        #expect(ByteCount.human(-1536) == "-1.5 KiB")
        #expect(ByteCount.human(Int64.min) == "-8.0 EiB")
    }
}
