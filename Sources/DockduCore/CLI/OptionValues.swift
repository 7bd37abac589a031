/// The values of numeric options, checked: a value that is not of the option's shape, or that is
/// too large to hold, is a usage error naming the option and the limit, never a trap or a
/// silently wrapped figure.
extension ParsedArguments {
    /// Seconds in `--name DURATION`, or nil when it was not given.
    func duration(_ name: String, like examples: String) -> Result<Int64?, ArgumentMessage> {
        guard let text = value(name) else { return .success(nil) }
        do throws(NumberArgumentError) {
            return .success(try Duration.seconds(text))
        } catch {
            return .failure(Self.message(error, option: name, text: text, shape: "a duration like \(examples)", unit: " seconds"))
        }
    }

    /// Bytes in `--name SIZE`, or nil when it was not given.
    func size(_ name: String, like examples: String) -> Result<Int64?, ArgumentMessage> {
        guard let text = value(name) else { return .success(nil) }
        do throws(NumberArgumentError) {
            return .success(try SizeArgument.bytes(text))
        } catch {
            return .failure(Self.message(error, option: name, text: text, shape: "a size like \(examples)", unit: " bytes"))
        }
    }

    /// A whole number in `--name N` from `range`, or nil when it was not given.
    func count(_ name: String, in range: ClosedRange<Int>) -> Result<Int?, ArgumentMessage> {
        guard let text = value(name) else { return .success(nil) }
        let shape = "a whole number from \(range.lowerBound) to \(range.upperBound)"
        do throws(NumberArgumentError) {
            let number = try WholeNumber.parse(Substring(text))
            guard number <= Int64(range.upperBound) else { throw .tooLarge(maximum: Int64(range.upperBound)) }
            guard number >= Int64(range.lowerBound) else { throw .malformed }
            return .success(Int(number))
        } catch {
            return .failure(Self.message(error, option: name, text: text, shape: shape, unit: ""))
        }
    }

    /// `--cache-max-age`, else ``DataRootScan/defaultCacheMaxAgeSeconds``.
    func cacheMaxAgeSeconds() -> Result<Int64, ArgumentMessage> {
        duration("cache-max-age", like: "12h or 7d").map { $0 ?? DataRootScan.defaultCacheMaxAgeSeconds }
    }

    private static func message(_ error: NumberArgumentError, option: String, text: String, shape: String, unit: String) -> ArgumentMessage {
        switch error {
        case .malformed:
            ArgumentMessage("--\(option) takes \(shape), not '\(text)'")
        case .tooLarge(let maximum):
            ArgumentMessage("--\(option) '\(text)' is too large: at most \(maximum)\(unit)")
        }
    }
}
