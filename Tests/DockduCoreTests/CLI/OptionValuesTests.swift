import Testing

@testable import DockduCore

/// Numbers on the command line: checked at every step, so a value past `Int64.max` is a usage
/// error and never a trap.
@Suite struct OptionValuesTests {
    @Test func durationBoundaries() throws {
        #expect(try Duration.seconds("7d") == 604_800)
        #expect(try Duration.seconds("2h30m") == 9000)
        #expect(try Duration.seconds("0") == 0)
        #expect(try Duration.seconds("9223372036854775807") == .max)
        #expect(try Duration.seconds("9223372036854775807s") == .max)
        #expect(try Duration.seconds("15250284452471w") == 15_250_284_452_471 * 604_800)
        for tooLarge in ["9223372036854775808", "9223372036854775808s", "15250284452471w1w", "9223372036854775807s1s", "106751991167301d", "99999999999999999999999d"] {
            #expect(throws: NumberArgumentError.tooLarge(maximum: .max), "\(tooLarge)") { try Duration.seconds(tooLarge) }
        }
        for malformed in ["", "h", "d7", "7x", "1h5", "-3h", "+5", " 5", "5 ", "7d ", "٣d", "1.5h"] {
            #expect(throws: NumberArgumentError.malformed, "'\(malformed)'") { try Duration.seconds(malformed) }
            #expect(Duration.parse(malformed) == nil)
        }
    }

    @Test func sizeBoundaries() throws {
        #expect(try SizeArgument.bytes("100M") == 100 << 20)
        #expect(try SizeArgument.bytes("9223372036854775807") == .max)
        #expect(try SizeArgument.bytes("8388607T") == 8_388_607 << 40)
        for tooLarge in ["8388608T", "9223372036854775808", "99999999999999999999k"] {
            #expect(throws: NumberArgumentError.tooLarge(maximum: .max), "\(tooLarge)") { try SizeArgument.bytes(tooLarge) }
        }
        for malformed in ["", "M", "-1M", "+1", "1.5G", "1 G"] {
            #expect(throws: NumberArgumentError.malformed, "'\(malformed)'") { try SizeArgument.bytes(malformed) }
        }
    }

    @Test func optionMessagesNameTheOptionAndTheLimit() throws {
        let plan = try ArgumentParser().parse(["plan", "--older-than", "9223372036854775808s", "--log-threshold", "lots"])
        #expect(plan.duration("older-than", like: "12h or 7d").failureText == "--older-than '9223372036854775808s' is too large: at most 9223372036854775807 seconds")
        #expect(plan.size("log-threshold", like: "500M or 2G").failureText == "--log-threshold takes a size like 500M or 2G, not 'lots'")
        #expect(try plan.duration("orphan-min-age", like: "1h").get() == nil)

        let report = try ArgumentParser().parse(["report", "--top", "100001", "--cache-max-age", "36h"])
        #expect(report.count("top", in: 0...100_000).failureText == "--top '100001' is too large: at most 100000")
        #expect(try report.cacheMaxAgeSeconds().get() == 129_600)
        #expect(try ParsedArguments(command: .report).cacheMaxAgeSeconds().get() == DataRootScan.defaultCacheMaxAgeSeconds)
        for bad in ["-1", "x", ""] {
            let parsed = ParsedArguments(command: .report, valuesByOption: ["top": [bad]])
            #expect(parsed.count("top", in: 0...10).failureText == "--top takes a whole number from 0 to 10, not '\(bad)'")
        }
    }
}

extension Result where Failure == ArgumentMessage {
    var failureText: String? {
        guard case .failure(let message) = self else { return nil }
        return message.text
    }
}
