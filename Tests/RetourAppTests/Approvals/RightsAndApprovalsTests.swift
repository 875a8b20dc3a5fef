import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Rights per user and four-eyes submitting (issue 22, item 3).
    @Suite struct RightsAndApprovalsTests {
        static let defect =
            #"{"line": LINE, "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#

        static func userID(_ app: Application, _ email: String) async throws -> Int {
            try #require(try await User.query(on: app.db).filter(\.$email == email).first()?.id)
        }

        static func mails(_ app: Application, to email: String, containing text: String) async throws -> Int {
            try await OutboxMail.query(on: app.db).filter(\.$recipient == email).all()
                .filter { $0.subject.contains(text) || $0.body.contains(text) }.count
        }

        /// The purchasing department takes rights away on `/users`: recorded, the colleague signs in
        /// again, and from then on the API and the pages refuse what the right covered — saying
        /// which right is missing — and the search shows no reason chooser.
        @Test func aViewOnlyColleagueSearchesButCannotRegister() async throws {
            try await withRetour(fixtures: true) { app in
                let before = try await app.token("piet@pcpartner.nl")
                let piet = try await Self.userID(app, "piet@pcpartner.nl")
                let admin = Browser(app)
                try await admin.login("jan@pcpartner.nl")
                let users = try await admin.get("/users")
                #expect(users.body.string.contains(#"name="rights[]" value="approve""#))
                #expect(users.body.string.contains("op goedkeuring wachten goedkeuren of afwijzen"))
                let saved = try await admin.post("/users/\(piet)/rights", pairs: [("rights[]", "view")])
                #expect(saved.status == .ok, "\(saved.body.string)")
                let changed = try #require(try await User.find(piet, on: app.db))
                #expect(changed.rights == [.view])
                let audit = try await AuditEvent.query(on: app.db).filter(\.$action == "user.rights").all()
                #expect(audit.map(\.detail) == ["register,submit,view -> view"] || audit.count == 1)
                #expect(try await app.get("/api/v1/cart", token: before).status == .unauthorized, "signed out")

                let token = try await app.token("piet@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, token)
                #expect(try await app.get("/api/v1/lines/\(line)/reasons", token: token).status == .ok)
                let refused = try await RegistrationTests.add(
                    app, Self.defect.replacingOccurrences(of: "LINE", with: "\(line)"), token: token)
                #expect(refused.status == .forbidden)
                #expect((try refused.json()["detail"] as? String)?.contains("Register") == true)
                #expect(try await RegistrationTests.submit(app, token: token).status == .forbidden)

                let browser = Browser(app)
                try await browser.login("piet@pcpartner.nl")
                let search = try await browser.get("/search?numberType=invoice&number=0962405087")
                #expect(search.status == .ok)
                #expect(search.body.string.contains("0962405087"))
                #expect(!search.body.string.contains("reason-chooser"), "no reason chooser")
                #expect(!search.body.string.contains(#"href="/cart""#), "no cart in the menu")
                let cart = try await browser.get("/cart")
                #expect(cart.status == .forbidden)
                #expect(cart.body.string.contains("Registreren"))
                #expect(try await browser.get("/register/\(line)?reason=defect").status == .forbidden)

                // A purchasing department always holds every right.
                let jan = try await Self.userID(app, "jan@pcpartner.nl")
                #expect(
                    try await admin.post("/users/\(jan)/rights", pairs: [("rights[]", "view")]).status
                        == .unprocessableEntity)
                // Another company's login is not found.
                let other = try await Self.userID(app, "inkoop@bytewise.nl")
                #expect(
                    try await admin.post("/users/\(other)/rights", pairs: [("rights[]", "view")]).status == .notFound)
                #expect(
                    try await admin.post("/users/\(piet)/rights", pairs: [("rights[]", "fly")]).status
                        == .unprocessableEntity)
            }
        }

        /// The ERP sets rights and the four-eyes rule; an unknown right or a rule without its
        /// amount is refused at its place in the document.
        @Test func theImportSetsRightsAndTheApprovalRule() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let document = #"""
                    {"companies": [{"number": "100200", "name": "PC Partner BV", "submitApproval": "above_amount", "approvalAmount": "250.00"}],
                     "users": [{"email": "piet@pcpartner.nl", "name": "Piet Jansen", "role": "reseller_user", "company": "100200", "rights": ["view", "register"]}]}
                    """#
                let stored = try await app.postJSON("/api/v1/import", document, token: admin)
                #expect(stored.status == .ok, "\(stored.body.string)")
                let piet = try #require(
                    try await User.query(on: app.db).filter(\.$email == "piet@pcpartner.nl").first())
                #expect(piet.rights == [.view, .register])
                let company = try #require(try await Company.query(on: app.db).filter(\.$number == "100200").first())
                #expect(company.submitApproval == .aboveAmount(Money(cents: 25_000)))
                // A document without the rule leaves it; one without rights leaves them.
                let plain =
                    #"{"companies": [{"number": "100200", "name": "PC Partner BV"}], "users": [{"email": "piet@pcpartner.nl", "name": "Piet Jansen", "role": "reseller_user", "company": "100200"}]}"#
                #expect(try await app.postJSON("/api/v1/import", plain, token: admin).status == .ok)
                #expect(
                    try await Company.find(company.id, on: app.db)?.submitApproval == .aboveAmount(Money(cents: 25_000))
                )
                #expect(try await User.find(piet.id, on: app.db)?.rights == [.view, .register])

                let broken =
                    #"{"companies": [{"number": "100200", "name": "X", "submitApproval": "above_amount"}], "users": [{"email": "piet@pcpartner.nl", "name": "P", "role": "reseller_user", "company": "100200", "rights": ["fly"]}]}"#
                let refused = try await app.postJSON("/api/v1/import", broken, token: admin)
                #expect(refused.status == .unprocessableEntity)
                let fields = try refused.problemFields()
                #expect(fields.contains("/companies/0/approvalAmount"))
                #expect(fields.contains("/users/0/rights"))
            }
        }

        /// Above the company's amount a colleague's submission waits; the colleague with `approve`
        /// rejects it (back in the cart, with the message, by e-mail) or approves it (submitted as
        /// the submitter); never one's own; a closed window refuses the approval and says so.
        @Test func aSubmissionAboveTheAmountWaitsForASecondPerson() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("jan@pcpartner.nl")
                try await admin.get("/users")
                let rule = try await admin.post(
                    "/users/approval", ["submitApproval": "above_amount", "approvalAmount": "10,00"])
                #expect(rule.status == .ok, "\(rule.body.string)")
                #expect(rule.body.string.contains(#"value="10,00""#))  // written back as a Dutch reader writes it
                let noAmount = try await admin.post("/users/approval", ["submitApproval": "above_amount"])
                #expect(noAmount.status == .unprocessableEntity)

                let piet = try await app.token("piet@pcpartner.nl")
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, piet)
                let position = Self.defect.replacingOccurrences(of: "LINE", with: "\(line)")
                #expect(try await RegistrationTests.add(app, position, token: piet).status == .created)
                let waiting = try await RegistrationTests.submit(app, token: piet)
                #expect(waiting.status == .accepted, "\(waiting.body.string)")
                let approval = try #require(try waiting.json()["approval"] as? [String: Any])
                #expect(approval["status"] as? String == "waiting")
                let id = try #require(approval["id"] as? Int)
                #expect(try await ReturnRequest.query(on: app.db).count() == 0)
                #expect(try await Self.mails(app, to: "jan@pcpartner.nl", containing: "wacht op uw goedkeuring") == 1)
                let cart = try await app.get("/api/v1/cart", token: piet).json()
                #expect((cart["positions"] as? [Any])?.isEmpty == true)
                #expect((cart["approvals"] as? [[String: Any]])?.first?["status"] as? String == "waiting")
                let pages = Browser(app)
                try await pages.login("piet@pcpartner.nl")
                #expect(try await pages.get("/cart").body.string.contains("Wacht op goedkeuring"))
                #expect(try await pages.get("/status").body.string.contains("Wacht op goedkeuring"))

                // Not by the submitter; a rejection needs a reason.
                let own = try await app.postJSON("/api/v1/approvals/\(id)", #"{"decision":"approve"}"#, token: piet)
                #expect(own.status == .forbidden)
                #expect(try await app.get("/api/v1/approvals", token: piet).status == .forbidden)
                let list = try await app.get("/api/v1/approvals", token: jan).json()
                #expect((list["approvals"] as? [[String: Any]])?.map { $0["id"] as? Int } == [id])
                let silent = try await app.postJSON("/api/v1/approvals/\(id)", #"{"decision":"reject"}"#, token: jan)
                #expect(silent.status == .unprocessableEntity)
                let rejected = try await app.postJSON(
                    "/api/v1/approvals/\(id)", #"{"decision":"reject","message":"Eerst het serienummer controleren"}"#,
                    token: jan)
                #expect(rejected.status == .ok, "\(rejected.body.string)")
                let back = try await app.get("/api/v1/cart", token: piet).json()
                #expect((back["positions"] as? [Any])?.count == 1)
                #expect(
                    (back["approvals"] as? [[String: Any]])?.first?["message"] as? String
                        == "Eerst het serienummer controleren")
                #expect(try await Self.mails(app, to: "piet@pcpartner.nl", containing: "serienummer controleren") == 1)
                let twice = try await app.postJSON(
                    "/api/v1/approvals/\(id)", #"{"decision":"approve"}"#, token: jan)
                #expect(twice.status == .conflict)

                // Submitted again and approved: one request, made as the submitter.
                let again = try await RegistrationTests.submit(app, token: piet)
                let second = try #require((try again.json()["approval"] as? [String: Any])?["id"] as? Int)
                let approved = try await app.postJSON(
                    "/api/v1/approvals/\(second)", #"{"decision":"approve"}"#, token: jan)
                #expect(approved.status == .ok, "\(approved.body.string)")
                let requests = try #require(try await ReturnRequest.query(on: app.db).all())
                #expect(requests.count == 1)
                #expect(requests.first?.userID == (try await Self.userID(app, "piet@pcpartner.nl")))
                #expect(try await Approval.find(second, on: app.db)?.submission == requests.first?.number)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "approval.approve").count() == 1)
            }
        }

        /// Approving re-checks every position as of now: a window that closed while the submission
        /// waited refuses the approval, names the position, and leaves it waiting to be rejected.
        /// A colleague holding `approve` never waits.
        @Test func anApprovalAfterTheWindowClosedIsRefusedWithTheReason() async throws {
            try await withRetour(fixtures: true) { app in
                let company = try #require(try await Company.query(on: app.db).filter(\.$number == "100200").first())
                company.submitApproval = .always
                try await company.save(on: app.db)
                let piet = try await app.token("piet@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, piet)
                let damage =
                    #"{"line": \#(line), "reason": "wrongly_ordered", "serials": ["2119LZ90X2V9"], "fields": {"sealedDeclaration": true}}"#
                let added = try await RegistrationTests.add(app, damage, token: piet)
                #expect(added.status == .created, "\(added.body.string)")
                let waiting = try await RegistrationTests.submit(app, token: piet)
                let id = try #require((try waiting.json()["approval"] as? [String: Any])?["id"] as? Int)
                app.clock = FixedClock(app.clock.now.addingTimeInterval(60 * 86_400))
                let jan = try await app.token("jan@pcpartner.nl")
                let refused = try await app.postJSON("/api/v1/approvals/\(id)", #"{"decision":"approve"}"#, token: jan)
                #expect(refused.status == .unprocessableEntity, "\(refused.body.string)")
                #expect(try refused.problemFields().allSatisfy { $0.hasPrefix("positions/") })
                #expect(try await Approval.find(id, on: app.db)?.status == .waiting)
                #expect(try await ReturnRequest.query(on: app.db).count() == 0)

                // Jan himself holds `approve`: his submission goes straight through.
                app.clock = FixedClock(app.clock.now.addingTimeInterval(-60 * 86_400))
                let janNow = try await app.token("jan@pcpartner.nl")
                let other = try await ReasonsTests.lineID(app, invoice: "0962405086", token: janNow)
                let own = Self.defect.replacingOccurrences(of: "LINE", with: "\(other)")
                    .replacingOccurrences(of: "2119LZ90X2V9", with: "2119LZ90X2W4")
                #expect(try await RegistrationTests.add(app, own, token: janNow).status == .created)
                #expect(try await RegistrationTests.submit(app, token: janNow).status == .created)
            }
        }
    }
}
