import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Issue 11: the manual, round 2.
    @Suite struct ManualRoundTwoTests {
        /// Jan submits a defect of the webcam (it ships directly); returns its request and RMA numbers.
        static func submitWebcamDefect(_ app: Application, _ jan: String) async throws -> (String, String) {
            let line = try await RegistrationTests.webcam(app, jan)
            let defect =
                #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
            #expect(try await RegistrationTests.add(app, defect, token: jan).status == .created)
            let answer = try await RegistrationTests.submit(app, token: jan).json()
            let request = try #require((answer["requests"] as? [[String: Any]])?.first)
            return (try #require(request["number"] as? String), try #require(request["rmaNumber"] as? String))
        }

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

        @Test func aDefectRequestNumberIsNotAnRMANumber() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (number, rma) = try await Self.submitWebcamDefect(app, jan)
                #expect(number.hasPrefix("DEF-"))
                #expect(rma.hasPrefix("RMA"))
                // The confirmation says which number goes on the box.
                let mail = try #require(
                    try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl").first())
                #expect(
                    mail.body.contains("Vermeld dit RMA-nummer (\(rma)) op de doos")
                        || mail.body.contains("Put this RMA number (\(rma)) on the box"))
            }
        }

        @Test func numbersMatchWhateverTheirCaseAndSpaces() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let found = try await app.get("/api/v1/lines?numberType=serial&number=2119lz90x2v9%20", token: jan)
                    .json()
                let documents = try #require(found["documents"] as? [[String: Any]])
                #expect(documents.first?["number"] as? String == "0962405087")
            }
        }

        @Test func aNumberSearchOnThePageIgnoresTheDefaultWeek() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                // 0962277446 is nine days old: outside the week the search bar starts with.
                let page = try await browser.get("/search?period=1w&numberType=invoice&number=0962277446")
                #expect(page.body.string.contains("0962277446 - Factuur"), "the number search found the invoice")
                let chosen = try await browser.get(
                    "/search?period=1w&periodChosen=1&numberType=invoice&number=0962277446")
                #expect(!chosen.body.string.contains("0962277446 - Factuur"), "a chosen week still applies")
            }
        }

        @Test func theOverviewFindsARequestByEveryNumberItHas() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (number, rma) = try await Self.submitWebcamDefect(app, jan)
                for query in [number.lowercased(), rma, "0962405087", "2119lz90x2v9"] {
                    let list = try await app.get("/api/v1/requests?number=\(query)", token: jan).json()
                    let numbers = (list["requests"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
                    #expect(numbers == [number], "searching for \(query)")
                }
                let none = try await app.get("/api/v1/requests?number=0962350553", token: jan).json()
                #expect((none["requests"] as? [[String: Any]])?.isEmpty == true)
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
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                #expect(try await browser.get("/status").body.string.contains("Informatie gevraagd"))

                // The reseller answers: the question is cleared and the request tops the agent's queue.
                let answered = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages", #"{"message":"ASUS B650"}"#, token: jan)
                #expect(try answered.json()["informationRequested"] as? Bool == false)
                let staff = Browser(app)
                try await staff.login("rma@retour.example")
                let queue = try await staff.get("/backoffice").body.string
                let top = try #require(queue.range(of: "<tr id=\"request-"))
                #expect(queue[top.upperBound...].hasPrefix(number), "the answered request comes first")
                #expect(queue.contains("Beantwoord door de reseller"))
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

        @Test func theCountryIsChosenFromAListAndNeverCut() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                try await browser.get("/register/\(line)?reason=missing_accessories")
                let added = try await browser.post(
                    "/register/\(line)", ["reason": "missing_accessories", "quantity": "1", "f[comment]": "Kabel"])
                let addressPath = try #require(added.headers.first(name: .location))
                let page = try await browser.get(addressPath).body.string
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
                let position = try #require(try await CartPosition.query(on: app.db).first())
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

        @Test func theConfirmationOpensAgainAndTheMailCarriesTheReturnForm() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let ssd = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let webcam = try await RegistrationTests.webcam(app, jan)
                #expect(
                    try await RegistrationTests.add(
                        app,
                        #"{"line": \#(ssd), "reason": "commercial_return", "serials": ["S4EVNM0R820837"], "fields": {"sealedDeclaration": true}}"#,
                        token: jan
                    ).status == .created)
                #expect(
                    try await RegistrationTests.add(
                        app,
                        #"{"line": \#(webcam), "reason": "wrong_invoicing", "fields": {"subReason": "price", "comment": "Te hoog"}}"#,
                        token: jan
                    ).status == .created)
                var headers: HTTPHeaders = ["Accept-Language": "nl"]
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                let answer = try await app.testing().sendRequest(.POST, "/api/v1/cart/submit", headers: headers).json()
                let requests = try #require(answer["requests"] as? [[String: Any]])
                let shipped = try #require(requests.first { $0["rmaNumber"] as? String != nil })
                let number = try #require(shipped["number"] as? String)
                let rma = try #require(shipped["rmaNumber"] as? String)
                let claim = try #require(requests.first { $0["rmaNumber"] is NSNull }?["number"] as? String)

                // The overview links the confirmation; it shows both requests of the submission again.
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                #expect(try await browser.get("/status").body.string.contains("/requests/\(claim)/confirmation"))
                let page = try await browser.get("/requests/\(claim)/confirmation")
                #expect(page.status == .ok)
                let html = page.body.string
                #expect(html.contains("Uw aanvraag is ontvangen"))
                #expect(html.contains(rma) && html.contains(number) && html.contains(claim))
                #expect(html.contains("/requests/\(number)/return-form.pdf"))
                #expect(!html.contains("/requests/\(claim)/return-form.pdf"), "a claim ships nothing")
                // Another company's reseller does not see it.
                let other = Browser(app)
                try await other.login("inkoop@bytewise.nl")
                #expect(try await other.get("/requests/\(claim)/confirmation").status == .notFound)

                // The confirmation mail: Dutch, the RMA number in the subject, the return form attached.
                #expect(try await MailWorker.runOnce(app) == 1)
                let files = try FileManager.default.contentsOfDirectory(atPath: app.config.mailDirectory)
                let eml = try String(contentsOfFile: app.config.mailDirectory + "/" + files[0], encoding: .utf8)
                #expect(eml.contains("Content-Type: multipart/mixed"))
                // The subject names the number for the box first; the claim, which ships nothing, by its own.
                let subject = try #require(try await OutboxMail.query(on: app.db).first()?.subject)
                #expect(subject == "RMA-bevestiging \(rma), \(claim)")
                let parts = eml.components(separatedBy: "\r\n\r\n")
                func decoded(_ part: String) -> Data {
                    let base64 = part.components(separatedBy: "\r\n--").first ?? ""
                    return Data(base64Encoded: base64.replacingOccurrences(of: "\r\n", with: "")) ?? Data()
                }
                let text = String(decoding: decoded(parts[2]), as: UTF8.self)
                #expect(text.contains("Het retourformulier zit als PDF bij deze e-mail (Retourformulier-\(rma).pdf)"))
                #expect(!text.contains("Invoice") && !text.contains("quantity"))
                #expect(eml.contains("filename=\"Retourformulier-\(rma).pdf\""))
                let pdf = decoded(try #require(parts.last { $0.hasPrefix("JVBER") }))
                let form = try pdfText(pdf)
                #expect(form.contains("Retourformulier") && form.contains(rma) && form.contains(number))
                #expect(form.contains("Vermeld RMA-nummer \(rma) op de doos"))
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
                    page.contains("Jan de Vries (Reseller) heeft de aanvraag ingediend. Status: Wacht op goederen."))
                #expect(
                    page.contains("Rita Mulder (RMA-afdeling) heeft de goederen ontvangen. Status: Goederen ontvangen.")
                )
                #expect(page.contains("16-3-2026 12:00"), "the time of day in the distributor's time zone")
            }
        }

        @Test func theDemoFollowsTheManualOnTheDayItRuns() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                func line(_ invoice: String) async throws -> [String: Any] {
                    let found = try await app.get("/api/v1/lines?numberType=invoice&number=\(invoice)", token: jan)
                        .json()
                    let documents = try #require(found["documents"] as? [[String: Any]])
                    return try #require((documents.first?["lines"] as? [[String: Any]])?.first)
                }
                func reasons(_ invoice: String) async throws -> [String: [String: Any]] {
                    try await ReasonsTests.reasons(
                        app, line: try #require(try await line(invoice)["id"] as? Int), token: jan)
                }
                // Wrong delivery and product complaint are open on the manual's 0962277446.
                let seagate = try await reasons("0962277446")
                #expect(seagate["wrong_delivery"]?["enabled"] as? Bool == true)
                #expect(seagate["product_complaint"]?["enabled"] as? Bool == true)
                // 0962405086 holds the webcam, like 0962405087.
                #expect(try await line("0962405086")["article"] as? String == "1948782")
                // The manual's serials where it shows them.
                let serials = { (invoice: String) async throws -> [String] in
                    try await line(invoice)["serials"] as? [String] ?? []
                }
                #expect(
                    try await serials("0962350553").prefix(3) == ["S4EVNM0R820837", "S4EVNM0R820839", "S4EVNM0R820841"])
                #expect(try await serials("0962277446").prefix(3) == ["ZTT2YCBT", "ZTT2YCR2", "ZTT2YJZN"])
                #expect(try await serials("0962405251").contains("SYL01BPY7"))
                // The LENOVO keep offers can be tried: 332,30 for too much delivered, 300,57 for transport damage.
                let lenovo = try await reasons("0962405251")
                #expect(lenovo["too_much_delivered"]?["enabled"] as? Bool == true)
                #expect((lenovo["too_much_delivered"]?["keepOffer"] as? [String: String])?["unitPrice"] == "332.30")
                #expect(lenovo["transport_damage"]?["enabled"] as? Bool == true)
                #expect((lenovo["transport_damage"]?["keepOffer"] as? [String: String])?["unitPrice"] == "300.57")
            }
        }
    }
}
