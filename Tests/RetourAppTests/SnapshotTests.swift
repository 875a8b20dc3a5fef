import Foundation
import SnapshotTesting
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The main pages in Dutch, as a reseller and an agent see them, compared line by line with the
    /// recorded pages in `__Snapshots__`: a change to a view, a text or a rule that shows on a page
    /// shows up here. Secrets that differ on every run (CSRF tokens, phone-upload keys, the QR code,
    /// the idempotency key) are replaced by fixed words first.
    @Suite struct SnapshotTests {
        static func scrubbed(_ html: String) -> String {
            var text = html
            for (pattern, replacement) in [
                (#"name="_csrf" value="[^"]*""#, #"name="_csrf" value="CSRF""#),
                (#"name="uploadToken" value="[^"]*""#, #"name="uploadToken" value="UPLOAD""#),
                (#"name="idempotencyKey" value="[^"]*""#, #"name="idempotencyKey" value="KEY""#),
                (#"/m/[A-Za-z0-9_-]+"#, "/m/UPLOAD"),
                (#"/register/uploads/[A-Za-z0-9_-]+"#, "/register/uploads/UPLOAD"),
                (#"<div class="qr-code">[\s\S]*?</div>"#, #"<div class="qr-code">QR</div>"#),
            ] {
                text = text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
            }
            return text
        }

        @Test func theMainPagesInDutch() async throws {
            try await withRetour(demo: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                func page(_ browser: Browser, _ path: String) async throws -> String {
                    let response = try await browser.get(path)
                    #expect(response.status == .ok, "\(path)")
                    return Self.scrubbed(response.body.string)
                }
                var pages: [(String, String)] = []
                pages.append(("start", try await page(reseller, "/")))
                pages.append(("search", try await page(reseller, "/search?numberType=invoice&number=0962350553")))
                pages.append(
                    (
                        "register-commercial-return",
                        try await page(reseller, "/register/\(line)?reason=commercial_return")
                    ))
                let added = try await RegistrationTests.add(
                    app,
                    #"{"line": \#(line), "reason": "commercial_return", "serials": ["S4EVNM0R820837"], "fields": {"sealedDeclaration": true}}"#,
                    token: jan)
                #expect(added.status == .created)
                pages.append(("cart", try await page(reseller, "/cart")))
                let submitted = try await reseller.post("/cart/submit", ["idempotencyKey": "snapshot"])
                #expect(submitted.status == .created)
                pages.append(("confirmation", Self.scrubbed(submitted.body.string)))
                pages.append(("status", try await page(reseller, "/status")))
                pages.append(("request", try await page(reseller, "/requests/RET-0000001")))
                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                pages.append(("backoffice", try await page(agent, "/backoffice?status=open")))
                pages.append(("request-agent", try await page(agent, "/requests/RET-0000001")))
                for (name, html) in pages {
                    assertSnapshot(of: html, as: .lines, named: name)
                }
            }
        }
    }
}
