/// The two languages of the portal. Dutch is the default, as in the manual.
public enum Language: String, CaseIterable, Sendable, Codable {
    case nl
    case en

    public static let `default` = Language.nl

    /// Dutch: `8-12-2021`; English: `08/12/2021`'s unambiguous sibling `8 Dec 2021`.
    public func format(_ day: CalendarDay) -> String {
        switch self {
        case .nl:
            return "\(day.day)-\(day.month)-\(day.year)"
        case .en:
            let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
            return "\(day.day) \(months[day.month - 1]) \(day.year)"
        }
    }

    /// Dutch: `1.063,21 EUR`; English: `1,063.21 EUR`.
    public func format(_ money: Money, currency: String = "EUR") -> String {
        let (thousands, decimal): (Character, Character) = self == .nl ? (".", ",") : (",", ".")
        let magnitude = money.cents.magnitude
        let whole = String(magnitude / 100)
        var grouped = ""
        for (index, character) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped.append(thousands) }
            grouped.append(character)
        }
        let fraction = magnitude % 100
        let sign = money.cents < 0 ? "-" : ""
        return "\(sign)\(grouped)\(decimal)\(fraction < 10 ? "0" : "")\(fraction) \(currency)"
    }
}

/// The texts of one language, looked up by key. A missing key shows the key itself, which a
/// test over all templates and both files prevents from ever reaching a user.
public struct Translations: Sendable {
    public let language: Language
    public let texts: [String: String]

    public init(language: Language, texts: [String: String]) {
        self.language = language
        self.texts = texts
    }

    public subscript(key: String) -> String { texts[key] ?? key }

    /// Replaces `{name}` placeholders.
    public func callAsFunction(_ key: String, _ values: [String: String] = [:]) -> String {
        var text = self[key]
        for (name, value) in values {
            text = text.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return text
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        result += rest
        return result
    }
}

/// A message for a user in both languages, for validation that happens before a language is known.
public struct Message: Hashable, Sendable, Codable {
    public let nl: String
    public let en: String

    public init(nl: String, en: String) {
        self.nl = nl
        self.en = en
    }

    public func text(in language: Language) -> String { language == .nl ? nl : en }
}

/// One problem with one field of an input, named so that a form can show it next to the field
/// and the API can return it as `{"field","message"}`.
public struct FieldError: Hashable, Sendable {
    public let field: String
    public let message: Message

    public init(field: String, message: Message) {
        self.field = field
        self.message = message
    }

    public init(_ field: String, nl: String, en: String) {
        self.init(field: field, message: Message(nl: nl, en: en))
    }
}
