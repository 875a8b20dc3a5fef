import Foundation
import RetourCore
import Testing

@testable import RetourApp

extension AppTests {
    @Suite struct TranslationTests {
        static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()

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

        static func files(_ folder: String, ending: String) throws -> [String] {
            let directory = root.appendingPathComponent(folder)
            let names = try FileManager.default.subpathsOfDirectory(atPath: directory.path).filter {
                $0.hasSuffix(ending)
            }
            return try names.map { try String(contentsOf: directory.appendingPathComponent($0), encoding: .utf8) }
        }

        /// The keys the views ask for with `#t("key", …)`.
        static func keysInViews() throws -> Set<String> {
            let pattern = try Regex(#"#t\("([^"]+)""#)
            var keys: Set<String> = []
            for text in try files("Resources/Views", ending: ".leaf") {
                for match in text.matches(of: pattern) {
                    keys.insert(String(text[match.range].dropFirst(4).dropLast()))
                }
            }
            return keys
        }

        @Test func everyTextATemplateUsesExists() throws {
            let keys = Set(try Self.texts("nl").keys)
            let used = try Self.keysInViews()
            #expect(used.count > 100)
            for key in used.sorted() where !keys.contains(key) {
                Issue.record("a view asks for #t(\"\(key)\"), which no translation file has")
            }
        }

        /// Keys the code builds from a rule's parts ("field.<reason>.<name>.label", "timeline.<action>"):
        /// each part must be one the rules have, so a text of a renamed field or a removed reason is
        /// reported, not kept.
        static func builtKeyIsUsed(_ key: String) -> Bool {
            let reasons = Set(ReasonID.allCases.map(\.rawValue))
            let schemas = ReasonID.allCases.map(FormSchema.of)
            let fields = Set(schemas.flatMap { $0.fields.map(\.name) }).union([
                ReceivedArticle.numberField, ReceivedArticle.unitPriceField,
            ])
            let choices = Set(
                schemas.flatMap { schema in
                    schema.fields.flatMap { field -> [String] in
                        guard case .choice(let values) = field.kind else { return [] }
                        return values.map { "\(field.name).\($0)" }
                    }
                })
            var parts = key.split(separator: ".").map(String.init)
            guard let family = parts.first else { return false }
            parts.removeFirst()
            // A text that reads differently for one reason: "<key>.<reason>".
            if let last = parts.last, reasons.contains(last), family != "field", family != "choice",
                family != "intro"
            {
                return true
            }
            switch family {
            case "field":
                if let first = parts.first, reasons.contains(first) { parts.removeFirst() }
                return parts.count == 2 && fields.contains(parts[0])
                    && ["label", "help", "placeholder", "yes", "no"].contains(parts[1])
            case "choice":
                if let first = parts.first, reasons.contains(first) { parts.removeFirst() }
                return choices.contains(parts.joined(separator: "."))
            case "intro": return parts.count == 2 && reasons.contains(parts[0]) && Int(parts[1]) != nil
            case "quantity": return parts.count == 1 && reasons.contains(parts[0])
            case "bulk" where parts.count == 2 && parts[0] == "column": return BulkColumns.codes.contains(parts[1])
            case "upload", "serials": return parts.count == 2 && parts[0] == "hint" && reasons.contains(parts[1])
            // "submit" is the first entry of every timeline, not an action on a request.
            case "timeline":
                return parts.count == 1 && (RequestAction(rawValue: parts[0]) != nil || parts[0] == "submit")
            case "outcome": return parts.count == 1 && Outcome(rawValue: parts[0]) != nil
            case "role": return parts.count == 1 && Role(rawValue: parts[0]) != nil
            case "country": return parts.count == 1 && Country.all.contains { $0.code == parts[0] }
            case "import" where parts.first == "type": return parts.count == 2
            case "admin" where parts.count == 3 && parts[0] == "mails":
                return ["state", "transport"].contains(parts[1])
            case "admin" where parts.count == 3 && parts[0] == "webhooks" && parts[1] == "state":
                return ["pending", "delivered", "failed"].contains(parts[2])
            default: break
            }
            if parts.count == 2, parts[0] == "actor", family == "requests" { return Actor(rawValue: parts[1]) != nil }
            // The search bar's periods, kinds and document groups follow its option lists.
            if family == "search", let first = parts.first, ["period", "kind", "group", "numberType"].contains(first) {
                return parts.count == 2
            }
            return false
        }

        /// The core and the app name their messages by key (`Message("validation.…")`): each key must
        /// have a text in both languages, or a reader would see the key.
        @Test func everyMessageKeyTheCodeNamesHasItsTexts() throws {
            let nl = try Self.texts("nl")
            let en = try Self.texts("en")
            let pattern = try Regex(#"Message\(\s*"([^"\\]+)""#)
            var named = 0
            for text in try Self.files("Sources", ending: ".swift") {
                for match in text.matches(of: pattern) {
                    let literal = String(text[match.range])
                    guard let open = literal.firstIndex(of: "\"") else { continue }
                    let key = String(literal[literal.index(after: open)...].dropLast())
                    named += 1
                    if nl[key] == nil || en[key] == nil { Issue.record("no text for the message key \"\(key)\"") }
                }
            }
            #expect(named > 200)
        }

        /// The domain holds no words of either language: everything a reader sees is in the catalogue.
        @Test func theCoreHoldsNoDutchOrEnglish() throws {
            for text in try Self.files("Sources/RetourCore", ending: ".swift") {
                #expect(!text.contains("nl: \""), "a Dutch text in RetourCore")
                #expect(!text.contains("en: \""), "an English text in RetourCore")
            }
        }

        @Test func noTextIsUnused() throws {
            let views = try Self.keysInViews()
            let code = try Self.files("Sources", ending: ".swift").joined(separator: "\n")
            for key in try Self.texts("nl").keys.sorted() {
                let used = views.contains(key) || code.contains("\"\(key)\"") || Self.builtKeyIsUsed(key)
                if !used { Issue.record("no view or code uses the text \"\(key)\"") }
            }
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
