import Fluent
import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct AuthTests {
        @Test func loginShowsTheSearchAndLogoutEndsTheSession() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                #expect(try await browser.get("/search").status == .seeOther)
                let login = try await browser.login("jan@pcpartner.nl")
                #expect(login.status == .seeOther)
                #expect(login.headers.first(name: .location) == "/search")
                let page = try await browser.get("/search")
                #expect(page.status == .ok)
                #expect(page.body.string.contains("Jan de Vries"))
                #expect(try await browser.post("/logout", [:]).status == .seeOther)
                #expect(try await browser.get("/search").status == .seeOther)
            }
        }

        @Test func unknownPagesAnswer404WithAPage() async throws {
            try await withRetour { app in
                let page = try await Browser(app).get("/favicon.ico")
                #expect(page.status == .notFound)
                #expect(page.body.string.contains("<h1>"))
                // In the reader's language, not the status's English phrase.
                #expect(page.body.string.contains("Deze pagina bestaat niet."))
                #expect(!page.body.string.contains("Not Found"))
                let api = try await app.get("/api/v1/nothing-here", token: nil)
                #expect(api.status == .notFound)
                #expect(api.headers.contentType?.description.contains("problem+json") == true)
            }
        }

        @Test func wrongPasswordIsRefusedWithAMessage() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                let answer = try await browser.login("jan@pcpartner.nl", password: "not the password")
                #expect(answer.status == .unauthorized)
                #expect(answer.body.string.contains("E-mailadres of wachtwoord is onjuist."))
                // An unknown account gets the same answer, so the page does not tell which e-mails exist.
                let unknown = try await Browser(app).login("nobody@pcpartner.nl", password: "not the password")
                #expect(unknown.status == .unauthorized)
                #expect(unknown.body.string.contains("E-mailadres of wachtwoord is onjuist."))
                #expect(app.decoyHash.hasPrefix("$2b$04$"))
                let api = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"jan@pcpartner.nl","password":"nope nope nope"}"#, token: nil)
                #expect(api.status == .unauthorized)
                #expect(try await app.postJSON("/api/v1/auth/token", #"{"email":1}"#, token: nil).status == .badRequest)
            }
        }

        @Test func formsWithoutTheCSRFTokenAreRefused() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.get("/login")
                let forged = try await browser.post(
                    "/login", ["email": "jan@pcpartner.nl", "password": Fixtures.password], csrf: .some(nil))
                #expect(forged.status == .forbidden)
                let wrong = try await browser.post(
                    "/login", ["email": "jan@pcpartner.nl", "password": Fixtures.password], csrf: "forged-token")
                #expect(wrong.status == .forbidden)
                #expect(wrong.body.string.contains("Het formulier is verlopen of ongeldig"))
                // Signed in, a state change without the token is refused too and changes nothing.
                try await browser.login("jan@pcpartner.nl")
                let users = try await User.query(on: app.db).count()
                let create = try await browser.post(
                    "/users", ["name": "Eve", "email": "eve@pcpartner.nl", "password": "long enough password"],
                    csrf: "forged-token")
                #expect(create.status == .forbidden)
                #expect(try await User.query(on: app.db).count() == users)
            }
        }

        @Test func repeatedFailuresAreThrottledEvenWithTheRightPassword() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                for _ in 0..<app.config.loginThrottle.maximumFailures {
                    #expect(
                        try await browser.login("piet@pcpartner.nl", password: "guess guess guess").status
                            == .unauthorized)
                }
                let blocked = try await browser.login("piet@pcpartner.nl")
                #expect(blocked.status == .tooManyRequests)
                #expect((Int(blocked.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)
                #expect(blocked.body.string.contains("Te veel mislukte inlogpogingen"))
                let api = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"piet@pcpartner.nl","password":"retour-demo-2026"}"#, token: nil)
                #expect(api.status == .tooManyRequests)
                #expect((Int(api.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)
                // Another account is not affected, and after the window the account may try again.
                #expect(try await Browser(app).login("jan@pcpartner.nl").status == .seeOther)
                app.clock = FixedClock(app.clock.now.addingTimeInterval(Double(app.config.loginThrottle.windowSeconds)))
                #expect(try await Browser(app).login("piet@pcpartner.nl").status == .seeOther)
            }
        }

        /// Throttling cannot be turned against its victim (issue 20): another client's failures
        /// never keep the owner out; a client failing on many accounts (an office behind one
        /// address) waits seconds, not a quarter of an hour; every 429 says when to try again.
        @Test func anotherClientsFailuresNeverLockTheOwnerOut() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.trustedProxies = ["unknown"]
                app.config.slowLoginMilliseconds = 1
                func token(_ email: String, _ password: String, from client: String) async throws
                    -> TestingHTTPResponse
                {
                    try await app.testing().sendRequest(
                        .POST, "/api/v1/auth/token",
                        headers: ["Content-Type": "application/json", "X-Real-IP": client],
                        body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"}"#))
                }
                let attacker = "203.0.113.66"
                // Failures from the attacker's client keep that client waiting …
                for _ in 0..<8 {
                    let answer = try await token("piet@pcpartner.nl", "guess guess guess", from: attacker)
                    #expect([.unauthorized, .tooManyRequests].contains(answer.status))
                    app.clock = FixedClock(app.clock.now.addingTimeInterval(1))
                }
                let slowed = try await token("piet@pcpartner.nl", Fixtures.password, from: attacker)
                #expect(slowed.status == .tooManyRequests)
                #expect((Int(slowed.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)
                // … but Piet, on his own client, gets in at once.
                #expect(try await token("piet@pcpartner.nl", Fixtures.password, from: "198.51.100.7").status == .ok)

                // Many clients each failing once on Jan's account (a botnet): Jan still gets in.
                for client in 1...25 {
                    let answer = try await token("jan@pcpartner.nl", "guess guess guess", from: "192.0.2.\(client)")
                    #expect(answer.status == .unauthorized)
                }
                #expect(try await token("jan@pcpartner.nl", Fixtures.password, from: "198.51.100.8").status == .ok)

                // One address failing on 30 accounts waits at most half a minute, then anyone behind
                // it signs in.
                let office = "198.51.100.99"
                for number in 1...30 {
                    _ = try await token("nobody\(number)@example.com", "guess guess guess", from: office)
                }
                let waiting = try await token("inkoop@bytewise.nl", Fixtures.password, from: office)
                #expect(waiting.status == .tooManyRequests)
                let wait = Int(waiting.headers.first(name: .retryAfter) ?? "") ?? 0
                #expect((1...SignIn.longestAddressDelaySeconds).contains(wait))
                app.clock = FixedClock(app.clock.now.addingTimeInterval(Double(wait)))
                #expect(try await token("inkoop@bytewise.nl", Fixtures.password, from: office).status == .ok)
            }
        }

        @Test func subLoginLifecycle() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("jan@pcpartner.nl")
                #expect(try await admin.get("/users").body.string.contains("piet@pcpartner.nl"))
                // Another company's users are not listed.
                #expect(!(try await admin.get("/users").body.string.contains("bytewise")))

                // Create: bad input is explained inline and stores nothing.
                let bad = try await admin.post("/users", ["name": "", "email": "not-an-email", "password": "short"])
                #expect(bad.status == .unprocessableEntity)
                #expect(bad.body.string.contains("Vul een geldig e-mailadres in."))
                #expect(bad.body.string.contains("minstens 12 tekens"))
                let created = try await admin.post(
                    "/users",
                    [
                        "name": "Kees Klant", "email": "kees@pcpartner.nl", "password": "kees his password",
                        "role": "reseller_user",
                    ])
                #expect(created.status == .ok)
                #expect(created.body.string.contains("kees@pcpartner.nl"))
                let duplicate = try await admin.post(
                    "/users", ["name": "Kees", "email": "kees@pcpartner.nl", "password": "kees his password"])
                #expect(duplicate.status == .unprocessableEntity)

                let kees = try #require(
                    try await User.query(on: app.db).filter(\.$email == "kees@pcpartner.nl").first())
                #expect(kees.role == .resellerUser)
                let jan = try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()
                #expect(kees.companyID != nil)
                #expect(kees.companyID == jan?.companyID)
                let keesBrowser = Browser(app)
                #expect(
                    try await keesBrowser.login("kees@pcpartner.nl", password: "kees his password").status == .seeOther)
                let token = try await app.token("kees@pcpartner.nl", password: "kees his password")
                #expect(try await app.get("/api/v1/lines", token: token).status == .ok)
                // A reseller user cannot manage sub-logins.
                #expect(try await keesBrowser.get("/users").status == .forbidden)

                // Disable: no login, no token, no session.
                let id = try kees.requireID()
                #expect(try await admin.post("/users/\(id)/disable", [:]).status == .ok)
                #expect(try await keesBrowser.get("/search").status == .seeOther)
                #expect(try await app.get("/api/v1/lines", token: token).status == .unauthorized)
                let refused = try await Browser(app).login("kees@pcpartner.nl", password: "kees his password")
                #expect(refused.status == .unauthorized)
                #expect(refused.body.string.contains("uitgeschakeld"))

                // Enable, then reset the password: the old one stops working, the shown one works.
                #expect(try await admin.post("/users/\(id)/enable", [:]).status == .ok)
                let reset = try await admin.post("/users/\(id)/reset-password", [:])
                let html = reset.body.string
                let marker = try #require(html.range(of: "<code id=\"new-password\">"))
                let newPassword = String(html[marker.upperBound...].prefix { $0 != "<" })
                #expect(newPassword.count >= 12)
                #expect(
                    try await Browser(app).login("kees@pcpartner.nl", password: "kees his password").status
                        == .unauthorized)
                #expect(try await Browser(app).login("kees@pcpartner.nl", password: newPassword).status == .seeOther)

                // Another company's admin cannot touch Kees.
                let other = Browser(app)
                try await other.login("inkoop@bytewise.nl")
                #expect(try await other.post("/users/\(id)/disable", [:]).status == .notFound)
                #expect(try await User.find(id, on: app.db)?.active == true)
            }
        }

        /// A bearer token works until it expires, and stops at once when its login is disabled.
        @Test func aBearerTokenStopsWhenItExpiresOrItsLoginIsDisabled() async throws {
            try await withRetour(fixtures: true) { app in
                let token = try await app.token("piet@pcpartner.nl")
                #expect(try await app.get("/api/v1/cart", token: token).status == .ok)
                let stored = try #require(
                    try await APIToken.query(on: app.db).filter(\.$tokenHash == Tokens.hash(token)).first())
                stored.expiresAt = app.clock.now.addingTimeInterval(-1)
                try await stored.save(on: app.db)
                #expect(try await app.get("/api/v1/cart", token: token).status == .unauthorized)

                let fresh = try await app.token("piet@pcpartner.nl")
                #expect(try await app.get("/api/v1/cart", token: fresh).status == .ok)
                let piet = try #require(
                    try await User.query(on: app.db).filter(\.$email == "piet@pcpartner.nl").first())
                piet.active = false
                try await piet.save(on: app.db)
                #expect(try await app.get("/api/v1/cart", token: fresh).status == .unauthorized)
            }
        }

        @Test func theCommandLineTokenWorksForTheAPI() async throws {
            try await withRetour(fixtures: true) { app in
                let user = try #require(
                    try await User.query(on: app.db).filter(\.$email == "rma@retour.example").first())
                let issued = try await DatabaseSessionStore(database: app.db).issueToken(
                    for: try user.requireID(), now: app.clock.now, lifetimeDays: 1)
                #expect(try await app.get("/api/v1/lines", token: issued.token).status == .ok)
                // Only a hash is stored.
                let stored = try await APIToken.query(on: app.db).all().map(\.tokenHash)
                #expect(!stored.contains(issued.token))
                #expect(stored.contains(Tokens.hash(issued.token)))
                // After its lifetime it no longer works.
                app.clock = FixedClock(app.clock.now.addingTimeInterval(2 * 86_400))
                #expect(try await app.get("/api/v1/lines", token: issued.token).status == .unauthorized)
            }
        }
    }
}
