import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The credit the agent confirms is the credit made, within the goods' value.
    @Suite struct CreditTests {
        @Test func theCreditIsBoundedByTheGoodsValueExceptForAdmins() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Journeys.receivedReturn(app, agent: agent)
                // Two SSDs of 54.95: the goods are worth 109.90.
                let tooMuch = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/credit", #"{"amount":"109.91","reason":"Goodwill"}"#, token: agent)
                #expect(tooMuch.status == .unprocessableEntity)
                #expect(try tooMuch.problemFields() == ["amount"])
                // The amount in the message is written as the reader writes amounts.
                var dutch = HTTPHeaders()
                dutch.bearerAuthorization = BearerAuthorization(token: agent)
                dutch.contentType = .json
                dutch.add(name: .acceptLanguage, value: "nl")
                let inDutch = try await app.testing().sendRequest(
                    .POST, "/api/v1/requests/\(number)/credit", headers: dutch,
                    body: ByteBuffer(string: #"{"amount":"109.91","reason":"Goodwill"}"#))
                #expect(inDutch.body.string.contains("109,90 EUR"), "\(inDutch.body.string)")
                for amount in ["99999999999999999999", "-1.00", "1e30", "NaN", "12,5"] {
                    let bad = try await FollowUpTests.post(
                        app, "/api/v1/requests/\(number)/credit", #"{"amount":"\#(amount)","reason":"x"}"#, token: agent
                    )
                    #expect(bad.status == .unprocessableEntity, "\(amount)")
                }
                let admin = try await app.token("admin@retour.example")
                let goodwill = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/credit", #"{"amount":"120.00","reason":"Goodwill"}"#, token: admin)
                #expect(goodwill.status == .ok, "\(goodwill.body.string)")
            }
        }

        @Test func theCreditFormKeepsWhatWasTypedAndCreditsThatAmount() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Journeys.receivedReturn(app, agent: agent)
                let browser = Browser(app)
                try await browser.login("rma@retour.example")
                try await browser.get("/requests/\(number)")
                let forgot = try await browser.post("/requests/\(number)/credit", ["amount": "50,00", "reason": ""])
                #expect(forgot.status == .unprocessableEntity)
                #expect(forgot.body.string.contains(#"value="50,00" id="credit-amount""#))
                let fixed = try await browser.post(
                    "/requests/\(number)/credit", ["amount": "50,00", "reason": "Doos beschadigd"])
                #expect(fixed.status == .seeOther)
                let record = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())
                #expect(record.creditAmountCents == 5_000)
                #expect(record.creditReason == "Doos beschadigd")
            }
        }
    }
}
