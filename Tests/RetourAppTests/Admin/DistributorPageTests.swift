import Fluent
import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The distributor's return address and seller data, set by the administrator on a page, and in
    /// force at once on the documents and mails made afterwards.
    @Suite struct DistributorPageTests {
        static let form = [
            "returnAddress": "Retour BV\nAtt. RMA\nMagazijnweg 7\n1234 AB Tilburg\nNederland",
            "sellerName": "Retour Distributie B.V.", "sellerStreet": "Magazijnweg 7", "sellerPostcode": "1234 AB",
            "sellerCity": "Tilburg", "sellerCountry": "nl", "sellerVAT": "NL009876543B01",
            "sellerEmail": "rma@retour.nl",
        ]

        @Test func theReturnAddressAndSellerChangeOnTheDocumentsMadeAfterwards() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                let first = try await admin.get("/admin/distributor").body.string
                #expect(first.contains("id=\"from-installation\""))
                #expect(first.contains("Inundatiedok 18"), "the installation's address is shown to start from")

                var wrong = Self.form
                wrong["returnAddress"] = "Eén regel"
                wrong["sellerCountry"] = "Nederland"
                let refused = try await admin.post("/admin/distributor", wrong)
                #expect(refused.status == .unprocessableEntity)
                let page = refused.body.string
                #expect(page.contains("Vul een adres in van 2 tot 8 regels"))
                #expect(page.contains("Vul een landcode van twee letters in, zoals NL."))
                #expect(page.contains("Retour Distributie B.V."), "what was typed stays")

                let saved = try await admin.post("/admin/distributor", Self.form)
                #expect(saved.status == .seeOther)
                #expect(try await admin.get("/admin/distributor?saved=1").body.string.contains("zijn opgeslagen"))
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "distributor.update").count() == 1)

                let jan = try await app.token("jan@pcpartner.nl")
                let (number, _) = try await Journeys.submitWebcamDefect(app, jan)
                let words = try PlacedWord.read(
                    try await DocumentLayoutTests.pdf(
                        app, "/api/v1/requests/\(number)/return-form.pdf", token: jan, language: "nl")
                ).map(\.text)
                #expect(words.contains("Magazijnweg") && words.contains("Tilburg"))
                #expect(!words.contains("Inundatiedok"))
                let mails = try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl").all()
                let mail = try #require(mails.last, "\(mails.map(\.subject))")
                #expect(mail.body.contains("Magazijnweg 7\n1234 AB Tilburg"))

                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                #expect(try await reseller.get("/admin/distributor").status == .forbidden)
            }
        }
    }
}
