/// HTML written as a string, for the one hot part of a page where a template costs more than the
/// data behind it (the search results: `docs/benchmarks.md`). Every value goes through `text` or
/// `attribute`, escaped as Leaf escapes its output.
struct HTMLText {
    private(set) var html = ""

    init(reservingCapacity capacity: Int = 0) { html.reserveCapacity(capacity) }

    /// Markup written by the code itself, never data.
    mutating func raw(_ markup: String) { html += markup }

    /// Data as element content or attribute value.
    mutating func text(_ value: String) {
        guard value.utf8.contains(where: { Self.needsEscape($0) }) else {
            html += value
            return
        }
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": html += "&amp;"
            case "<": html += "&lt;"
            case ">": html += "&gt;"
            case "\"": html += "&quot;"
            case "'": html += "&#39;"
            default: html.unicodeScalars.append(scalar)
            }
        }
    }

    mutating func text(_ value: Int) { html += String(value) }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">")
            || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'")
    }
}
