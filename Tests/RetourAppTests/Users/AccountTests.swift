import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Invitations, forgotten and changed passwords (issue 22, items 1 and 2).
    @Suite struct AccountTests {
        /// The token of the newest link mailed to `email`.
        static func link(_ app: Application, to email: String) async throws -> String? {
            let mails = try await OutboxMail.query(on: app.db).filter(\.$recipient == email).sort(\.$id, .descending)
                .all()
            for mail in mails {
                if let range = mail.body.range(of: "/password/reset/") {
                    return String(
                        mail.body[range.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
                }
            }
            return nil
        }

        static func mailCount(_ app: Application, to email: String) async throws -> Int {
            try await OutboxMail.query(on: app.db).filter(\.$recipient == email).count()
        }

        /// The same answer for a known and an unknown address; only the known one gets a link, which
        /// sets a new password once, ends every other session and token and signs the user in; a used
        /// or expired link says so and offers a new one.
        @Test func aForgottenPasswordIsResetByALinkThatWorksOnce() async throws {
            try await withRetour(fixtures: true) { app in
                let old = try await app.token("piet@pcpartner.nl")
                let browser = Browser(app)
                let login = try await browser.get("/login")
                #expect(login.body.string.contains(#"href="/password/forgot""#))
                try await browser.get("/password/forgot")
                let known = try await browser.post("/password/forgot", ["email": "piet@pcpartner.nl"])
                let unknown = try await browser.post("/password/forgot", ["email": "nobody@pcpartner.nl"])
                #expect(known.status == unknown.status)
                #expect(known.headers.first(name: .location) == unknown.headers.first(name: .location))
                #expect(
                    try await OutboxMail.query(on: app.db).filter(\.$recipient == "nobody@pcpartner.nl").count() == 0)
                let api = try await app.postJSON("/api/v1/auth/password-reset", #"{"email":"nobody@x.nl"}"#, token: nil)
                #expect(api.status == .accepted)
                // Only what is no address at all is refused, by its form.
                let malformed = try await app.postJSON(
                    "/api/v1/auth/password-reset", #"{"email":"no\u0000address"}"#, token: nil)
                #expect(malformed.status == .unprocessableEntity)
                #expect(try malformed.problemFields() == ["email"])
                let token = try #require(try await Self.link(app, to: "piet@pcpartner.nl"))
                #expect(token.count >= 40)
                // The link is stored only as its hash.
                #expect(try await AccountLink.query(on: app.db).filter(\.$tokenHash == token).count() == 0)

                let page = try await browser.get("/password/reset/\(token)")
                #expect(page.status == .ok)
                #expect(page.headers.first(name: "Referrer-Policy") == "no-referrer", "the link is no referrer")
                #expect(page.body.string.contains("Piet Jansen"))
                let weak = try await browser.post("/password/reset/\(token)", ["password": "wachtwoord123"])
                #expect(weak.status == .unprocessableEntity)
                #expect(weak.body.string.contains("meest gebruikte"))
                let done = try await browser.post("/password/reset/\(token)", ["password": "een lange nieuwe zin"])
                #expect(done.status == .seeOther)
                #expect(try await browser.get("/status").status == .ok, "signed in by the reset")
                #expect(try await app.get("/api/v1/requests", token: old).status == .unauthorized)
                _ = try await app.token("piet@pcpartner.nl", password: "een lange nieuwe zin")
                // Used: the link says so and offers a new one.
                let again = try await Browser(app).get("/password/reset/\(token)")
                #expect(again.status == .notFound)
                #expect(again.body.string.contains(#"href="/password/forgot""#))
                // Expired: an hour is all a reset link gets.
                _ = try await app.postJSON("/api/v1/auth/password-reset", #"{"email":"jan@pcpartner.nl"}"#, token: nil)
                let late = try #require(try await Self.link(app, to: "jan@pcpartner.nl"))
                app.clock = FixedClock(app.clock.now.addingTimeInterval(3_601))
                #expect(try await Browser(app).get("/password/reset/\(late)").status == .notFound)
            }
        }

        /// Asking for links is throttled per address (silently: three mails at most) and per client
        /// (429 with Retry-After), so neither a mailbox nor the outbox can be flooded.
        @Test func resetLinksAreThrottledPerAddressAndClient() async throws {
            try await withRetour(fixtures: true) { app in
                for _ in 0..<PasswordResets.perClient {
                    let answer = try await app.postJSON(
                        "/api/v1/auth/password-reset", #"{"email":"jan@pcpartner.nl"}"#, token: nil)
                    #expect(answer.status == .accepted)
                }
                #expect(try await Self.mailCount(app, to: "jan@pcpartner.nl") == PasswordResets.perAddress)
                let refused = try await app.postJSON(
                    "/api/v1/auth/password-reset", #"{"email":"piet@pcpartner.nl"}"#, token: nil)
                #expect(refused.status == .tooManyRequests)
                #expect((Int(refused.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)
            }
        }

        /// A user the ERP sends without a password gets an invitation (through the outbox), cannot
        /// sign in until they choose one, and is not invited again every night; `retour invite` and
        /// "send again" make a new link and end the old one.
        @Test func anImportedUserWithoutAPasswordIsInvited() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let document =
                    #"{"users":[{"email":"nieuw@pcpartner.nl","name":"Nina Nieuw","role":"reseller_user","company":"100200"}]}"#
                #expect(try await app.postJSON("/api/v1/import", document, token: admin).status == .ok)
                #expect(try await Self.mailCount(app, to: "nieuw@pcpartner.nl") == 1)
                let first = try #require(try await Self.link(app, to: "nieuw@pcpartner.nl"))
                let refused = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"nieuw@pcpartner.nl","password":"!invited"}"#, token: nil)
                #expect(refused.status == .unauthorized)
                #expect(try await app.postJSON("/api/v1/import", document, token: admin).status == .ok)
                #expect(
                    try await Self.mailCount(app, to: "nieuw@pcpartner.nl") == 1, "invited again by the night's import")

                #expect(try await app.accountLinks(now: app.clock.now).invite(email: "nieuw@pcpartner.nl") != nil)
                let second = try #require(try await Self.link(app, to: "nieuw@pcpartner.nl"))
                #expect(second != first)
                #expect(try await Browser(app).get("/password/reset/\(first)").status == .notFound)
                let browser = Browser(app)
                let page = try await browser.get("/password/reset/\(second)")
                #expect(page.body.string.contains("Welkom, Nina Nieuw"))
                #expect(
                    try await browser.post("/password/reset/\(second)", ["password": "mijn eigen wachtwoord"]).status
                        == .seeOther)
                #expect(try await browser.get("/search").status == .ok)
                #expect(
                    try await User.query(on: app.db).filter(\.$email == "nieuw@pcpartner.nl").first()?.signedInAt != nil
                )
            }
        }

        /// A reseller admin makes a colleague's login without typing a password: an invitation goes
        /// out, and can be sent again until the colleague has signed in.
        @Test func aSubLoginWithoutAPasswordGetsAnInvitation() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = Browser(app)
                try await jan.login("jan@pcpartner.nl")
                try await jan.get("/users")
                let made = try await jan.post(
                    "/users",
                    ["name": "Kees Collega", "email": "kees@pcpartner.nl", "password": "", "role": "reseller_user"])
                #expect(made.status == .ok, "\(made.body.string.prefix(300))")
                #expect(made.body.string.contains("uitnodiging onderweg"))
                #expect(try await Self.mailCount(app, to: "kees@pcpartner.nl") == 1)
                let kees = try #require(
                    try await User.query(on: app.db).filter(\.$email == "kees@pcpartner.nl").first())
                #expect(made.body.string.contains("/users/\(try kees.requireID())/invite"))
                #expect(try await jan.post("/users/\(try kees.requireID())/invite", [:]).status == .ok)
                #expect(try await Self.mailCount(app, to: "kees@pcpartner.nl") == 2)
            }
        }

        /// `/account`: the current password is asked; a new one ends every other session and token
        /// but this one; a weak or common one is refused at the field; own keys can be revoked.
        @Test func aUserChangesTheirOwnPassword() async throws {
            try await withRetour(fixtures: true) { app in
                let other = try await app.token("jan@pcpartner.nl")
                let (keyID, _) = try await APIKeyTests.makeKey(app, other, #"{"name":"Mijn script","scopes":["read"]}"#)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/account")
                #expect(page.status == .ok)
                #expect(page.body.string.contains("Mijn script"))
                let wrong = try await browser.post(
                    "/account", ["currentPassword": "raden", "password": "een lange nieuwe zin"])
                #expect(wrong.status == .unprocessableEntity)
                #expect(wrong.body.string.contains("Het huidige wachtwoord klopt niet"))
                let common = try await browser.post(
                    "/account", ["currentPassword": Fixtures.password, "password": "welkomwelkom"])
                #expect(common.status == .unprocessableEntity)
                let changed = try await browser.post(
                    "/account", ["currentPassword": Fixtures.password, "password": "een lange nieuwe zin"])
                #expect(changed.status == .seeOther)
                #expect(try await browser.get("/account").status == .ok, "this session stays")
                #expect(try await app.get("/api/v1/requests", token: other).status == .unauthorized)
                #expect(try await browser.post("/account/keys/\(keyID)/revoke", [:]).status == .seeOther)
                #expect(try await APIKey.find(keyID, on: app.db)?.revokedAt != nil)
            }
        }

        @Test func commonPasswordsAreRefusedWhateverTheirLength() {
            for common in ["wachtwoord123", "Welkom2026!!!", "qwertyuiop12", "passwordpassword", "aaaaaaaaaaaaaa"] {
                #expect(!PasswordPolicy.problems(with: common).isEmpty, "\(common)")
            }
            for fine in ["een lange nieuwe zin", "retour-demo-2026", "Korte-Zin-Met-9-Tekens"] {
                #expect(PasswordPolicy.problems(with: fine).isEmpty, "\(fine)")
            }
        }

        /// A link's token is a credential: it never reaches a log line.
        @Test func linkTokensNeverReachTheLog() {
            #expect(RouteLoggingWithoutSecrets.redacted("/password/reset/abc123") == "/password/reset/…")
            #expect(RouteLoggingWithoutSecrets.redacted("/m/secret") == "/m/…")
            #expect(RouteLoggingWithoutSecrets.redacted("/status") == "/status")
        }
    }
}
