import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// After submitting: request and RMA numbers, the confirmation page and mail.
    @Suite struct ConfirmationTests {
        @Test func aDefectRequestNumberIsNotAnRMANumber() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (number, rma) = try await Journeys.submitWebcamDefect(app, jan)
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

                // The overview links the confirmation of each request: that request only.
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                #expect(try await browser.get("/status").body.string.contains("/requests/\(claim)/confirmation"))
                let page = try await browser.get("/requests/\(claim)/confirmation")
                #expect(page.status == .ok)
                let one = page.body.string
                #expect(one.contains("Uw aanvraag is ontvangen") && one.contains(claim))
                #expect(!one.contains(number) && !one.contains(rma), "only the request opened")
                #expect(!one.contains("NIET DIRECT"), "a claim ships nothing: no warning not to ship it")
                // Right after submitting: the whole submission.
                let html = try await browser.get("/requests/\(claim)/confirmation?submission=1").body.string
                #expect(html.contains(rma) && html.contains(number) && html.contains(claim))
                #expect(html.contains("/requests/\(number)/return-form.pdf"))
                #expect(!html.contains("/requests/\(claim)/return-form.pdf"), "a claim ships nothing")
                // Another company's reseller does not see it.
                let other = Browser(app)
                try await other.login("inkoop@bytewise.nl")
                #expect(try await other.get("/requests/\(claim)/confirmation").status == .notFound)

                // The confirmation mail: Dutch, a short subject, the return form attached.
                #expect(try await MailWorker.runOnce(app) == 1)
                let files = try FileManager.default.contentsOfDirectory(atPath: app.config.mailDirectory)
                let eml = try String(contentsOfFile: app.config.mailDirectory + "/" + files[0], encoding: .utf8)
                #expect(eml.contains("Content-Type: multipart/mixed"))
                // A short subject, whatever the size of the submission: the positions and the RMA numbers.
                let subject = try #require(try await OutboxMail.query(on: app.db).first()?.subject)
                #expect(subject == "Retour: 2 posities ontvangen, 1 RMA-nummer")
                let parts = eml.components(separatedBy: "\r\n\r\n")
                func decoded(_ part: String) -> Data {
                    let base64 = part.components(separatedBy: "\r\n--").first ?? ""
                    return Data(base64Encoded: base64.replacingOccurrences(of: "\r\n", with: "")) ?? Data()
                }
                let text = String(decoding: decoded(parts[2]), as: UTF8.self)
                #expect(text.contains("Het retourformulier zit als PDF bij deze e-mail (Retourformulier-\(rma).pdf)"))
                #expect(!text.contains("Invoice") && !text.contains("quantity"))
                // Every RMA number in the body, a link to each request, and no word of "a mail will follow".
                #expect(text.contains("RMA-nummer: \(rma)"))
                #expect(text.contains("Bekijk de aanvraag: \(app.baseURL)/requests/\(number)"), "\(text)")
                #expect(text.contains("Bekijk de aanvraag: \(app.baseURL)/requests/\(claim)"))
                #expect(!text.contains("U ontvangt per e-mail"))
                #expect(eml.contains("filename=\"Retourformulier-\(rma).pdf\""))
                let pdf = decoded(try #require(parts.last { $0.hasPrefix("JVBER") }))
                let form = try pdfText(pdf)
                #expect(form.contains("Retourformulier") && form.contains(rma) && form.contains(number))
                #expect(form.contains("Vermeld RMA-nummer \(rma) op de doos"))
                // Once the goods are in, the confirmation no longer says to ship them.
                let agent = try await app.token("rma@retour.example")
                #expect(
                    try await FollowUpTests.post(
                        app, "/api/v1/requests/\(number)/receipt",
                        #"{"quantity":1,"serials":["S4EVNM0R820837"],"condition":"as_expected"}"#, token: agent
                    ).status == .ok)
                let later = try await browser.get("/requests/\(number)/confirmation").body.string
                #expect(!later.contains(rma) && !later.contains("return-form.pdf"))
                #expect(later.contains("Deze aanvraag staat nu op: Goederen ontvangen."), "\(later)")
            }
        }
    }
}
