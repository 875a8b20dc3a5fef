import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Wrong delivery: the material lookup and the form in two steps.
    @Suite struct WrongDeliveryTests {
        @Test func theMaterialLookupAnswersJSONAlsoWhenNothingIsFound() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let missing = try await browser.get("/register/\(line)/material?code=NOPE-123")
                #expect(missing.status == .notFound)
                #expect(missing.headers.contentType?.subType == "problem+json")
                #expect(try missing.json()["detail"] as? String == "Geen artikel gevonden voor NOPE-123.")
            }
        }

        /// The lookup finds what a reseller types the way the main search does: whatever the case,
        /// without the spaces around it, and by article number as well as EAN and model.
        @Test func theMaterialLookupFindsModelEANAndArticleNumberWhateverTheirCase() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                for code in ["stkp10000400", " STKP10000400 ", "Stkp10000400", "3660619040438", "4224506"] {
                    let found = try await app.get(
                        "/api/v1/lines/\(line)/material?code=\(code.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")",
                        token: jan)
                    #expect(found.status == .ok, "\(code)")
                    #expect(try found.json()["article"] as? String == "4224506", "\(code)")
                }
                let partly = try await app.get("/api/v1/lines/\(line)/material?code=STKP1000", token: jan)
                #expect(partly.status == .notFound, "a part of a code finds nothing")
            }
        }

        @Test func wrongDeliveryOptionTwoKeepsTheReceivedArticleAtItsSpecialPrice() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                // Option 2 asks its own three fields, and nothing of option 1.
                let empty = try await RegistrationTests.add(
                    app,
                    #"{"line": \#(line), "reason": "wrong_delivery", "quantity": 1, "fields": {"variant": "mismatch"}}"#,
                    token: jan)
                #expect(Set(try empty.problemFields()) == ["materialCode", "keepReceived", "wantOriginal"])
                // The received SEAGATE is found by its manufacturer code; a price a client sends is ignored.
                let number = try await RegistrationTests.submitOne(
                    app,
                    #"{"line": \#(line), "reason": "wrong_delivery", "quantity": 1, "fields": {"variant": "mismatch", "materialCode": " STKP10000400 ", "keepReceived": true, "wantOriginal": true, "keep": true, "receivedUnitPriceCents": 1}}"#,
                    token: jan)
                let agent = try await app.token("rma@retour.example")
                let approved = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent)
                #expect(approved.status == .ok, "\(approved.body.string)")
                let credited = try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent)
                #expect(credited.status == .ok, "\(credited.body.string)")
                let note = try #require(try credited.json()["creditNote"] as? [String: Any])
                // Kept at 153.07 (153.84 less 0.5 %), the ordered webcam delivered again: a charge.
                #expect(note["amount"] as? String == "153.07")
                #expect(note["kind"] as? String == "charge")
                let fields = try #require(try credited.json()["fields"] as? [String: Any])
                #expect(fields["keep"] == nil, "a field of the other option is not kept")
                #expect(fields["receivedArticle"] as? String == "4224506")
            }
        }

        @Test func wrongDeliveryIsAFormInTwoSteps() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                // Step one: the choice, the rest hidden until it is made.
                let first = try await browser.get("/register/\(line)?reason=wrong_delivery").body.string
                #expect(first.contains("Pakbon en geleverde artikel(en) komen niet overeen"))
                #expect(first.contains(#"<div id="step-two" data-step="variant" hidden>"#))
                #expect(first.contains(#"id="next-step""#))
                // Without a script, "Verder" shows option 2's fields only, each required one marked.
                let page = try await browser.post(
                    "/register/\(line)",
                    [
                        "reason": "wrong_delivery", "switchTo": "wrong_delivery", "f[variant]": "mismatch",
                        "f[materialCode]": "3660619040438",
                    ])
                let second = page.body.string
                #expect(second.contains(#"<div id="step-two" data-step="variant">"#))
                #expect(!second.contains(#"id="next-step""#))
                #expect(
                    second.contains(#"id="row-materialCode" data-when-field="variant" data-when-value="mismatch">"#))
                #expect(second.contains(#"id="row-keep" data-when-field="variant" data-when-value="match" hidden>"#))
                #expect(second.contains("Materiaalidentificatie: *"))
                // The offer at the top is option 1's; option 2 shows the received article's own.
                #expect(second.contains(#"id="keep-offer" data-when-field="variant" data-when-value="match" hidden>"#))
                #expect(second.contains("4224506 - SEAGATE Expansion Desktop External 10TB"))
                #expect(second.contains("153,84"))
                #expect(second.contains("153,07"))
            }
        }
    }
}
