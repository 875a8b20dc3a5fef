import Fluent
import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct APIKeyTests {
        static func makeKey(_ app: Application, _ token: String, _ body: String) async throws -> (id: Int, key: String)
        {
            let answer = try await app.postJSON("/api/v1/api-keys", body, token: token)
            #expect(answer.status == .created, "\(answer.body.string)")
            let json = try answer.json()
            return (json["id"] as? Int ?? 0, json["key"] as? String ?? "")
        }

        static func send(_ app: Application, _ method: HTTPMethod, _ path: String, key: String, body: String? = nil)
            async throws -> TestingHTTPResponse
        {
            var headers: HTTPHeaders = ["Content-Type": "application/json"]
            headers.bearerAuthorization = BearerAuthorization(token: key)
            return try await app.testing().sendRequest(
                method, path, headers: headers, body: body.map { ByteBuffer(string: $0) })
        }

        /// A purchasing department makes a read-only key: it reads the company's lines and requests,
        /// cannot fill the cart, make keys or see another company; the key itself is shown once and
        /// stored only as a hash; its last use is recorded; revoked, it stops at once.
        @Test func aResellerKeyReadsItsCompanyWithinItsScopes() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (id, key) = try await Self.makeKey(app, jan, #"{"name":"ERP reader","scopes":["read"]}"#)
                #expect(key.hasPrefix("rk_") && key.count > 40)
                let stored = try #require(try await APIKey.find(id, on: app.db))
                #expect(stored.keyHash != key && !stored.keyHash.contains(key))
                #expect(stored.lastUsedAt == nil)

                let lines = try await Self.send(
                    app, .GET, "/api/v1/lines?period=custom&from=2025-01-01&to=2026-03-16", key: key)
                #expect(lines.status == .ok)
                #expect(lines.body.string.contains("0962405087"))  // an invoice of PC Partner
                #expect(!lines.body.string.contains("BYTEWISE"))
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .ok)
                #expect(try await APIKey.find(id, on: app.db)?.lastUsedAt != nil)

                // Outside its scopes: registering, making keys, listing keys.
                let cart = try await Self.send(app, .POST, "/api/v1/cart/positions", key: key, body: "{}")
                #expect(cart.status == .forbidden)
                #expect(cart.body.string.contains("API key"))
                #expect(
                    try await Self.send(
                        app, .POST, "/api/v1/api-keys", key: key, body: #"{"name":"x","scopes":["read"]}"#
                    ).status == .forbidden)
                #expect(try await Self.send(app, .GET, "/api/v1/api-keys", key: key).status == .forbidden)

                // Listed without the key; shown to its company only.
                let list = try await app.get("/api/v1/api-keys", token: jan)
                #expect(list.status == .ok)
                #expect(!list.body.string.contains(key))
                #expect(list.body.string.contains("ERP reader"))
                let other = try await app.token("inkoop@bytewise.nl")
                #expect(try await app.get("/api/v1/api-keys/\(id)", token: other).status == .notFound)
                #expect(!(try await app.get("/api/v1/api-keys", token: other).body.string.contains("ERP reader")))

                // Revoked: refused at once, and listed as revoked.
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                #expect(
                    try await app.testing().sendRequest(.DELETE, "/api/v1/api-keys/\(id)", headers: headers).status
                        == .noContent)
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .unauthorized)
                let shown = try await app.get("/api/v1/api-keys/\(id)", token: jan).json()
                #expect(shown["revokedAt"] is String)
            }
        }

        /// A register key fills and reads the cart; an administrator's import key imports and
        /// reads nothing; who may grant which scope is checked, with the reason.
        @Test func scopesAreGrantedByRoleAndBindTheKey() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (_, register) = try await Self.makeKey(app, jan, #"{"name":"Webshop","scopes":["register"]}"#)
                #expect(try await Self.send(app, .GET, "/api/v1/cart", key: register).status == .ok)
                // Registering starts with finding the line (issue 20); reading requests is not its scope.
                #expect(
                    try await Self.send(
                        app, .GET, "/api/v1/lines?period=custom&from=2025-01-01&to=2026-03-16", key: register
                    ).status == .ok)
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: register).status == .forbidden)

                // A reseller cannot grant the distributor's scopes, nor an unknown one, nor none.
                for body in [
                    #"{"name":"x","scopes":["import"]}"#, #"{"name":"x","scopes":["read_all"]}"#,
                    #"{"name":"x","scopes":["everything"]}"#, #"{"name":"x","scopes":[]}"#,
                    #"{"name":"x","scopes":["read","read"]}"#,
                ] {
                    let refused = try await app.postJSON("/api/v1/api-keys", body, token: jan)
                    #expect(refused.status == .unprocessableEntity, "\(body)")
                    #expect(try refused.problemFields() == ["scopes"], "\(body)")
                }
                let unnamed = try await app.postJSON("/api/v1/api-keys", #"{"name":" ","scopes":["read"]}"#, token: jan)
                #expect(try unnamed.problemFields() == ["name"])
                // A sub-login and an agent make no keys.
                let piet = try await app.token("piet@pcpartner.nl")
                #expect(
                    try await app.postJSON("/api/v1/api-keys", #"{"name":"x","scopes":["read"]}"#, token: piet).status
                        == .forbidden)

                let admin = try await app.token("admin@retour.example")
                let (_, importer) = try await Self.makeKey(app, admin, #"{"name":"ERP","scopes":["import"]}"#)
                let imported = try await Self.send(
                    app, .POST, "/api/v1/import", key: importer,
                    body: #"{"companies":[{"number":"100900","name":"Nieuw BV"}]}"#)
                #expect(imported.status == .ok, "\(imported.body.string)")
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: importer).status == .forbidden)
                let (_, reader) = try await Self.makeKey(app, admin, #"{"name":"BI","scopes":["read_all"]}"#)
                let all = try await Self.send(
                    app, .GET, "/api/v1/lines?period=custom&from=2025-01-01&to=2026-03-16", key: reader)
                #expect(all.status == .ok)
                // The administrator sees every key, so a leaked one can be revoked.
                #expect(try await app.get("/api/v1/api-keys", token: admin).body.string.contains("Webshop"))
            }
        }

        /// Past its rate a key gets 429 with Retry-After, counted in the database (shared by every
        /// process); a person's token is not limited by it.
        @Test func aKeyIsRateLimited() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.apiKeyRequestsPerMinute = 3
                let jan = try await app.token("jan@pcpartner.nl")
                let (_, key) = try await Self.makeKey(app, jan, #"{"name":"Busy","scopes":["read"]}"#)
                for _ in 0..<3 {
                    #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .ok)
                }
                let refused = try await Self.send(app, .GET, "/api/v1/requests", key: key)
                #expect(refused.status == .tooManyRequests)
                let wait = Int(refused.headers.first(name: .retryAfter) ?? "") ?? 0
                #expect((1...120).contains(wait))
                #expect(try await app.get("/api/v1/requests", token: jan).status == .ok)
                // Two minutes later the window has slid past them.
                app.clock = FixedClock(app.clock.now.addingTimeInterval(121))
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .ok)
            }
        }

        /// The window slides: a burst at the end of one minute and another at the start of the next
        /// do not add up to twice the rate, as they did with a counter per fixed minute.
        @Test func theRateLimitSlidesAcrossTheMinute() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.apiKeyRequestsPerMinute = 3
                let jan = try await app.token("jan@pcpartner.nl")
                let (_, key) = try await Self.makeKey(app, jan, #"{"name":"Bursty","scopes":["read"]}"#)
                let now = app.clock.now.timeIntervalSince1970
                let minute = now - now.truncatingRemainder(dividingBy: 60)
                app.clock = FixedClock(Date(timeIntervalSince1970: minute + 58))
                for _ in 0..<3 {
                    #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .ok)
                }
                app.clock = FixedClock(Date(timeIntervalSince1970: minute + 62))
                let refused = try await Self.send(app, .GET, "/api/v1/requests", key: key)
                #expect(refused.status == .tooManyRequests)
                let wait = Int(refused.headers.first(name: .retryAfter) ?? "") ?? 0
                #expect((1...120).contains(wait))
                app.clock = FixedClock(Date(timeIntervalSince1970: minute + 62 + Double(wait)))
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .ok)
            }
        }

        static func importDocument(_ app: Application, _ json: String, token: String) async throws
            -> TestingHTTPResponse
        {
            try await app.postJSON("/api/v1/import", json, token: token)
        }

        /// A key belongs to the company and role it was made for (issue 20): when the ERP moves its
        /// maker to another company the key reads nothing there nor here; the old company's other
        /// admin sees it as ended and revokes it; the new company never sees it. Promoted to
        /// administrator, the maker's reseller key does not read every company. An unchanged
        /// re-import ends nothing.
        @Test func aKeyEndsWhenItsMakerLeavesItsCompanyOrRole() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                func users(_ entries: String) async throws {
                    let answer = try await Self.importDocument(app, #"{"users":[\#(entries)]}"#, token: admin)
                    #expect(answer.status == .ok, "\(answer.body.string)")
                }
                let jan = try await app.token("jan@pcpartner.nl")
                let (id, key) = try await Self.makeKey(app, jan, #"{"name":"ERP reader","scopes":["read"]}"#)
                let janEntry =
                    #"{"email":"jan@pcpartner.nl","name":"Jan de Vries","role":"reseller_admin","company":"100200"}"#
                try await users(janEntry)
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: key).status == .ok)

                // Piet becomes the second purchasing admin; then Jan moves to Bytewise.
                try await users(
                    #"{"email":"piet@pcpartner.nl","name":"Piet Jansen","role":"reseller_admin","company":"100200"}"#)
                try await users(janEntry.replacingOccurrences(of: "100200", with: "100300"))
                let moved = try await Self.send(
                    app, .GET, "/api/v1/lines?period=custom&from=2025-01-01&to=2026-03-16", key: key)
                #expect(moved.status == .unauthorized)
                #expect(try await Self.send(app, .GET, "/api/v1/events", key: key).status == .unauthorized)

                let piet = try await app.token("piet@pcpartner.nl")
                let listed = try await app.get("/api/v1/api-keys/\(id)", token: piet).json()
                #expect(listed["status"] as? String == "ended")
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: piet)
                #expect(
                    try await app.testing().sendRequest(.DELETE, "/api/v1/api-keys/\(id)", headers: headers).status
                        == .noContent)
                let sanne = try await app.token("inkoop@bytewise.nl")
                #expect(!(try await app.get("/api/v1/api-keys", token: sanne).body.string.contains("ERP reader")))

                // Promoted to administrator, Piet's reseller key ends instead of reading everything.
                let (_, pietKey) = try await Self.makeKey(app, piet, #"{"name":"Piet's","scopes":["read"]}"#)
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: pietKey).status == .ok)
                try await users(#"{"email":"piet@pcpartner.nl","name":"Piet Jansen","role":"admin"}"#)
                #expect(try await Self.send(app, .GET, "/api/v1/requests", key: pietKey).status == .unauthorized)
            }
        }

        /// At most 20 live keys per company (each has its own rate budget); a revoked one frees
        /// its place.
        @Test func aCompanyHasAtMostTwentyKeys() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                var first = 0
                for number in 1...ManageIntegrations.maximumKeys {
                    let (id, _) = try await Self.makeKey(app, jan, #"{"name":"Key \#(number)","scopes":["read"]}"#)
                    if number == 1 { first = id }
                }
                let refused = try await app.postJSON(
                    "/api/v1/api-keys", #"{"name":"One too many","scopes":["read"]}"#, token: jan)
                #expect(refused.status == .conflict)
                #expect(refused.body.string.contains("20"))
                // Another company is not affected.
                let sanne = try await app.token("inkoop@bytewise.nl")
                _ = try await Self.makeKey(app, sanne, #"{"name":"Bytewise","scopes":["read"]}"#)
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                _ = try await app.testing().sendRequest(.DELETE, "/api/v1/api-keys/\(first)", headers: headers)
                _ = try await Self.makeKey(app, jan, #"{"name":"In its place","scopes":["read"]}"#)
            }
        }

        /// An import key loads reseller logins, never the distributor's agents or administrators,
        /// nor their passwords: that needs an administrator's own sign-in (issue 20).
        @Test func anImportKeyMakesNoAdministrators() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let (_, importer) = try await Self.makeKey(app, admin, #"{"name":"ERP","scopes":["import"]}"#)
                let users = try await User.query(on: app.db).count()
                let makeAdmin = try await Self.send(
                    app, .POST, "/api/v1/import", key: importer,
                    body:
                        #"{"users":[{"email":"mallory@example.com","name":"M","role":"admin","password":"a chosen password"}]}"#
                )
                #expect(makeAdmin.status == .forbidden)
                #expect(try makeAdmin.problemFields() == ["/users/0/role"])
                let resetAgent = try await Self.send(
                    app, .POST, "/api/v1/import", key: importer,
                    body:
                        #"{"users":[{"email":"rma@retour.example","name":"Rita","role":"reseller_user","company":"100200","password":"a chosen password"}]}"#
                )
                #expect(resetAgent.status == .forbidden)
                #expect(try await User.query(on: app.db).count() == users)
                #expect(try await app.token("rma@retour.example") != "")
                // A reseller login is the key's to make; an administrator signed in makes an agent.
                let reseller = try await Self.send(
                    app, .POST, "/api/v1/import", key: importer,
                    body:
                        #"{"users":[{"email":"nieuw@pcpartner.nl","name":"Nieuw","role":"reseller_user","company":"100200","password":"a chosen password"}]}"#
                )
                #expect(reseller.status == .ok, "\(reseller.body.string)")
                let agent = try await Self.importDocument(
                    app,
                    #"{"users":[{"email":"agent2@retour.example","name":"A","role":"agent","password":"a chosen password"}]}"#,
                    token: admin)
                #expect(agent.status == .ok, "\(agent.body.string)")
            }
        }
    }
}
