/// Durations on the command line (`90s`, `30m`, `1h`, `2h30m`, `7d`, `2w`) and in messages.
public enum Duration {
    /// Seconds in `text`; nil when it is not a duration. A bare number is seconds.
    public static func parse(_ text: String) -> Int64? {
        guard !text.isEmpty else { return nil }
        if let seconds = Int64(text), seconds >= 0 { return seconds }
        var total: Int64 = 0
        var number: Int64?
        for character in text {
            if let digit = character.wholeNumberValue, character.isASCII {
                // Every step is checked: a number or a sum past Int64 is not a duration, not a trap.
                let (shifted, overflow) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, carry) = shifted.addingReportingOverflow(Int64(digit))
                guard !overflow, !carry else { return nil }
                number = next
                continue
            }
            guard let value = number else { return nil }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86_400
            case "w": unit = 604_800
            default: return nil
            }
            let (product, overflow) = value.multipliedReportingOverflow(by: unit)
            let (sum, carry) = total.addingReportingOverflow(product)
            guard !overflow, !carry else { return nil }
            total = sum
            number = nil
        }
        return number == nil ? total : nil
    }

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
    public static func parse(_ text: String) -> Int64? {
        guard let last = text.last else { return nil }
        let units: [Character: Int64] = ["k": 1 << 10, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30, "T": 1 << 40]
        var digits = text
        var unit: Int64 = 1
        if let multiplier = units[last] {
            unit = multiplier
            digits.removeLast()
        } else if last == "B" || last == "b" {
            digits.removeLast()
        }
        guard let value = Int64(digits), value >= 0 else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: unit)
        return overflow ? nil : product
    }
}
