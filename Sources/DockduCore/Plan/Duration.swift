/// Why a number on the command line was not taken: it is not of the expected shape, or it is,
/// but larger than dockdu can hold or allows. Every arithmetic step of parsing is checked, so a
/// value past `Int64.max` is this error, never a trap or a wrapped figure.
public enum NumberArgumentError: Error, Sendable, Equatable {
    /// Not of the shape the option takes (empty, a unit without a number, a stray character).
    case malformed
    /// Well formed, but past `maximum` (in the option's own unit: seconds, bytes, a count).
    case tooLarge(maximum: Int64)
}

/// Durations on the command line (`90s`, `30m`, `1h`, `2h30m`, `7d`, `2w`) and in messages.
public enum Duration {
    /// Seconds in `text`; nil when it is not a duration or does not fit in `Int64`.
    public static func parse(_ text: String) -> Int64? {
        try? seconds(text)
    }

    /// Seconds in `text`, a bare number of seconds or numbers each followed by a unit.
    ///
    /// - Throws: ``NumberArgumentError/tooLarge(maximum:)`` when a number or the sum passes
    ///   `Int64.max` seconds; ``NumberArgumentError/malformed`` for anything else not a duration.
    public static func seconds(_ text: String) throws(NumberArgumentError) -> Int64 {
        guard !text.isEmpty, text.unicodeScalars.allSatisfy({ $0.isASCII }) else { throw .malformed }
        let tooLarge = NumberArgumentError.tooLarge(maximum: .max)
        var total: Int64 = 0
        var number: Int64?
        for character in text.utf8 {
            if (0x30...0x39).contains(character) {
                let (shifted, overflowShift) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (sum, overflowAdd) = shifted.addingReportingOverflow(Int64(character - 0x30))
                guard !overflowShift && !overflowAdd else { throw tooLarge }
                number = sum
                continue
            }
            guard let value = number, let unit = unitSeconds[character] else { throw .malformed }
            let (product, overflowProduct) = value.multipliedReportingOverflow(by: unit)
            let (sum, overflowSum) = total.addingReportingOverflow(product)
            guard !overflowProduct && !overflowSum else { throw tooLarge }
            total = sum
            number = nil
        }
        // A bare number is seconds; digits after the last unit (`1h5`) are not a duration.
        if let number {
            guard total == 0 && text.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else { throw .malformed }
            return number
        }
        return total
    }

    private static let unitSeconds: [UInt8: Int64] = [
        UInt8(ascii: "s"): 1, UInt8(ascii: "m"): 60, UInt8(ascii: "h"): 3600,
        UInt8(ascii: "d"): 86_400, UInt8(ascii: "w"): 604_800,
    ]

    /// `45s`, `12m`, `3h`, `5d`: the largest whole unit, as an operator reads an age.
    public static func describe(_ seconds: Int64) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h" }
        return "\(seconds / 86_400)d"
    }
}

/// Sizes on the command line: `500`, `512k`, `100M`, `1G`, `2T` (powers of 1024, as `du -B`).
public enum SizeArgument {
    /// Bytes in `text`; nil when it is not a size or does not fit in `Int64`.
    public static func parse(_ text: String) -> Int64? {
        try? bytes(text)
    }

    /// Bytes in `text`: digits, then optionally one of `k K M G T` (or `B`/`b` for bytes).
    ///
    /// - Throws: ``NumberArgumentError/tooLarge(maximum:)`` past `Int64.max` bytes,
    ///   ``NumberArgumentError/malformed`` for anything else not a size.
    public static func bytes(_ text: String) throws(NumberArgumentError) -> Int64 {
        guard let last = text.last else { throw .malformed }
        let units: [Character: Int64] = ["k": 1 << 10, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = Substring(text)
        var unit: Int64 = 1
        if let multiplier = units[last] {
            unit = multiplier
            digits.removeLast()
        } else if last == "B" || last == "b" {
            digits.removeLast()
        }
        let value = try WholeNumber.parse(digits)
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw .tooLarge(maximum: .max) }
        return product
    }
}

/// A non-negative decimal number of ASCII digits only (no sign, no spaces), checked against
/// `Int64.max`.
public enum WholeNumber {
    public static func parse(_ text: Substring) throws(NumberArgumentError) -> Int64 {
        guard !text.isEmpty else { throw .malformed }
        var value: Int64 = 0
        for character in text.utf8 {
            guard (0x30...0x39).contains(character) else { throw .malformed }
            let (shifted, overflowShift) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflowAdd) = shifted.addingReportingOverflow(Int64(character - 0x30))
            guard !overflowShift && !overflowAdd else { throw .tooLarge(maximum: .max) }
            value = sum
        }
        return value
    }
}
