/// The countries a return address can be in, by ISO 3166 code; their names are in the text
/// catalogue (`country.<code>`). The address form offers them as a list: a typed name is never cut to
/// two letters.
public struct Country: Sendable, Hashable {
    public let code: String
    public var name: Message { Message("country.\(code)") }

    public static let all: [Country] = [
        "NL", "BE", "LU", "DE", "FR", "GB", "IE", "AT", "CH", "DK", "SE", "NO", "FI", "ES", "PT", "IT", "PL", "CZ",
        "SK", "HU", "SI", "HR", "RO", "BG", "GR", "EE", "LV", "LT",
    ].map { Country(code: $0) }

    /// The country a code, or a name in any of `languages` (any case), stands for.
    public static func find(_ text: String, names languages: [Translations] = []) -> Country? {
        let typed = text.trimmingWhitespace().lowercased()
        guard !typed.isEmpty else { return nil }
        return all.first { country in
            country.code.lowercased() == typed || languages.contains { $0.text(country.name).lowercased() == typed }
        }
    }
}
