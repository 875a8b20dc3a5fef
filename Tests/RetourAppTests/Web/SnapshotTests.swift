import Foundation
import RetourCore
import SnapshotTesting
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The main pages in Dutch, as a reseller and an agent see them, compared line by line with the
    /// recorded pages in `__Snapshots__`: a change to a view, a text or a rule that shows on a page
    /// shows up here. Secrets that differ on every run (CSRF tokens, phone-upload keys, the QR code,
    /// the idempotency key) are replaced by fixed words first.
    @Suite struct SnapshotTests {
        static func scrubbed(_ html: String) -> String {
            var text = html
            for (pattern, replacement) in [
                (#"name="_csrf" value="[^"]*""#, #"name="_csrf" value="CSRF""#),
                (#"name="uploadToken" value="[^"]*""#, #"name="uploadToken" value="UPLOAD""#),
                (#"name="idempotencyKey" value="[^"]*""#, #"name="idempotencyKey" value="KEY""#),
                (#"/m/[A-Za-z0-9_-]+"#, "/m/UPLOAD"),
                (#"/register/uploads/[A-Za-z0-9_-]+"#, "/register/uploads/UPLOAD"),
                (#"<div class="qr-code">[\s\S]*?</div>"#, #"<div class="qr-code">QR</div>"#),
            ] {
                text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            return text
        }

        @Test func theMainPagesInDutch() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                func page(_ browser: Browser, _ path: String) async throws -> String {
                    let response = try await browser.get(path)
                    #expect(response.status == .ok, "\(path)")
                    return Self.scrubbed(response.body.string)
                }
                var pages: [(String, String)] = []
                pages.append(("start", try await page(reseller, "/")))
                pages.append(("search", try await page(reseller, "/search?numberType=invoice&number=0962350553")))
                pages.append(
                    (
                        "register-commercial-return",
                        try await page(reseller, "/register/\(line)?reason=commercial_return")
                    ))
                let added = try await RegistrationTests.add(
                    app,
                    #"{"line": \#(line), "reason": "commercial_return", "serials": ["S4EVNM0R820837"], "fields": {"sealedDeclaration": true}}"#,
                    token: jan)
                #expect(added.status == .created)
                pages.append(("cart", try await page(reseller, "/cart")))
                let submitted = try await reseller.post("/cart/submit", ["idempotencyKey": "snapshot"])
                #expect(submitted.status == .seeOther)
                pages.append(
                    ("confirmation", try await page(reseller, try #require(submitted.headers.first(name: .location)))))
                pages.append(("status", try await page(reseller, "/status")))
                pages.append(("request", try await page(reseller, "/requests/RET-0000001")))
                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                pages.append(("backoffice", try await page(agent, "/backoffice?status=open")))
                pages.append(("request-agent", try await page(agent, "/requests/RET-0000001")))
                for (name, html) in pages {
                    assertSnapshot(of: html, as: .lines, named: name)
                }
            }
        }
    }
}

extension AppTests {
    /// Every text of the catalogue wrapped in ⟦ ⟧: what is left outside the brackets on a page is
    /// either data (names, numbers, addresses from the database and the settings) or a text someone
    /// typed into a view or the code instead of the catalogue.
    @Suite struct PseudoLocaleTests {
        static func pseudo(_ catalog: TranslationCatalog) -> TranslationCatalog {
            var byLanguage: [Language: Translations] = [:]
            for (language, texts) in catalog.byLanguage {
                // Separators and bare placeholders stay as they are: they carry no words.
                byLanguage[language] = Translations(
                    language: language,
                    texts: texts.texts.mapValues { $0.contains(where: \.isLetter) ? "⟦\($0)⟧" : $0 })
            }
            return TranslationCatalog(byLanguage: byLanguage)
        }

        /// The words of a page a reader sees outside the catalogue's brackets.
        static func strayWords(_ html: String) -> Set<String> {
            var text = html
            for pattern in [
                #"<script[\s\S]*?</script>"#, #"<style[\s\S]*?</style>"#, #"<svg[\s\S]*?</svg>"#, "<[^>]*>",
            ] {
                text = text.replacingOccurrences(of: pattern, with: " ", options: .regularExpression)
            }
            text = text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#39;", with: "'")
                .replacingOccurrences(of: "&quot;", with: "\"")
            // Innermost first: a message inside a message is bracketed twice.
            while text.contains("⟦") {
                let stripped = text.replacingOccurrences(of: "⟦[^⟦⟧]*⟧", with: " ", options: .regularExpression)
                if stripped == text { break }
                text = stripped
            }
            // Numbers, codes with digits (RET-0000001, serials) and addresses of links are data.
            let tokens = text.split(whereSeparator: \.isWhitespace).filter {
                !$0.contains(where: \.isNumber) && !$0.contains("/") && !$0.contains("@")
            }
            let words = tokens.flatMap { $0.split { !$0.isLetter }.map(String.init) }.filter { $0.count >= 3 }
            // The currency code Retour prints after amounts.
            return Set(words).subtracting(["EUR"])
        }

        @Test func theMainPagesHaveNoTextOutsideTheCatalogue() async throws {
            try await withRetour(fixtures: true) { app in
                let original = app.translationCatalog
                app.translationCatalog = Self.pseudo(original)
                // Data a page may show as it is stored.
                var data: [String] = [app.config.returnAddress, app.config.rmaMailbox]
                data += try await Article.query(on: app.db).all().map(\.description)
                data += try await Brand.query(on: app.db).all().map(\.name)
                data += try await Company.query(on: app.db).all().flatMap { [$0.name, $0.street ?? "", $0.city ?? ""] }
                data += try await User.query(on: app.db).all().flatMap { [$0.name, $0.email] }
                data += try await PolicyVersion.query(on: app.db).all().map { $0.note ?? "" }
                data += try await Brand.query(on: app.db).all().flatMap {
                    [$0.serviceCompany ?? "", $0.serviceStreet ?? "", $0.serviceCity ?? ""]
                }
                let allowed = Set(data.flatMap { $0.split { !$0.isLetter }.map(String.init) })

                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                var pages = [
                    "/", "/search?numberType=invoice&number=0962350553", "/register/\(line)?reason=commercial_return",
                    "/register/\(line)?reason=wrong_delivery", "/cart", "/status", "/archive", "/users",
                ]
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                pages += ["/requests/\(number)", "/requests/\(number)/confirmation"]
                for path in pages {
                    let html = try await reseller.get(path).body.string
                    let stray = Self.strayWords(html).subtracting(allowed)
                    #expect(stray.isEmpty, "\(path) shows words outside the catalogue: \(stray.sorted())")
                }
                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                for path in ["/backoffice?status=open", "/requests/\(number)"] {
                    let stray = Self.strayWords(try await agent.get(path).body.string).subtracting(allowed)
                    #expect(stray.isEmpty, "\(path) shows words outside the catalogue: \(stray.sorted())")
                }
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                for path in ["/admin/policies", "/admin/mails"] {
                    let stray = Self.strayWords(try await admin.get(path).body.string).subtracting(allowed)
                    #expect(stray.isEmpty, "\(path) shows words outside the catalogue: \(stray.sorted())")
                }
            }
        }
    }
}
