/// Sizes as an operator reads them: like `du -h`, but in IEC units that cannot be mistaken for
/// decimal ones (`KiB`, not `K` or `kB`).
///
/// Human sizes round up, as `du` does, so a size is never understated: 1025 bytes is `1.1 KiB`.
/// Values below 100 of a unit keep one decimal (`12.3 MiB`), larger ones none (`123 MiB`); a value
/// that would round up to 1024 of a unit moves to the next (`1.0 GiB`, never `1024 MiB`).
/// All arithmetic is on integers, so the text is exact for every `Int64`.
public enum ByteCount {
    private static let units = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"]

    /// `bytes` in the form `--bytes` asks for (`exact`) or the human form.
    public static func format(_ bytes: Int64, exact: Bool) -> String {
        exact ? self.exact(bytes) : human(bytes)
    }

    /// The plain decimal integer: `1536`.
    public static func exact(_ bytes: Int64) -> String {
        String(bytes)
    }

    /// `0 B`, `512 B`, `1.0 KiB`, `12.3 MiB`, `123 MiB`, `1.5 GiB`, … up to `8.0 EiB`.
    public static func human(_ bytes: Int64) -> String {
        // Sizes are never negative; if one is, show its magnitude rounded the same way.
        bytes < 0 ? "-" + human(magnitude: bytes.magnitude) : human(magnitude: bytes.magnitude)
    }

    private static func human(magnitude bytes: UInt64) -> String {
        if bytes < 1024 {
            return "\(bytes) B"
        }
        for (power, unit) in units.enumerated() {
            let divisor = UInt64(1) << (10 * (power + 1))
            let (whole, remainder) = bytes.quotientAndRemainder(dividingBy: divisor)
            // ceil(bytes * 10 / divisor) without overflowing: remainder * 10 < 10 * 2^60 < 2^64.
            let tenths = whole * 10 + (remainder * 10 + divisor - 1) / divisor
            if tenths < 1000 {
                return "\(tenths / 10).\(tenths % 10) \(unit)"
            }
            let ceiling = whole + (remainder == 0 ? 0 : 1)
            if ceiling < 1024 {
                return "\(ceiling) \(unit)"
            }
        }
        // UInt64 tops out at 16 EiB, which the EiB step above always prints.
        return "\(bytes) B"
    }
}
