import Foundation
import Testing

@testable import RetourApp

extension AppTests {
    @Suite struct TranslationTests {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()

        static func texts(_ language: String) throws -> [String: String] {
            let data = try Data(contentsOf: root.appendingPathComponent("Resources/Translations/\(language).json"))
            return try JSONDecoder().decode([String: String].self, from: data)
        }

        @Test func bothLanguagesHaveTheSameKeys() throws {
            let nl = try Self.texts("nl")
            let en = try Self.texts("en")
            #expect(Set(nl.keys) == Set(en.keys))
            #expect(nl.values.allSatisfy { !$0.isEmpty })
            #expect(en.values.allSatisfy { !$0.isEmpty })
        }

        @Test func everyTextATemplateUsesExists() throws {
            let keys = Set(try Self.texts("nl").keys.map { $0.replacingOccurrences(of: ".", with: "_") })
            let views = Self.root.appendingPathComponent("Resources/Views")
            let files = try FileManager.default.contentsOfDirectory(atPath: views.path).filter { $0.hasSuffix(".leaf") }
            #expect(!files.isEmpty)
            // Every text is printed as #(t.key).
            let pattern = try Regex(#"\(t\.[A-Za-z0-9_]+"#)
            var used = 0
            for file in files {
                let text = try String(contentsOf: views.appendingPathComponent(file), encoding: .utf8)
                for match in text.matches(of: pattern) {
                    let key = String(text[match.range].dropFirst(3))
                    used += 1
                    if !keys.contains(key) { Issue.record("\(file) uses t.\(key), which no translation file has") }
                }
            }
            #expect(used > 50)
        }

        @Test func theManualsDutchWordsAreUsed() throws {
            let nl = try Self.texts("nl")
            for (key, text) in [
                ("search.period.1w", "1 week"), ("search.period.custom", "Vrije datumbereik"),
                ("search.numberPlaceholder", "Nummer hier invoeren"), ("search.searchBy", "Zoeken op"),
                ("search.numberType.ean", "EAN-Code"), ("search.column.order", "Also ordernummer"),
                ("search.line.serials", "Geleverde serienummers"), ("nav.status", "RMA-statusoverzicht"),
            ] {
                #expect(nl[key] == text)
            }
        }
    }
}
