import Foundation
import RetourCore
import Vapor

/// The texts of both languages, from `Resources/Translations/{nl,en}.json`.
struct TranslationCatalog: Sendable {
    var byLanguage: [Language: Translations]

    static func load(from directory: String) throws -> TranslationCatalog {
        var byLanguage: [Language: Translations] = [:]
        for language in Language.allCases {
            let path = directory + language.rawValue + ".json"
            guard let data = FileManager.default.contents(atPath: path) else {
                throw ConfigError("missing translation file \(path)")
            }
            let texts = try JSONDecoder().decode([String: String].self, from: data)
            byLanguage[language] = Translations(language: language, texts: texts)
        }
        return TranslationCatalog(byLanguage: byLanguage)
    }

    subscript(language: Language) -> Translations {
        byLanguage[language] ?? Translations(language: language, texts: [:])
    }

    /// Both languages, e.g. to recognise a country typed by its Dutch or English name.
    var all: [Translations] { Language.allCases.map { self[$0] } }
}

extension Message {
    /// This message in the words of `texts`: the reader's language, from the application's catalogue.
    func text(_ texts: Translations) -> String { texts.text(self) }
}

extension Application {
    private struct CatalogKey: StorageKey {
        typealias Value = TranslationCatalog
    }

    var translationCatalog: TranslationCatalog {
        get { storage[CatalogKey.self] ?? TranslationCatalog(byLanguage: [:]) }
        set { storage[CatalogKey.self] = newValue }
    }
}

extension Request {
    /// The language of this request: the `lang` cookie set by the switch, else the user's own,
    /// else Dutch. The API also honours `Accept-Language`.
    /// A language a page chose for its reader, ahead of cookie and account (the phone-upload page
    /// follows the form that made its QR code).
    struct ChosenLanguageKey: StorageKey {
        typealias Value = Language
    }

    var language: Language {
        if let chosen = storage[ChosenLanguageKey.self] { return chosen }
        if surface == .api {
            // The API: the header when given, else the user's own language, else English.
            if let accept = headers.first(name: .acceptLanguage)?.lowercased(), !accept.isEmpty {
                return accept.hasPrefix("nl") ? .nl : .en
            }
            return auth.get(User.self)?.language ?? .en
        }
        if let cookie = cookies["lang"]?.string, let language = Language(rawValue: cookie) { return language }
        if let user = auth.get(User.self), let language = user.language {
            return language
        }
        return .default
    }

    var texts: Translations { application.translationCatalog[language] }
}
