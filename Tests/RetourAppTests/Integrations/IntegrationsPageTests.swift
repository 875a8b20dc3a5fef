import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// A purchasing department's own page for API keys and webhooks (issue 22, item 5), under the
    /// API's rules.
    @Suite struct IntegrationsPageTests {
        static func shown(_ page: TestingHTTPResponse) -> String? {
            let body = page.body.string
            guard let range = body.range(of: #"<code id="shown-value">"#) else { return nil }
            return String(body[range.upperBound...].prefix { $0 != "<" })
        }

        @Test func aPurchasingDepartmentManagesKeysAndWebhooksOnItsOwnPage() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = true
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/integrations")
                #expect(page.status == .ok)
                #expect(page.body.string.contains(#"name="scopes[]" value="read""#))
                #expect(!page.body.string.contains(#"value="import""#), "only the scopes the role may grant")

                // A key: shown once, never cached, works in the API, revoked from the page.
                let made = try await browser.post(
                    "/integrations/keys", pairs: [("name", "Ons ERP"), ("scopes[]", "read")])
                // Answered 201 Created with a redirect to the page that shows it: no form sent again.
                #expect(browser.formAnswer?.status == .seeOther)
                #expect(made.status == .ok, "\(made.body.string)")
                #expect(made.headers.first(name: .cacheControl)?.contains("no-store") == true)
                let key = try #require(Self.shown(made))
                let shownAt = try #require(browser.formAnswer?.headers.first(name: .location))
                #expect(Self.shown(try await browser.get(shownAt)) == nil, "the address shows the key once")
                #expect(key.hasPrefix("rk_"))
                #expect(try await app.get("/api/v1/requests", token: key).status == .ok)
                #expect(try await app.get("/api/v1/cart", token: key).status == .forbidden, "read only")
                let listed = try await browser.get("/integrations")
                #expect(listed.body.string.contains("Ons ERP"))
                #expect(!listed.body.string.contains(key), "never shown again")
                let stored = try #require(try await APIKey.query(on: app.db).filter(\.$name == "Ons ERP").first())
                let revoked = try await browser.post("/integrations/keys/\(try stored.requireID())/revoke", [:])
                #expect(revoked.status == .seeOther)
                #expect(try await app.get("/api/v1/requests", token: key).status == .unauthorized)

                // The API's rules: no scope the role cannot grant, a name required; typed values stay.
                let refused = try await browser.post(
                    "/integrations/keys", pairs: [("name", "Te veel"), ("scopes[]", "import")])
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains(#"value="Te veel""#))
                #expect(try await APIKey.query(on: app.db).filter(\.$name == "Te veel").count() == 0)

                // A webhook: its secret shown once, rotated, its deliveries listed and sent again.
                let hookMade = try await browser.post(
                    "/integrations/webhooks",
                    pairs: [("url", "http://127.0.0.1:9/hook"), ("events[]", "request.created")])
                #expect(hookMade.status == .ok, "\(hookMade.body.string)")
                let secret = try #require(Self.shown(hookMade))
                #expect(secret.hasPrefix("whsec_"))
                let hook = try #require(
                    try await Webhook.query(on: app.db).filter(\.$url == "http://127.0.0.1:9/hook").first())
                let rotated = try await browser.post("/integrations/webhooks/\(try hook.requireID())/rotate", [:])
                #expect(rotated.status == .ok)
                let newSecret = try #require(Self.shown(rotated))
                #expect(newSecret != secret)
                #expect(try await Webhook.find(hook.id, on: app.db)?.previousSecret == secret)
                let badHook = try await browser.post(
                    "/integrations/webhooks", pairs: [("url", "ftp://x"), ("events[]", "request.created")])
                #expect(badHook.status == .unprocessableEntity)
                #expect(badHook.body.string.contains(#"value="ftp://x""#))

                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                _ = try await RegistrationTests.submitOne(
                    app,
                    #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#,
                    token: jan)
                let delivery = try #require(
                    try await WebhookDelivery.query(on: app.db).filter(\.$webhookID == hook.requireID()).first())
                let log = try await browser.get("/integrations/webhooks/\(try hook.requireID())")
                #expect(log.status == .ok)
                #expect(log.body.string.contains("request.created"))
                delivery.status = .failed
                try await delivery.save(on: app.db)
                let again = try await browser.post(
                    "/integrations/webhooks/\(try hook.requireID())/deliveries/\(try delivery.requireID())/retry", [:])
                #expect(again.status == .seeOther)
                #expect(try await WebhookDelivery.find(delivery.id, on: app.db)?.status == .pending)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "webhook.retry").count() == 1)
                let deleted = try await browser.post("/integrations/webhooks/\(try hook.requireID())/delete", [:])
                #expect(deleted.status == .seeOther)
                #expect(try await browser.get("/integrations/webhooks/\(try hook.requireID())").status == .notFound)

                // Another company's purchasing department sees none of it; a sub-login has no page.
                let other = Browser(app)
                try await other.login("inkoop@bytewise.nl")
                #expect(!(try await other.get("/integrations")).body.string.contains("Ons ERP"))
                #expect(
                    try await other.post("/integrations/keys/\(try stored.requireID())/revoke", [:]).status == .notFound
                )
                let piet = Browser(app)
                try await piet.login("piet@pcpartner.nl")
                #expect(try await piet.get("/integrations").status == .forbidden)
            }
        }
    }
}
