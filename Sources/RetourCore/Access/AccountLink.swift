/// What a one-time link in an e-mail lets its reader do: choose a first password (an invitation)
/// or a new one (a forgotten password). Each ends at its time, and with its first use.
public enum AccountLinkPurpose: String, Sendable, CaseIterable, Codable {
    case invitation
    case reset

    public var lifetimeSeconds: Int {
        switch self {
        case .invitation: return 7 * 86_400
        case .reset: return 60 * 60
        }
    }
}

/// Passwords everyone tries first: refused whatever their length. The list holds the common ones
/// that reach the 12 characters `PasswordPolicy` asks for, and the words they are built from, with
/// the usual endings (digits, `!`) taken off before comparing.
public enum CommonPasswords {
    static let words: Set<String> = [
        "password", "passw0rd", "wachtwoord", "welkom", "welcome", "qwerty", "qwertyuiop", "azerty", "letmein",
        "iloveyou", "admin", "administrator", "changeme", "abcdef", "abcdefgh", "abcdefghijkl", "monkey", "dragon",
        "football", "baseball", "superman", "sunshine", "princess", "starwars", "trustno", "master", "shadow",
        "michael", "jennifer", "whatever", "retour", "retourportal", "also", "ingram", "synnex", "zomer", "winter",
        "lente", "herfst", "voorjaar", "najaar", "geheim", "secret", "wachtwoordje", "welkom1", "hallo", "hello",
        "helloworld", "test", "testtest", "testing", "gebruiker", "user", "login", "inloggen", "computer",
        "internet", "samsung", "logitech", "microsoft", "apple", "google", "amsterdam", "rotterdam", "utrecht",
        "nederland", "holland", "belgie", "antwerpen", "ajax", "feyenoord", "psv",
    ]
    static let whole: Set<String> = [
        "123456789012", "1234567890123", "12345678901234", "123456123456", "111111111111", "000000000000",
        "123123123123", "qwertyuiop12", "1q2w3e4r5t6y", "1qaz2wsx3edc", "qazwsxedcrfv", "asdfghjkl123",
        "zaq12wsxcde3", "abc123abc123", "aaaaaaaaaaaa", "password1234", "password12345", "wachtwoord12",
        "wachtwoord123", "welkom123456", "welcome12345", "iloveyou1234",
    ]

    /// Whether `password` is a common one, or a common word with a common ending or repeated.
    public static func contains(_ password: String) -> Bool {
        let lower = password.lowercased()
        if whole.contains(lower) { return true }
        let stem = String(lower.reversed().drop { $0.isNumber || "!?.@#$-_ ".contains($0) }.reversed())
        if words.contains(stem) { return true }
        // A word said twice or more ("welkomwelkom"), or one character over and over.
        for word in words where !word.isEmpty && stem.count % word.count == 0 && stem.count > word.count {
            if String(repeating: word, count: stem.count / word.count) == stem { return true }
        }
        return Set(lower).count <= 2
    }
}
