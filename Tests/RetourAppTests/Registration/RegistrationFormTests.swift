import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The reason forms as the manual has them: its texts, its rules up front, its fields.
    @Suite struct RegistrationFormTests {
        @Test func concealedDamageShowsItsOwnPhotoTextNotTheTransportChecklist() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let concealed = try await browser.get("/register/\(line)?reason=concealed_damage").body.string
                #expect(concealed.contains("id=\"reason-concealed_damage\""))
                #expect(!concealed.contains("id=\"photo-checklist\""))
                #expect(!concealed.contains("Foto van de verzenddoos of pallet van Also"))
                let transport = try await browser.get("/register/\(line)?reason=transport_damage").body.string
                #expect(transport.contains("id=\"photo-checklist\""))
            }
        }

        @Test func theCountryIsChosenFromAListAndNeverCut() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                // Nothing ships for a missing accessory: no return address is asked.
                try await browser.get("/register/\(line)?reason=missing_accessories")
                let claim = try await browser.post(
                    "/register/\(line)", ["reason": "missing_accessories", "quantity": "1", "f[comment]": "Kabel"])
                let claimPath = try #require(claim.headers.first(name: .location))
                #expect(claimPath.hasSuffix("/added"), "\(claimPath)")
                let claimID = try #require(claimPath.split(separator: "/").dropLast().last.map(String.init))
                #expect(
                    try await browser.get("/cart/positions/\(claimID)/address").headers.first(name: .location)
                        == "/cart")
                #expect(try await browser.get("/cart").body.string.contains("Niets te verzenden"))
                let added = try await browser.post(
                    "/register/\(line)",
                    [
                        "reason": "defect", "f[fault]": "noise", "f[description]": "Kraakt",
                        "serials[]": "2119LZ90X2V9",
                    ])
                let addressPath = try #require(added.headers.first(name: .location))
                #expect(addressPath.hasSuffix("/address"))
                let page = try await browser.get(addressPath).body.string
                // The step names its position and can be cancelled.
                #expect(page.contains("id=\"address-position\""))
                #expect(page.contains("Voor de positie: factuur"))
                #expect(page.contains("id=\"address-cancel\""))
                #expect(page.contains(#"<select name="country""#))
                #expect(page.contains(#"<option value="NL" selected>Nederland</option>"#))
                #expect(page.contains(#"<option value="BE">België</option>"#))
                let unknown = try await browser.post(
                    addressPath, ["street": "Kerkstraat 1", "postcode": "2000", "city": "Antwerpen", "country": "XX"])
                #expect(unknown.status == .unprocessableEntity)
                #expect(unknown.body.string.contains("id=\"country-error\""))
                let saved = try await browser.post(
                    addressPath, ["street": "Kerkstraat 1", "postcode": "2000", "city": "Antwerpen", "country": "BE"])
                #expect(saved.status == .seeOther)
                let position = try #require(
                    try await CartPosition.query(on: app.db).filter(\.$reason == .defect).first())
                #expect(position.returnAddress.country == "BE")

                // Through the API a country's name is taken as its code, never cut to "NE".
                let named =
                    #"{"line": \#(line), "reason": "wrong_invoicing", "fields": {"subReason": "price", "comment": "Prijs"}, "returnAddress": {"street": "Dorpsstraat 2", "postcode": "1234 AB", "city": "Utrecht", "country": "Nederland"}}"#
                let answer = try await RegistrationTests.add(app, named, token: jan)
                #expect(answer.status == .created, "\(answer.body.string)")
                let address = try #require(try answer.json()["returnAddress"] as? [String: Any])
                #expect(address["country"] as? String == "NL")
            }
        }

        @Test func theRulesAreShownUpFrontOnTheFormAndInTheHelp() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let reasons = try await ReasonsTests.reasons(app, line: line, token: jan)
                let help = try #require(reasons["commercial_return"]?["help"] as? String)
                #expect(help.contains("niet lager zijn dan € 25,- en niet hoger dan € 2000,-"))
                #expect(help.contains("Er wordt 10% retourkosten in rekening gebracht."))
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/register/\(line)?reason=commercial_return").body.string
                #expect(page.contains("Dit kan binnen 15 kalenderdagen na de factuurdatum."))
                #expect(page.contains("De artikelen moeten 100% gesloten en nieuw zijn."))
                // The manual's examples and instructions, each on its own reason's form.
                let webcam = try await RegistrationTests.webcam(app, jan)
                func form(_ reason: String) async throws -> String {
                    try await browser.get("/register/\(webcam)?reason=\(reason)").body.string
                }
                #expect(try await form("product_complaint").contains("niet compatible met"))
                #expect(
                    try await form("product_complaint").contains(
                        "Het helpt ons als u een foto van het ontvangen artikel"))
                #expect(try await form("shortage").contains("ik heb 2 van de 3 dozen ontvangen"))
                #expect(try await form("defect").contains("Selecteer vervolgens het defecte serienummer."))
                #expect(try await form("doa").contains("RMA(DOA)-nummer"))
                #expect(!(try await form("defect")).contains("RMA(DOA)"))
            }
        }

        @Test func errorsNameTheirFieldAndTheTimelineReadsAsSentences() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                // An empty buy back: the summary says which field each message is about.
                let refused = try await browser.post("/register/\(line)", ["reason": "buyback"])
                #expect(refused.status == .unprocessableEntity)
                let summary = try #require(
                    refused.body.string.components(separatedBy: "id=\"form-errors\"").last?
                        .components(separatedBy: "</ul>").first)
                #expect(summary.contains("<li>Conditie: Dit veld is verplicht.</li>"), "\(summary)")
                #expect(summary.contains("<li>Commentaar: Dit veld is verplicht.</li>"), "\(summary)")

                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                let agent = try await app.token("rma@retour.example")
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                let page = try await browser.get("/requests/\(number)").body.string
                #expect(
                    page.contains("Jan de Vries (Klant) heeft de aanvraag ingediend. Status: Wacht op goederen."))
                #expect(
                    page.contains("Rita Mulder (RMA-afdeling) heeft de goederen ontvangen. Status: Goederen ontvangen.")
                )
                #expect(page.contains("16-3-2026 12:00"), "the time of day in the distributor's time zone")
            }
        }
    }
}
