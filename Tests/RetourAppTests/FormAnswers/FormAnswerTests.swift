import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Every page that answers a form comes after a redirect (Post/Redirect/Get): Back and Reload
    /// never send a form twice, and what was typed comes back with its errors (issue 25, item 1).
    @Suite struct FormAnswerTests {
        static let wrongLogin = ["email": "jan@pcpartner.nl", "password": "not-the-password", "next": "/search"]

        @Test func aFormAnsweredWithAPageRedirectsToItAndTheAddressShowsItOnce() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.get("/login?next=%2Fsearch")
                browser.referer = "/login?next=%2Fsearch"
                let page = try await browser.post("/login", Self.wrongLogin)
                let answer = try #require(browser.formAnswer)
                #expect(answer.status == .seeOther)
                #expect(answer.headers.first(name: .cacheControl) == "no-store")
                let location = try #require(answer.headers.first(name: .location))
                #expect(location.hasPrefix("/login?next=%2Fsearch&answer="), "back on the page the form was on")
                #expect(answer.headers[.setCookie].contains { $0.hasPrefix("retour_answer=") })
                // The page after the redirect: the form again, what was typed, why not.
                #expect(page.status == .unauthorized)
                #expect(page.body.string.contains(#"value="jan@pcpartner.nl""#))
                #expect(page.body.string.contains(app.translationCatalog[.nl]["app.auth.eMailAddressOrPasswordIs"]))
                // Reload: the page the form was on, afresh; the form is not sent again.
                let reload = try await browser.get(location)
                #expect(reload.status == .seeOther)
                #expect(reload.headers.first(name: .location) == "/login?next=%2Fsearch")
                #expect(try await FormAnswer.query(on: app.db).count() == 0)
            }
        }

        @Test func anAnswerIsReadByTheBrowserThatSentTheFormOnlyAndNeverStoredReadable() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                browser.followsAnswers = false
                try await browser.get("/login")
                try await browser.post("/login", Self.wrongLogin)
                let location = try #require(browser.formAnswer?.headers.first(name: .location))
                let stored = try #require(try await FormAnswer.query(on: app.db).first())
                #expect(stored.sealed.range(of: Data("jan@pcpartner.nl".utf8)) == nil)
                #expect(stored.sealed.range(of: Data("login".utf8)) == nil)
                #expect(!location.contains(stored.tokenHash))

                // Someone else with the address (from a log, over a shoulder) sees the login page.
                let other = Browser(app)
                try await other.get("/login")
                let stranger = try await other.get(location)
                #expect(stranger.status == .seeOther)
                #expect(stranger.headers.first(name: .location) == "/login")
                #expect(try await browser.get(location).body.string.contains(#"value="jan@pcpartner.nl""#))
            }
        }

        @Test func anAnswerNotFetchedInTimeIsGoneAndTheWorkerForgetsIt() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("admin@retour.example")
                browser.followsAnswers = false
                var whatIf = PolicyForm.fields(of: .standard)
                whatIf["days"] = "60"
                for _ in 0..<(FormAnswerStore.keptPerBrowser + 2) {
                    try await browser.post("/admin/policies/what-if", whatIf)
                }
                #expect(
                    try await FormAnswer.query(on: app.db).count() == FormAnswerStore.keptPerBrowser,
                    "a browser that never follows its redirects keeps only its newest answers")
                let location = try #require(browser.formAnswer?.headers.first(name: .location))
                let start = app.clock.now
                app.clock = FixedClock(start.addingTimeInterval(FormAnswerStore.lifetimeSeconds + 60))
                try await Housekeeping.runOnce(app)
                #expect(try await FormAnswer.query(on: app.db).count() == 0)
                let late = try await browser.get(location)
                #expect(late.status == .seeOther)
                #expect(late.headers.first(name: .location) == "/admin/policies/what-if")
            }
        }

        @Test func aRobotWithoutCookiesAndTheAPIAreAnsweredDirectly() async throws {
            try await withRetour(fixtures: true) { app in
                var headers = HTTPHeaders()
                headers.contentType = .urlEncodedForm
                let robot = try await app.testing().sendRequest(
                    .POST, "/login", headers: headers, body: ByteBuffer(string: "email=a%40b.nl&password=x"))
                #expect(robot.status == .forbidden, "no token, no cookie: refused, and nothing kept for it")
                #expect(try await FormAnswer.query(on: app.db).count() == 0)
                let api = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"a@b.nl","password":"x"}"#, token: nil)
                #expect(api.status == .unauthorized)
                #expect(api.headers.contentType?.subType == "problem+json")
                let jan = try await app.token("jan@pcpartner.nl")
                let lines = try await app.get("/api/v1/lines?answer=" + String(repeating: "a", count: 32), token: jan)
                #expect(lines.status == .ok, "the API's addresses are never taken for a form's answer")
            }
        }

        @Test func anAnswerNeverLeadsAwayFromThisSite() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                browser.followsAnswers = false
                try await browser.get("/login")
                browser.referer = "//evil.example/steal"
                try await browser.post("/login", Self.wrongLogin)
                let location = try #require(browser.formAnswer?.headers.first(name: .location))
                #expect(location.hasPrefix("/login?answer="), "a foreign page named as referrer is not followed")
                let cleaned = try await browser.get("//evil.example/x?answer=" + String(repeating: "a", count: 32))
                #expect(cleaned.headers.first(name: .location)?.hasPrefix("//") == false)
            }
        }
    }
}
