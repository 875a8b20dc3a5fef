import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Following up on the pages: the start page, the agent's queue, questions and receipts.
    @Suite struct FollowUpPageTests {
        /// The agent's request page: one message box that says who reads it; after receipt only the
        /// next steps; for a buy back a return-fee field with the policy's percentage, and another
        /// percentage computes the credit and says so.
        @Test func theAgentsPageOffersTheNextStepsAndAFeeForABuyBack() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let browser = Browser(app)
                try await browser.login("rma@retour.example")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let inReview = try await RegistrationTests.submitOne(
                    app,
                    #"{"line": \#(line), "reason": "product_complaint", "quantity": 1, "fields": {"condition": "opened", "comment": "Werkt niet"}}"#,
                    token: jan)
                let review = try await browser.get("/requests/\(inReview)").body.string
                #expect(review.contains("id=\"decision-form\""))
                #expect(review.components(separatedBy: "<textarea name=\"message\"").count - 1 == 1, "one message box")
                #expect(review.contains("Bericht aan de klant"))
                #expect(review.contains("De klant leest dit bij uw beslissing"))

                let number = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)
                let received = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt",
                    #"{"quantity":1,"serials":["2119LZ90X2V9"],"condition":"as_expected"}"#, token: agent)
                #expect(received.status == .ok)
                let page = try await browser.get("/requests/\(number)").body.string
                #expect(!page.contains("id=\"decision-form\""), "after receipt: no decision again")
                #expect(page.contains("id=\"credit-form\"") && page.contains("id=\"credit-fee\""))
                #expect(page.contains("De klant leest dit in de tijdlijn"))
                let record = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())
                let computed = try await RequestSettlements.settlement(for: record, db: app.db)
                let credited = try await browser.post(
                    "/requests/\(number)/credit",
                    [
                        "amount": computed.amount.decimalString.replacingOccurrences(of: ".", with: ","),
                        "feePercent": "15", "reason": "",
                    ])
                #expect(credited.status == .seeOther, "\(credited.body.string.prefix(2000))")
                let after = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())
                #expect(after.creditAmountCents == computed.value.discounted(byBasisPoints: 1_500).cents)
                #expect(after.creditReason == "Return fee 15%")
                let refused = try await browser.post(
                    "/requests/\(inReview)/credit", ["amount": "", "feePercent": "veel", "reason": ""])
                #expect(refused.status != .internalServerError)
            }
        }

        /// The reseller's overview puts first what waits for the reseller's answer, shows each
        /// request's invoice and the reseller's own reference, and finds a request by that reference.
        @Test func theOverviewPutsWhatWaitsFirstAndFindsTheResellersOwnReference() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let webcam = try await RegistrationTests.webcam(app, jan)
                let older = try await RegistrationTests.submitOne(
                    app,
                    #"{"line": \#(webcam), "reason": "buyback", "serials": ["2119LZ90X2V9"], "fields": {"condition": "unopened", "comment": "Over", "positionReference": " REF-JAN-1 "}}"#,
                    token: jan)
                let newer = try await FollowUpTests.submitCommercialReturn(app, jan)
                let invoice = try #require(try await app.get("/api/v1/lines/\(webcam)", token: jan).json()["invoice"])
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                func order(_ page: String) -> [String] {
                    page.components(separatedBy: "<tr id=\"request-").dropFirst().compactMap {
                        $0.split(separator: "\"").first.map(String.init)
                    }
                }
                #expect(order(try await browser.get("/status").body.string) == [newer, older])
                let asked = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(older)/decision", #"{"decision":"request_info","message":"Welke doos?"}"#,
                    token: agent)
                #expect(asked.status == .ok)
                let page = try await browser.get("/status").body.string
                #expect(order(page) == [older, newer], "the question waits on top")
                #expect(page.contains("2 aanvragen"))
                #expect(page.contains("Uw referentie: REF-JAN-1"))
                #expect(page.contains("\(invoice) #"))
                let found = try await browser.get("/status?number=ref-jan-1").body.string
                #expect(order(found) == [older])
                #expect(found.contains("1 aanvraag<"))
                // A request submitted before the column existed has it filled from its fields.
                try await app.db.sql.raw("UPDATE requests SET position_reference = NULL").run()
                #expect(order(try await browser.get("/status?number=REF-JAN-1").body.string) == [])
                try await AddPositionReference.copyReferences(on: app.db)
                #expect(order(try await browser.get("/status?number=REF-JAN-1").body.string) == [older])
            }
        }

        @Test func informationRequestedIsShownMailedAndClearedByTheAnswer() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                // An older request, so that the queue has something to put the answered one above.
                _ = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let complaint =
                    #"{"line": \#(line), "reason": "product_complaint", "quantity": 1, "fields": {"condition": "opened", "comment": "Werkt niet met mijn moederbord"}}"#
                let number = try await RegistrationTests.submitOne(app, complaint, token: jan)
                #expect(
                    try await app.get("/api/v1/requests/\(number)", token: jan).json()["informationRequested"] as? Bool
                        == false)

                let asked = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/decision",
                    #"{"decision":"request_info","message":"Welk moederbord?"}"#, token: agent)
                #expect(try asked.json()["informationRequested"] as? Bool == true)
                let subjects = try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl").all()
                    .map(\.subject)
                #expect(subjects.contains("Aanvraag \(number): Informatie gevraagd"), "\(subjects)")
                // The mail leads straight to the request.
                let mail = try #require(
                    try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl")
                        .filter(\.$subject == "Aanvraag \(number): Informatie gevraagd").first())
                #expect(mail.body.contains("Bekijk de aanvraag: \(app.baseURL)/requests/\(number)"), "\(mail.body)")
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                #expect(try await browser.get("/status").body.string.contains("Informatie gevraagd"))
                // Nothing waits unseen: the start page says so and leads to the requests waiting, the
                // status list's filter shows that one only.
                let start = try await browser.get("/").body.string
                #expect(start.contains("1 aanvraag wacht op uw antwoord"))
                #expect(start.contains("href=\"/status?status=information_requested\""))
                let waiting = try await browser.get("/status?status=information_requested").body.string
                #expect(waiting.contains(">\(number)</a>"))
                #expect(waiting.components(separatedBy: "<tr id=\"request-").count - 1 == 1, "only the one waiting")
                #expect(waiting.contains("<option value=\"information_requested\" selected>Informatie gevraagd"))

                // The reseller answers: the question is cleared and the request tops the agent's queue.
                let answered = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages", #"{"message":"ASUS B650"}"#, token: jan)
                #expect(try answered.json()["informationRequested"] as? Bool == false)
                #expect(!(try await browser.get("/").body.string.contains("wacht op uw antwoord")))
                let answeredList = try await browser.get("/status?status=answered").body.string
                #expect(answeredList.contains(">\(number)</a>"))
                #expect(answeredList.components(separatedBy: "<tr id=\"request-").count - 1 == 1)
                let staff = Browser(app)
                try await staff.login("rma@retour.example")
                let queue = try await staff.get("/backoffice").body.string
                let top = try #require(queue.range(of: "<tr id=\"request-"))
                #expect(queue[top.upperBound...].hasPrefix(number), "the answered request comes first")
                #expect(queue.contains(">Beantwoord<"))
            }
        }

        @Test func theStartPageHasTheManualsThreeButtonsAndStaffLandOnTheirWork() async throws {
            try await withRetour(fixtures: true) { app in
                let reseller = Browser(app)
                try await reseller.get("/login")
                let login = try await reseller.post(
                    "/login", ["email": "jan@pcpartner.nl", "password": Fixtures.password])
                #expect(login.headers.first(name: .location) == "/")
                let start = try await reseller.get("/").body.string
                for text in [
                    "RMA – registratie", "Hier kunt u uw aanvraag in werking zetten", "RMA – status overzicht",
                    "Hier kunt de status van uw aanvragen zien", "klik dan op het PDF icoontje", "Archief status check",
                ] {
                    #expect(start.contains(text), "\(text)")
                }
                for (email, landing) in [
                    ("rma@retour.example", "/backoffice"), ("admin@retour.example", "/admin/policies"),
                ] {
                    let staff = Browser(app)
                    try await staff.login(email)
                    #expect(try await staff.get("/").headers.first(name: .location) == landing, "\(email)")
                }
            }
        }

        @Test func receiptDifferencesReachADutchResellerInDutch() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                let received = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt",
                    #"{"quantity":1,"serials":["S4EVNM0R820837"],"condition":"opened"}"#, token: agent)
                #expect(received.status == .ok)
                #expect(
                    (try received.json()["discrepancy"] as? String)?.contains("quantity 1 received, 2 requested")
                        == true)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/requests/\(number)").body.string
                #expect(page.contains("hoeveelheid 1 ontvangen, 2 aangevraagd"))
                #expect(page.contains("een gesloten retour moet ongeopend en nieuw binnenkomen"))
                #expect(!page.contains("quantity 1 received"), "no English on a Dutch page")
                let mail = try #require(
                    try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl")
                        .sort(\.$id, .descending).first())
                #expect(mail.body.contains("Afwijking: hoeveelheid 1 ontvangen, 2 aangevraagd"))
                #expect(!mail.body.contains("Discrepancy"))
            }
        }

        @Test func theAgentsQueueIsAToDoListAndNothingIsPreselected() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let shipping = try await FollowUpTests.submitCommercialReturn(app, jan)  // awaiting goods
                let line = try await ReasonsTests.lineID(app, invoice: "0962405087", token: jan)
                let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
                let photo = try await RegistrationTests.upload(app, png, name: "doos.png", token: jan).json()
                let photoID = try #require(photo["id"] as? String)
                let complaint =
                    #"{"line": \#(line), "reason": "product_complaint", "quantity": 1, "fields": {"condition": "opened"}, "attachments": ["\#(photoID)"]}"#
                let review = try await RegistrationTests.submitOne(app, complaint, token: jan)
                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                let todo = try await agent.get("/backoffice").body.string
                #expect(todo.contains("id=\"request-\(review)\""))
                #expect(!todo.contains("id=\"request-\(shipping)\""))
                #expect(
                    try await agent.get("/backoffice?status=open").body.string.contains("id=\"request-\(shipping)\""))
                let page = try await agent.get("/requests/\(review)").body.string
                #expect(page.contains(#"<option value="" selected disabled>Kies een beslissing…</option>"#))
                // Who, when, at what price, and the photos as thumbnails.
                #expect(page.contains(#"<dd id="request-customer">PC Partner BV (100200)</dd>"#))
                #expect(page.contains("<dt>Factuurdatum</dt>") && page.contains("71,50"))
                #expect(page.contains(#"<img src="/attachments/\#(photoID)" alt="doos.png""#))
                // A decision that was not chosen is refused, not taken as an approval.
                let none = try await agent.post("/requests/\(review)/decision", ["decision": ""])
                #expect(none.status == .unprocessableEntity)
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                #expect(try await reseller.get("/users").body.string.contains("data-confirm="))
            }
        }
    }
}
