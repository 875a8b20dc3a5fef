/// The countries a return address can be in, by ISO 3166 code, with their Dutch and English names.
/// The address form offers them as a list: a typed name is never cut to two letters.
public struct Country: Sendable, Hashable {
    public let code: String
    public let name: Message

    public static let all: [Country] = [
        ("NL", "Nederland", "Netherlands"), ("BE", "België", "Belgium"), ("LU", "Luxemburg", "Luxembourg"),
        ("DE", "Duitsland", "Germany"), ("FR", "Frankrijk", "France"), ("GB", "Verenigd Koninkrijk", "United Kingdom"),
        ("IE", "Ierland", "Ireland"), ("AT", "Oostenrijk", "Austria"), ("CH", "Zwitserland", "Switzerland"),
        ("DK", "Denemarken", "Denmark"), ("SE", "Zweden", "Sweden"), ("NO", "Noorwegen", "Norway"),
        ("FI", "Finland", "Finland"), ("ES", "Spanje", "Spain"), ("PT", "Portugal", "Portugal"),
        ("IT", "Italië", "Italy"), ("PL", "Polen", "Poland"), ("CZ", "Tsjechië", "Czechia"),
        ("SK", "Slowakije", "Slovakia"), ("HU", "Hongarije", "Hungary"), ("SI", "Slovenië", "Slovenia"),
        ("HR", "Kroatië", "Croatia"), ("RO", "Roemenië", "Romania"), ("BG", "Bulgarije", "Bulgaria"),
        ("GR", "Griekenland", "Greece"), ("EE", "Estland", "Estonia"), ("LV", "Letland", "Latvia"),
        ("LT", "Litouwen", "Lithuania"),
    ].map { Country(code: $0.0, name: Message(nl: $0.1, en: $0.2)) }

    /// The country a code or a name (Dutch or English, any case) stands for.
    public static func find(_ text: String) -> Country? {
        let typed = text.trimmingWhitespace().lowercased()
        guard !typed.isEmpty else { return nil }
        return all.first {
            $0.code.lowercased() == typed || $0.name.nl.lowercased() == typed || $0.name.en.lowercased() == typed
        }
    }
}
