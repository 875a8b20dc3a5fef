import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Sessions begin at login, end when idle or on logout, and never come back.
    @Suite struct SessionTests {
        @Test func aPageViewCreatesNoSessionAndLoginGetsAFreshOne() async throws {
            try await withRetour(fixtures: true) { app in
                for _ in 0..<5 { _ = try await app.testing().sendRequest(.GET, "/login") }
                #expect(try await WebSession.query(on: app.db).count() == 0)
                let browser = Browser(app)
                try await browser.get("/login")
                browser.cookies["retour_session"] = "planted-by-an-attacker"
                try await browser.login("jan@pcpartner.nl")
                let session = try #require(browser.cookies["retour_session"])
                #expect(session != "planted-by-an-attacker")
                let stored = try await WebSession.query(on: app.db).all()
                #expect(stored.count == 1)
                #expect(stored.first?.idHash == Tokens.hash(session), "only the hash of the id is stored")
                #expect(try await browser.get("/search").status == .ok)
            }
        }

        @Test func anIdleSessionEndsAndLogoutEndsEverySessionAndToken() async throws {
            try await withRetour(fixtures: true) { app in
                let token = try await app.token("jan@pcpartner.nl")
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let other = Browser(app)
                try await other.login("jan@pcpartner.nl")
                // Idle beyond two hours: the server forgets it, whatever the cookie says.
                let start = app.clock.now
                app.clock = FixedClock(start.addingTimeInterval(2 * 3600 + 60))
                #expect(try await browser.get("/search").status == .seeOther)
                app.clock = FixedClock(start)
                #expect(try await other.get("/search").status == .ok)
                #expect(try await other.post("/logout", [:]).status == .seeOther)
                #expect(try await WebSession.query(on: app.db).count() == 0)
                #expect(try await app.get("/api/v1/requests", token: token).status == .unauthorized)
            }
        }

        /// Whoever comes back after the session ended is told so on the login page, and returns to
        /// the page they were on — from a link and from a form sent too late alike.
        @Test func theLoginPageSaysTheSessionEndedAndLeadsBack() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let csrf = try #require(browser.csrf)
                try await WebSession.query(on: app.db).delete()

                let link = try await browser.get("/status")
                #expect(link.headers.first(name: .location) == "/login?next=%2Fstatus&expired=1")
                let page = try await browser.get("/login?next=%2Fstatus&expired=1").body.string
                #expect(page.contains("Uw sessie is verlopen. Log opnieuw in."))
                #expect(page.contains("name=\"next\" value=\"/status\""))

                var headers = HTTPHeaders()
                headers.add(
                    name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
                headers.add(name: .referer, value: "http://localhost:8080/cart?waiting=1")
                headers.contentType = .urlEncodedForm
                let form = try await app.testing().sendRequest(
                    .POST, "/cart/submit", headers: headers, body: ByteBuffer(string: "_csrf=\(csrf)&idempotencyKey=k1")
                )
                #expect(form.status == .seeOther)
                #expect(form.headers.first(name: .location) == "/login?next=%2Fcart%3Fwaiting%3D1&expired=1")

                // A first visit, without a session, is only asked to log in.
                let stranger = try await Browser(app).get("/status")
                #expect(stranger.headers.first(name: .location) == "/login?next=%2Fstatus")
                #expect(!(try await Browser(app).get("/login").body.string.contains("sessie is verlopen")))
            }
        }

        @Test func aSessionEndedMeanwhileIsNotBroughtBackByARequestUnderWay() async throws {
            try await withRetour(fixtures: true) { app in
                let request = Request(application: app, on: app.eventLoopGroup.next())
                let driver = WebSessionDriver()
                // Logged out in another browser while this request was running: its answer must not
                // store the session again under the old user.
                _ = try await driver.updateSession(
                    SessionID(string: "ended-meanwhile"), to: SessionData(initialData: ["userID": "1"]), for: request
                ).get()
                #expect(try await WebSession.query(on: app.db).count() == 0)
            }
        }

        @Test func aResellerWithoutACompanyCannotLogIn() async throws {
            try await withRetour(fixtures: true) { app in
                let user = try #require(
                    try await User.query(on: app.db).filter(\.$email == "piet@pcpartner.nl").first())
                user.$company.id = nil
                try await user.save(on: app.db)
                let answer = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"piet@pcpartner.nl","password":"\#(Fixtures.password)"}"#,
                    token: nil)
                #expect(answer.status == .forbidden)
            }
        }

        @Test func aChangeOfRightsByTheImportEndsTheUsersSessions() async throws {
            try await withRetour(fixtures: true) { app in
                let piet = try await app.token("piet@pcpartner.nl")
                let browser = Browser(app)
                try await browser.login("piet@pcpartner.nl")
                let admin = try await app.token("admin@retour.example")
                let promoted =
                    #"{"users": [{"email": "piet@pcpartner.nl", "name": "Piet", "company": "100200", "role": "reseller_admin"}]}"#
                let answer = try await app.postJSON("/api/v1/import", promoted, token: admin)
                #expect(answer.status == .ok, "\(answer.body.string)")
                #expect(try await app.get("/api/v1/requests", token: piet).status == .unauthorized)
                #expect(try await browser.get("/search").status == .seeOther, "the old session ended")
                // Importing the same rights again ends nothing.
                let again = try await app.token("piet@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", promoted, token: admin).status == .ok)
                #expect(try await app.get("/api/v1/requests", token: again).status == .ok)
            }
        }
    }
}
