import FoundationEssentials

/// Makes text safe inside HTML element content and quoted attribute values. A name under a data
/// root is attacker-controlled: `<script>` in a container name must stay text.
///
/// Names first go through ``TerminalEscaping``, so controls, invalid UTF-8 and the bidi controls
/// that reorder what a reader sees are shown visibly (`\n`, `\xff`, `\u{202e}`) as on a terminal;
/// then `&`, `<`, `>`, `"` and `'` become character references.
public enum HTMLEscaping {
    /// A name or message: visible controls, then HTML-escaped.
    public static func escape(_ string: String) -> String {
        entities(TerminalEscaping.escape(string))
    }

    /// A name's exact bytes, which need not be valid UTF-8.
    public static func escape(_ bytes: some Collection<UInt8>) -> String {
        entities(TerminalEscaping.escape(bytes))
    }

    /// Text dockdu wrote itself (no controls): only the five characters HTML gives meaning to.
    public static func entities(_ text: String) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"": output += "&quot;"
            case "'": output += "&#39;"
            default: output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
