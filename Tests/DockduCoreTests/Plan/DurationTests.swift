import Testing

@testable import DockduCore

@Suite struct DurationTests {
    /// Numbers and sums just past Int64 used to trap (`+` on the last digit or the running total)
    /// instead of being refused; each is the smallest such input.
    @Test func overflowIsNotADuration() {
        #expect(Duration.parse("9223372036854775807s") == .max)
        #expect(Duration.parse("9223372036854775808s") == nil)  // the last digit carries past Int64
        #expect(Duration.parse("9223372036854775807s1s") == nil)  // the total carries past Int64
        #expect(Duration.parse("153722867280912930m1h") == nil)
        #expect(Duration.parse("1h9223372036854775807s") == nil)
        #expect(Duration.parse("1h1s") == 3601)
        // What `make fuzz` found: day counts each within Int64 as seconds, whose sum is not.
        #expect(Duration.parse("99999999997d59999999999997d99999994d5999994d59999999999997d5") == nil)
    }
}
