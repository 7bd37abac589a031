import FoundationEssentials

/// Plain words for why a JSON document did not decode, in place of the text of Swift's
/// `DecodingError` (which names Swift types and coding keys): "at containers[2].State.Running:
/// expected true or false, found a string", "missing field schemaVersion at the top level",
/// "not JSON: unexpected end at byte 11". Names from the document are escaped for a terminal.
public enum DecodingProblem {
    /// Describes `error`, thrown by `JSONDecoder` while decoding `bytes`. With the bytes a
    /// syntax error is placed at its byte, line and column.
    public static func describe(_ error: any Error, in bytes: [UInt8]? = nil) -> String {
        guard let error = error as? DecodingError else {
            return TerminalEscaping.escape(String(describing: error))
        }
        switch error {
        case .typeMismatch(let type, let context):
            let found = foundValue(in: context.debugDescription).map { ", found \($0)" } ?? ""
            return "\(location(context.codingPath)): expected \(expected(type))\(found)"
        case .valueNotFound(let type, let context):
            return "\(location(context.codingPath)): expected \(expected(type)), found null"
        case .keyNotFound(let key, let context):
            return "missing field \(TerminalEscaping.escape(key.stringValue)) \(location(context.codingPath))"
        case .dataCorrupted(let context):
            if !context.codingPath.isEmpty {
                // An enumeration's raw value, a date or a number that is not of the field's kind.
                return "\(location(context.codingPath)): not a value this field may take"
            }
            if let bytes, let syntax = JSONSyntax.firstError(in: bytes) {
                return "not JSON: \(syntax)"
            }
            return "not JSON as dockdu reads it (a number too large for its field, or text that is not UTF-8)"
        @unknown default:
            return TerminalEscaping.escape(String(describing: error))
        }
    }

    /// `at containers[2].State.Running`, or `at the top level`.
    static func location(_ path: [any CodingKey]) -> String {
        guard !path.isEmpty else { return "at the top level" }
        var text = ""
        for key in path {
            if let index = key.intValue, key.stringValue.hasPrefix("Index ") || key.stringValue == String(index) {
                text += "[\(index)]"
            } else {
                text += (text.isEmpty ? "" : ".") + TerminalEscaping.escape(key.stringValue)
            }
        }
        return "at " + text
    }

    /// What a Swift type is in JSON's words.
    static func expected(_ type: Any.Type) -> String {
        switch String(describing: type) {
        case "Bool": "true or false"
        case "String", "Substring": "a string"
        case "Int", "Int8", "Int16", "Int32", "Int64", "UInt", "UInt8", "UInt16", "UInt32", "UInt64": "a whole number"
        case "Double", "Float", "Decimal": "a number"
        case let name where name.hasPrefix("Dictionary") || name.hasPrefix("KeyedDecodingContainer"): "an object"
        case let name where name.hasPrefix("Array") || name.contains("UnkeyedDecodingContainer"): "an array"
        default: "a value of another kind"
        }
    }

    /// `a string` from the decoder's "Expected to decode Bool but found a string instead.".
    static func foundValue(in debugDescription: String) -> String? {
        guard let start = debugDescription.firstRange(of: "but found "),
              let end = debugDescription[start.upperBound...].firstRange(of: " instead")
        else { return nil }
        let found = String(debugDescription[start.upperBound..<end.lowerBound])
        switch found {
        case "number", "a number": return "a number"
        case "a dictionary", "dictionary": return "an object"
        case "null", "a null value": return "null"
        case "a string", "an array", "a bool", "true", "false": return found == "a bool" ? "true or false" : found
        default: return TerminalEscaping.escape(found)
        }
    }
}
