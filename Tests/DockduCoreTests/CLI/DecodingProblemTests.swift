import FoundationEssentials
import Testing

@testable import DockduCore

/// Decoder errors in plain words: where in the document, what was expected, what was found;
/// never Swift's type or coding-key names.
@Suite struct DecodingProblemTests {
    struct Document: Decodable {
        struct State: Decodable { var Running: Bool }
        struct Container: Decodable { var Name: String; var State: State }
        var containers: [Container]
        var count: Int64
    }

    private func problem(_ text: String) -> String {
        let bytes = Array(text.utf8)
        do {
            _ = try JSONDecoder().decode(Document.self, from: Data(bytes))
            return "decoded"
        } catch {
            return DecodingProblem.describe(error, in: bytes)
        }
    }

    @Test func wrongKindNamesThePathAndBothKinds() {
        let running = #"{"count": 1, "containers": [{"Name": "a", "State": {"Running": true}}, {"Name": "b", "State": {"Running": true}}, {"Name": "c", "State": {"Running": "yes"}}]}"#
        #expect(problem(running) == "at containers[2].State.Running: expected true or false, found a string")
        #expect(problem(#"{"count": "1", "containers": []}"#) == "at count: expected a whole number, found a string")
        #expect(problem(#"{"count": 1, "containers": [{"Name": 5, "State": {"Running": true}}]}"#) == "at containers[0].Name: expected a string, found a number")
        #expect(problem(#"{"count": 1, "containers": {}}"#) == "at containers: expected an array, found an object")
        #expect(problem("[]") == "at the top level: expected an object, found an array")
    }

    @Test func missingAndNullFields() {
        #expect(problem(#"{"containers": []}"#) == "missing field count at the top level")
        #expect(problem(#"{"count": 1, "containers": [{"Name": "a"}]}"#) == "missing field State at containers[0]")
        #expect(problem(#"{"count": null, "containers": []}"#) == "at count: expected a whole number, found null")
    }

    @Test func notJSONSaysWhereItStops() {
        #expect(problem(#"{"count": 1, "#) == "not JSON: unexpected end at byte 13")
        #expect(problem("") == "not JSON: unexpected end at byte 0")
        #expect(problem("{\n  \"count\": tru }") == "not JSON: unexpected ' ' at byte 16 (line 2, column 15)")
        #expect(problem("{\"count\": 1, \"containers\": [] }x") == "not JSON: unexpected 'x' at byte 31 (line 1, column 32)")
        #expect(problem("\u{1B}[2J") == "not JSON: unexpected byte 0x1b at byte 0 (line 1, column 1)")
        #expect(problem(String(repeating: "[", count: 600)).hasPrefix("not JSON: nested deeper than 512 levels"))
    }

    @Test func namesFromTheDocumentAreEscaped() {
        struct Keyed: Decodable { var inner: [String: Int] }
        let bytes = Array(#"{"inner": {"a\u001b[2Jb": "x"}}"#.utf8)
        do {
            _ = try JSONDecoder().decode(Keyed.self, from: Data(bytes))
            Issue.record("decoded")
        } catch {
            let text = DecodingProblem.describe(error, in: bytes)
            #expect(text == #"at inner.a\e[2Jb: expected a whole number, found a string"#)
        }
    }

    @Test func neverSwiftsOwnWords() {
        for text in [#"{"count": true}"#, "[", #"{"count": 1, "containers": [1]}"#] {
            let description = problem(text)
            for leaked in ["DecodingError", "CodingKeys", "Dictionary<", "Debug description", "Int64"] {
                #expect(!description.contains(leaked), "\(description)")
            }
        }
    }
}
