import Foundation

@testable import RetourCore

/// The text catalogue the app ships (`Resources/Translations`), read once, so that core tests assert
/// the words a reader gets, not only the keys.
enum Catalogue {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static let texts: [Language: Translations] = {
        var texts: [Language: Translations] = [:]
        for language in Language.allCases {
            let url = root.appendingPathComponent("Resources/Translations/\(language.rawValue).json")
            let data = (try? Data(contentsOf: url)) ?? Data("{}".utf8)
            let values = (try? JSONDecoder().decode([String: String].self, from: data)) ?? [:]
            texts[language] = Translations(language: language, texts: values)
        }
        return texts
    }()
}

extension Message {
    var nl: String { text(in: .nl) }
    var en: String { text(in: .en) }

    func text(in language: Language) -> String { Catalogue.texts[language]!.text(self) }
}
