import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// What an installation keeps and for how long, and a person's right to see and to erase what
    /// is stored about them (issue 21).
    @Suite struct RetentionTests {
        static func count(_ app: Application, _ table: String) async throws -> Int {
            struct Row: Decodable { var total: Int }
            return try await app.db.sql.raw("SELECT COUNT(*) AS total FROM \(ident: table)")
                .first(decoding: Row.self)?.total ?? 0
        }

        /// Events and deliveries go after 180 days, sent mail after 90, a closed request with its
        /// credit note and history after 7 years — and its files with the next clean-up; what is
        /// younger stays.
        @Test func theWorkerKeepsWhatTheSettingsSay() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = true
                let receiver = WebhookReceiver()
                try await receiver.start()
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                _ = try await WebhookTests.subscribe(app, jan, url: receiver.url)
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/close", token: agent).status == .ok)
                try await WebhookWorker.runOnce(app)
                try await MailWorker.runOnce(app)
                let events = try await Self.count(app, "integration_events")
                #expect(events > 0)
                #expect(try await Self.count(app, "mail_outbox") > 0)

                // 100 days on: the mail is gone, the events are not.
                WebhookTests.later(app, seconds: 100 * 86_400)
                try await Housekeeping.runOnce(app)
                #expect(try await Self.count(app, "mail_outbox") == 0)
                #expect(try await Self.count(app, "integration_events") == events)
                // 200 days on: events and deliveries are gone; the request is kept.
                WebhookTests.later(app, seconds: 100 * 86_400)
                try await Housekeeping.runOnce(app)
                #expect(try await Self.count(app, "integration_events") == 0)
                #expect(try await Self.count(app, "webhook_deliveries") == 0)
                let later = try await app.token("rma@retour.example")
                #expect(try await app.get("/api/v1/requests/\(number)", token: later).status == .ok)
                // Seven years after closing, the request goes with its history.
                WebhookTests.later(app, seconds: 7 * 366 * 86_400)
                try await Housekeeping.runOnce(app)
                let fresh = try await app.token("rma@retour.example")
                #expect(try await app.get("/api/v1/requests/\(number)", token: fresh).status == .notFound)
                #expect(try await Self.count(app, "request_events") == 0)
                #expect(try await Self.count(app, "claimed_serials") == 0)
                try await receiver.stop()
            }
        }

        /// A retention setting is read from the environment and bounded like every number.
        @Test func retentionSettingsAreBounded() throws {
            let config = try AppConfig.fromEnvironment([
                "RETOUR_KEEP_EVENTS_DAYS": "30", "RETOUR_KEEP_MAIL_DAYS": "7", "RETOUR_KEEP_REQUESTS_YEARS": "10",
            ])
            #expect(config.keepEventsDays == 30 && config.keepMailDays == 7 && config.keepRequestsYears == 10)
            #expect(throws: (any Error).self) { try AppConfig.fromEnvironment(["RETOUR_KEEP_EVENTS_DAYS": "0"]) }
            #expect(throws: (any Error).self) {
                try AppConfig.fromEnvironment(["RETOUR_KEEP_REQUESTS_YEARS": "99999999999999999999"])
            }
        }

        /// The export names everything stored about the person; after erasure their name and
        /// e-mail appear nowhere the API, the pages, the PDFs or the database return, while the
        /// request, its amount and its credit note stay.
        @Test func anErasedPersonIsNamedNowhereAndTheRequestsStay() async throws {
            try await withRetour(fixtures: true) { app in
                let name = "Jan de Vries"
                let email = "jan@pcpartner.nl"
                let jan = try await app.token(email)
                let agent = try await app.token("rma@retour.example")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                #expect(
                    try await FollowUpTests.post(
                        app, "/api/v1/requests/\(number)/messages", #"{"message":"Groeten, \#(name) (\#(email))"}"#,
                        token: jan
                    ).status == .ok)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)
                try await MailWorker.runOnce(app)
                let before = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())

                let export = try #require(
                    try await PersonalData(store: DatabasePersonalDataStore(database: app.db), now: app.clock.now)
                        .export(email: email))
                let facts = try #require(try JSONSerialization.jsonObject(with: export) as? [String: Any])
                #expect(facts["name"] as? String == name)
                #expect((facts["requests"] as? [[String: Any]])?.first?["number"] as? String == number)
                #expect(
                    (facts["timeline"] as? [[String: Any]])?.contains {
                        ($0["message"] as? String)?.contains(name) == true
                    } == true)
                #expect((facts["mails"] as? [[String: Any]])?.isEmpty == false)

                let erased = try await PersonalData(
                    store: DatabasePersonalDataStore(database: app.db), now: app.clock.now
                ).erase(email: email)
                guard case .erased(let texts) = erased else {
                    Issue.record("not erased: \(erased)")
                    return
                }
                #expect(texts > 0)
                #expect(
                    try await PersonalData(store: DatabasePersonalDataStore(database: app.db), now: app.clock.now)
                        .erase(email: email) == .notFound)

                // The database: no text column holds the name or the e-mail.
                let sql = app.db.sql
                for column in try await DatabasePersonalDataStore.textColumns(sql) {
                    for needle in [name, email] {
                        struct Row: Decodable { var total: Int }
                        let found = try await sql.raw(
                            app.db.isSQLite
                                ? "SELECT COUNT(*) AS total FROM \(ident: column.table) WHERE typeof(\(ident: column.name)) = 'text' AND instr(\(ident: column.name), \(bind: needle)) > 0"
                                : "SELECT COUNT(*) AS total FROM \(ident: column.table) WHERE strpos(CAST(\(ident: column.name) AS TEXT), \(bind: needle)) > 0"
                        ).first(decoding: Row.self)?.total
                        #expect(found == 0, "\(column.table).\(column.name) still holds \(needle)")
                    }
                }
                // The API, the pages and the PDFs.
                #expect(try await app.get("/api/v1/requests", token: jan).status == .unauthorized)
                let refused = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"\#(email)","password":"\#(Fixtures.password)"}"#, token: nil)
                #expect(refused.status == .unauthorized)
                let request = try await app.get("/api/v1/requests/\(number)", token: agent)
                #expect(request.status == .ok)
                let page = Browser(app)
                try await page.login("rma@retour.example")
                let html = try await page.get("/requests/\(number)")
                let pdf = try await app.get("/api/v1/requests/\(number)/credit-note.pdf", token: agent)
                #expect(pdf.status == .ok)
                let pdfText = try pdfText(Data(buffer: pdf.body))
                for text in [request.body.string, html.body.string, pdfText] {
                    #expect(!text.contains(name) && !text.contains(email))
                }
                // What the distributor must keep stays.
                let after = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())
                #expect(after.creditAmountCents == before.creditAmountCents)
                #expect(after.creditNoteNumber == before.creditNoteNumber)
                #expect(after.status == before.status)
                #expect(request.body.string.contains("Verwijderde gebruiker"))
            }
        }
    }
}
