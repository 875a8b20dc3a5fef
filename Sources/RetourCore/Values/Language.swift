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

    /// A percentage given in basis points, without its sign: Dutch `12,5`, English `12.5`, `10` in both.
    public func format(percent basisPoints: Int) -> String {
        let whole = basisPoints / 100
        let rest = basisPoints % 100
        guard rest != 0 else { return "\(whole)" }
        let fraction = rest % 10 == 0 ? "\(rest / 10)" : "\(rest < 10 ? "0" : "")\(rest)"
        return "\(whole)\(self == .nl ? "," : ".")\(fraction)"
    }

    /// An amount as a form field shows it, read back either way: no grouping, no currency, the
    /// reader's decimal mark (Dutch `1063,21`, English `1063.21`).
    public func decimal(_ money: Money) -> String {
        self == .nl ? money.decimalString.replacingOccurrences(of: ".", with: ",") : money.decimalString
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

/// What the core means to tell a user, as a key into the text catalogue with its arguments: the
/// core holds no Dutch or English, and each reader gets the words of their own language.
public struct Message: Hashable, Sendable {
    /// A value a text names; days, amounts and other messages are worded in the reader's language.
    public indirect enum Argument: Hashable, Sendable, ExpressibleByStringInterpolation {
        case text(String)
        case day(CalendarDay)
        case money(Money)
        /// Whole euros as the manual writes them ("25,-"), with cents where there are any; no "EUR".
        case euros(Money)
        /// A percentage given in basis points: "10", "10,5" / "10.5".
        case percent(basisPoints: Int)
        case message(Message)
        /// Several messages, joined by `separator` (itself a message, e.g. "en" / "and").
        case messages([Message], separator: String)

        public init(stringLiteral value: String) { self = .text(value) }
        public init(stringInterpolation: DefaultStringInterpolation) {
            self = .text(String(stringInterpolation: stringInterpolation))
        }
    }

    public let key: String
    public let arguments: [String: Argument]

    public init(_ key: String, _ arguments: [String: Argument] = [:]) {
        self.key = key
        self.arguments = arguments
    }
}

extension Translations {
    /// `message` in this language: its text with each `{name}` replaced by its argument.
    public func text(_ message: Message) -> String {
        var values: [String: String] = [:]
        for (name, argument) in message.arguments { values[name] = text(argument) }
        return self(message.key, values)
    }

    private func text(_ argument: Message.Argument) -> String {
        switch argument {
        case .text(let text): return text
        case .day(let day): return language.format(day)
        case .money(let money): return language.format(money)
        case .euros(let money):
            if money.cents % 100 == 0 { return language == .nl ? "\(money.cents / 100),-" : "\(money.cents / 100)" }
            let formatted = language.format(money)
            return formatted.hasSuffix(" EUR") ? String(formatted.dropLast(4)) : formatted
        case .percent(let basisPoints): return language.format(percent: basisPoints)
        case .message(let message): return text(message)
        case .messages(let messages, let separator):
            return messages.map { text($0) }.joined(separator: self[separator])
        }
    }
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

    public init(_ field: String, message: Message) {
        self.init(field: field, message: message)
    }
}
