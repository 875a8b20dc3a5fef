import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Advance replacement: offered where the brand and the company allow it, approved by the agent,
    /// shipped, and either paid for by the returned unit or charged after a reminder.
    @Suite struct AdvanceReplacementTests {
        static let logitechOffers =
            #"{"brands": [{"name": "LOGITECH", "doaDays": 14, "warrantyMonths": 24, "advanceReplacement": true}]}"#

        static func reasons(_ app: Application, _ line: Int, _ token: String) async throws -> [String: Bool] {
            let answer = try await app.get("/api/v1/lines/\(line)/reasons", token: token).json()
            let reasons = try #require(answer["reasons"] as? [[String: Any]])
            return Dictionary(
                uniqueKeysWithValues: reasons.map {
                    ($0["id"] as? String ?? "", $0["advanceReplacement"] as? Bool ?? false)
                })
        }

        /// Jan's defective webcam of `invoice` with a replacement asked for, approved; its number.
        static func approved(_ app: Application, invoice: String, serial: String, jan: String, agent: String)
            async throws -> String
        {
            let line = try await ReasonsTests.lineID(app, invoice: invoice, token: jan)
            let number = try await RegistrationTests.submitOne(
                app,
                #"{"line": \#(line), "reason": "defect", "serials": ["\#(serial)"], "fields": {"fault": "no_response", "description": "Geen beeld", "advanceReplacement": true}}"#,
                token: jan)
            let waiting = try await app.get("/api/v1/requests/\(number)", token: jan).json()
            #expect(waiting["status"] as? String == "in_review", "the agent approves a replacement first")
            #expect(waiting["rmaNumber"] is NSNull)
            #expect((waiting["replacement"] as? [String: Any])?["status"] as? String == "waiting_approval")
            let approved = try await FollowUpTests.post(
                app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent)
            #expect(approved.status == .ok, "\(approved.body.string)")
            return number
        }

        @Test func offeredOnlyWhereTheBrandAndTheCompanyAllowIt() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                #expect(try await Self.reasons(app, line, jan)["defect"] == false)
                #expect(try await app.postJSON("/api/v1/import", Self.logitechOffers, token: admin).status == .ok)
                let offered = try await Self.reasons(app, line, jan)
                #expect(offered["defect"] == true)
                #expect(offered["doa"] == true)
                #expect(offered["commercial_return"] == false)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                #expect(
                    try await browser.get("/register/\(line)?reason=defect").body.string.contains("advance-replacement")
                )
                #expect(
                    !(try await browser.get("/register/\(line)?reason=commercial_return").body.string.contains(
                        "advance-replacement")))
                // Not for another reason, and not once the company may not use it.
                let refused = try await RegistrationTests.add(
                    app,
                    #"{"line": \#(line), "reason": "commercial_return", "serials": ["2119LZ90X2V9"], "fields": {"sealedDeclaration": true, "advanceReplacement": true}}"#,
                    token: jan)
                #expect(refused.status == .unprocessableEntity)
                #expect(try refused.problemFields() == ["fields.advanceReplacement"])
                #expect(
                    try await app.postJSON(
                        "/api/v1/import",
                        #"{"companies": [{"number": "100200", "name": "PC Partner BV", "advanceReplacement": false}]}"#,
                        token: admin
                    ).status == .ok)
                #expect(try await Self.reasons(app, line, jan)["defect"] == false)
                // The form shows the choice only where it is offered.
                #expect(
                    !(try await browser.get("/register/\(line)?reason=defect").body.string.contains(
                        "advance-replacement")))
            }
        }

        @Test func shippedThenRemindedThreeDaysBeforeTheDeadlineThenCharged() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", Self.logitechOffers, token: admin).status == .ok)
                let number = try await Self.approved(
                    app, invoice: "0962405087", serial: "2119LZ90X2V9", jan: jan, agent: agent)
                let toShip = try await app.get("/api/v1/requests/\(number)", token: jan).json()
                let approved = try #require(toShip["replacement"] as? [String: Any])
                #expect(approved["status"] as? String == "to_ship")
                // Approved on Monday 16 March: it ships on Tuesday.
                #expect(approved["shipBy"] as? String == "2026-03-17")
                #expect(approved["returnBy"] is NSNull)

                let path = "/api/v1/requests/\(number)/replacement"
                #expect(
                    try await FollowUpTests.post(app, path, #"{"status":"returned"}"#, token: agent).status
                        == .unprocessableEntity)
                #expect(
                    try await FollowUpTests.post(app, path, #"{"status":"shipped"}"#, token: jan).status == .forbidden)
                let shipped = try await FollowUpTests.post(
                    app, path, #"{"status":"shipped","trackingNumber":"3SABC123"}"#, token: agent)
                #expect(shipped.status == .ok, "\(shipped.body.string)")
                let replacement = try #require(try shipped.json()["replacement"] as? [String: Any])
                #expect(replacement["status"] as? String == "shipped")
                #expect(replacement["returnBy"] as? String == "2026-03-30")
                #expect(
                    try await FollowUpTests.post(app, path, #"{"status":"shipped"}"#, token: agent).status == .conflict)
                let page = Browser(app)
                try await page.login("jan@pcpartner.nl")
                let seen = try await page.get("/requests/\(number)").body.string
                #expect(seen.contains("data-status=\"shipped\""))
                #expect(seen.contains("30-3-2026"), "the reseller sees the deadline")

                func mails(containing text: String) async throws -> [OutboxMail] {
                    try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl").all()
                        .filter { $0.subject.contains(text) || $0.body.contains(text) }
                }
                #expect(try await mails(containing: "3SABC123").count == 1, "the shipment is announced")
                app.clock = FixedClock(day: CalendarDay(iso: "2026-03-26")!, timeZone: app.config.timeZone)
                #expect(try await Replacements.runOnce(app) == (0, 0))
                app.clock = FixedClock(day: CalendarDay(iso: "2026-03-27")!, timeZone: app.config.timeZone)
                #expect(try await Replacements.runOnce(app) == (1, 0))
                #expect(try await Replacements.runOnce(app) == (0, 0), "one reminder")
                let reminder = try #require(try await mails(containing: "Herinnering").first)
                #expect(reminder.body.contains("30-3-2026"))
                app.clock = FixedClock(day: CalendarDay(iso: "2026-03-30")!, timeZone: app.config.timeZone)
                #expect(try await Replacements.runOnce(app) == (0, 0), "the last day is the reseller's")
                app.clock = FixedClock(day: CalendarDay(iso: "2026-03-31")!, timeZone: app.config.timeZone)
                #expect(try await Replacements.runOnce(app) == (0, 1))
                let later = try await app.token("rma@retour.example")
                let charged = try await app.get("/api/v1/requests/\(number)", token: later).json()
                #expect((charged["replacement"] as? [String: Any])?["status"] as? String == "charged")
                let note = try #require(charged["creditNote"] as? [String: Any])
                #expect(note["kind"] as? String == "charge")
                #expect(note["amount"] as? String == "71.50")
                #expect(try await mails(containing: "in rekening gebracht").count >= 1)
                #expect(try await Replacements.runOnce(app) == (0, 0))
            }
        }

        @Test func theUnitBackInTimeSettlesTheRequestAtZero() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", Self.logitechOffers, token: admin).status == .ok)
                let number = try await Self.approved(
                    app, invoice: "0962405086", serial: "2119LZ90X2W4", jan: jan, agent: agent)
                #expect(
                    try await FollowUpTests.post(
                        app, "/api/v1/requests/\(number)/replacement", #"{"status":"shipped"}"#, token: agent
                    ).status == .ok)
                let received = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt",
                    #"{"quantity": 1, "serials": ["2119LZ90X2W4"], "condition": "as_expected"}"#, token: agent)
                #expect((try received.json()["replacement"] as? [String: Any])?["status"] as? String == "returned")
                let credited = try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent)
                #expect((try credited.json()["creditNote"] as? [String: Any])?["amount"] as? String == "0.00")
                app.clock = FixedClock(day: CalendarDay(iso: "2026-04-30")!, timeZone: app.config.timeZone)
                #expect(try await Replacements.runOnce(app) == (0, 0), "nothing is charged for a returned unit")
            }
        }
    }
}
