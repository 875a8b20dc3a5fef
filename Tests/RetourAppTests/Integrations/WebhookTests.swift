import AsyncHTTPClient
import Fluent
import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct WebhookTests {
        static let allEvents =
            #"["request.created","request.status_changed","request.message_created","credit_note.created"]"#

        static func subscribe(_ app: Application, _ token: String, url: String, events: String = allEvents)
            async throws -> (id: Int, secret: String)
        {
            let answer = try await app.postJSON(
                "/api/v1/webhooks", #"{"url":"\#(url)","events":\#(events)}"#, token: token)
            #expect(answer.status == .created, "\(answer.body.string)")
            let json = try answer.json()
            return (json["id"] as? Int ?? 0, json["secret"] as? String ?? "")
        }

        /// A gauge's value in the Prometheus text, written as `2` or `2.0`.
        static func gauge(_ text: String, _ name: String) -> Int? {
            text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
                .flatMap { Double($0.dropFirst(name.count + 1)) }.map { Int($0) }
        }

        static func later(_ app: Application, seconds: TimeInterval) {
            app.clock = FixedClock(app.clock.now.addingTimeInterval(seconds))
        }

        /// Events go out from the outbox after the change, never inside it; each is signed with the
        /// webhook's secret and carries the request as the API shows it; a request's events arrive
        /// in order; another company's webhook hears nothing of them, an administrator's hears all.
        @Test func deliveriesAreSignedInOrderAndScopedToTheCompany() async throws {
            try await withRetour(fixtures: true) { app in
                let receiver = WebhookReceiver()
                try await receiver.start()
                let other = WebhookReceiver()
                try await other.start()
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")

                // Loopback is refused unless configured (the tests' RETOUR_WEBHOOK_ALLOW_PRIVATE=1).
                let refused = try await app.postJSON(
                    "/api/v1/webhooks", #"{"url":"\#(receiver.url)","events":\#(Self.allEvents)}"#, token: jan)
                #expect(refused.status == .unprocessableEntity)
                #expect(try refused.problemFields() == ["url"])
                app.config.webhookAllowPrivate = true
                for bad in [
                    #"{"url":"ftp://example.com/x","events":["request.created"]}"#,
                    #"{"url":"https://user:pw@example.com/x","events":["request.created"]}"#,
                    #"{"url":"https://example.com/x","events":["request.deleted"]}"#,
                    #"{"url":"https://example.com/x","events":[]}"#,
                ] {
                    #expect(try await app.postJSON("/api/v1/webhooks", bad, token: jan).status == .unprocessableEntity)
                }
                let (_, secret) = try await Self.subscribe(app, jan, url: receiver.url)
                #expect(secret.hasPrefix("whsec_"))
                let bytewise = try await app.token("inkoop@bytewise.nl")
                _ = try await Self.subscribe(app, bytewise, url: other.url)
                let admin = try await app.token("admin@retour.example")
                _ = try await Self.subscribe(app, admin, url: other.url, events: #"["credit_note.created"]"#)

                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                let received = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                #expect(received.status == .ok)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)
                #expect(receiver.received.isEmpty)

                #expect(try await WebhookWorker.runOnce(app) == 5)
                let got = receiver.received
                #expect(
                    got.map(\.type) == [
                        "request.created", "request.status_changed", "request.status_changed", "credit_note.created",
                    ])
                #expect(receiver.signed(with: secret).count == 4)
                #expect(receiver.signed(with: "whsec_another").isEmpty)
                #expect(got.allSatisfy { $0.data["number"] as? String == number })
                #expect(
                    got.map { $0.data["status"] as? String ?? "" } == [
                        "awaiting_goods", "received", "credited", "credited",
                    ])
                #expect((got.last?.data["creditNote"] as? [String: Any])?["number"] is String)
                #expect(
                    got.allSatisfy {
                        ($0.json["id"] as? String ?? "").hasPrefix("evt_") && $0.json["occurredAt"] is String
                    })
                // The signature's time is the sending time, within the tolerance a receiver allows.
                #expect(got.allSatisfy { abs($0.time - Int64(app.clock.now.timeIntervalSince1970)) < 300 })
                // Bytewise's webhook heard nothing; the administrator's heard the credit note only.
                #expect(other.received.map(\.type) == ["credit_note.created"])
                // Delivered once: nothing more to send.
                #expect(try await WebhookWorker.runOnce(app) == 0)
                try await receiver.stop()
                try await other.stop()
            }
        }

        /// The receiver goes down: deliveries are retried with a growing delay, later events of the
        /// same request wait behind the first, and when it comes back everything arrives in order.
        /// A receiver that keeps failing for a day is given up on; "send again" sends it anew. A
        /// rotated secret signs beside the old one for a day.
        @Test func retriesWhileTheReceiverIsDownAndSendAgain() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = true
                let receiver = WebhookReceiver()
                try await receiver.start()
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let (hook, secret) = try await Self.subscribe(app, jan, url: receiver.url)
                try await receiver.stop()

                let number = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)
                #expect(try await WebhookWorker.runOnce(app) == 0)
                var log = try await app.get("/api/v1/webhooks/\(hook)/deliveries", token: jan).json()
                var deliveries = log["deliveries"] as? [[String: Any]] ?? []
                #expect(deliveries.count == 2)
                // The older one was tried and waits; the newer one waits behind it, untried.
                #expect(deliveries.map { $0["attempts"] as? Int } == [0, 1])
                #expect(deliveries.allSatisfy { $0["status"] as? String == "pending" })
                #expect((deliveries.last?["lastError"] as? String)?.isEmpty == false)

                try await receiver.start()
                #expect(try await WebhookWorker.runOnce(app) == 0)  // not due yet
                Self.later(app, seconds: 11)
                #expect(try await WebhookWorker.runOnce(app) == 2)
                #expect(receiver.received.map(\.type) == ["request.created", "request.status_changed"])
                #expect(receiver.signed(with: secret).count == 2)

                // A receiver that answers 500 for a whole day is given up on.
                receiver.answer(.internalServerError)
                let message = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages", #"{"message":"Wanneer komt de koerier?"}"#, token: jan)
                #expect(message.status == .ok)
                #expect(try await WebhookWorker.runOnce(app) == 0)
                for _ in 0..<40 {
                    Self.later(app, seconds: 3_600)
                    _ = try await WebhookWorker.runOnce(app)
                }
                log = try await app.get("/api/v1/webhooks/\(hook)/deliveries", token: jan).json()
                deliveries = log["deliveries"] as? [[String: Any]] ?? []
                let failed = try #require(deliveries.first)
                #expect(failed["type"] as? String == "request.message_created")
                #expect(failed["status"] as? String == "failed")
                #expect(failed["responseStatus"] as? Int == 500)
                let attempts = failed["attempts"] as? Int ?? 0
                #expect((8...40).contains(attempts), "\(attempts) attempts in a day")

                // Rotated: the next deliveries carry both signatures for a day.
                let rotated = try await FollowUpTests.post(app, "/api/v1/webhooks/\(hook)/rotate-secret", token: jan)
                let newSecret = try #require(try rotated.json()["secret"] as? String)
                #expect(newSecret != secret)
                receiver.answer(.ok)
                let again = try await FollowUpTests.post(
                    app, "/api/v1/webhooks/\(hook)/deliveries/\(failed["id"] as? Int ?? 0)/retry", token: jan)
                #expect(again.status == .ok)
                #expect(try again.json()["status"] as? String == "pending")
                #expect(try await WebhookWorker.runOnce(app) == 1)
                let last = try #require(receiver.received.last)
                #expect(last.type == "request.message_created")
                #expect(receiver.signed(with: newSecret).count == 1)
                #expect(last.signatures.count == 2)
                #expect(receiver.signed(with: secret).last?.body == last.body)
                // Every attempt of the day was a real request to the receiver.
                #expect(receiver.received.filter { $0.type == "request.message_created" }.count == attempts + 1)
                // Another company cannot see or touch the webhook.
                let bytewise = try await app.token("inkoop@bytewise.nl")
                #expect(try await app.get("/api/v1/webhooks/\(hook)/deliveries", token: bytewise).status == .notFound)
                // Deleted: nothing more is sent.
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                #expect(
                    try await app.testing().sendRequest(.DELETE, "/api/v1/webhooks/\(hook)", headers: headers).status
                        == .noContent)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages", #"{"message":"Nog een vraag"}"#, token: jan)
                #expect(try await WebhookWorker.runOnce(app) == 0)
                try await receiver.stop()
            }
        }

        /// The administrator's page lists every webhook and its deliveries, and sends one again.
        @Test func theAdminPageShowsTheLogAndSendsAgain() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = true
                let jan = try await app.token("jan@pcpartner.nl")
                let (hook, _) = try await Self.subscribe(app, jan, url: "http://127.0.0.1:9/nobody-listens")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                _ = try await WebhookWorker.runOnce(app)
                let browser = Browser(app)
                try await browser.login("admin@retour.example")
                let page = try await browser.get("/admin/webhooks")
                #expect(page.status == .ok)
                let html = page.body.string
                #expect(html.contains("http://127.0.0.1:9/nobody-listens"))
                #expect(html.contains("100200 PC Partner BV"))
                #expect(html.contains(number))
                #expect(html.contains(#"data-status="pending""#))
                let log = try await app.get("/api/v1/webhooks/\(hook)/deliveries", token: jan).json()
                let delivery = try #require((log["deliveries"] as? [[String: Any]])?.first?["id"] as? Int)
                let again = try await browser.post("/admin/webhooks/\(hook)/deliveries/\(delivery)/retry", [:])
                #expect(again.body.string.contains("Aflevering \(delivery) wordt opnieuw verstuurd."))
                // Resellers do not reach the page.
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                #expect(try await reseller.get("/admin/webhooks").status == .forbidden)
            }
        }

        /// The feed: every event once, in order, page by page; a reseller sees its own company's.
        @Test func theEventsFeedPagesWithoutSkippingOrRepeating() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let first = try await FollowUpTests.submitCommercialReturn(app, jan)
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(first)/receipt", #"{"quantity":2,"condition":"as_expected"}"#, token: agent
                )
                _ = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)

                let whole = try await app.get("/api/v1/events?limit=500", token: jan).json()
                let all = (whole["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                #expect(all.count == 4)
                var paged: [String] = []
                var cursor = ""
                for _ in 0..<10 {
                    let page = try await app.get("/api/v1/events?limit=1&after=\(cursor)", token: jan).json()
                    let ids = (page["events"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                    cursor = page["next"] as? String ?? ""
                    if ids.isEmpty { break }
                    paged += ids
                }
                #expect(paged == all)
                // Past the end: empty, and the cursor stays where it was.
                let end = try await app.get("/api/v1/events?after=\(cursor)", token: jan).json()
                #expect((end["events"] as? [Any])?.isEmpty == true)
                #expect(end["next"] as? String == cursor)

                let bytewise = try await app.token("inkoop@bytewise.nl")
                #expect(
                    (try await app.get("/api/v1/events", token: bytewise).json()["events"] as? [Any])?.isEmpty == true)
                #expect((try await app.get("/api/v1/events", token: agent).json()["events"] as? [Any])?.count == 4)
                for bad in ["abc", "-1", "99999999999999999999"] {
                    #expect(try await app.get("/api/v1/events?after=\(bad)", token: jan).status == .badRequest)
                }
                #expect(try await app.get("/api/v1/events?limit=501", token: jan).status == .badRequest)
            }
        }

        /// Two writers: the one that took its event number first commits first, and while it has
        /// not, the other's event is not visible either — so a reader's cursor can never pass an
        /// event that is still to commit.
        @Test func eventsBecomeVisibleInTheOrderOfTheirNumbers() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                let record = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())
                let before = try await IntegrationEvent.query(on: app.db).count()
                let catalog = app.translationCatalog
                let now = app.clock.now
                let slow = Task {
                    try await app.db.writeTransaction { db in
                        try await DatabaseEventOutbox.record(
                            [.messageCreated], of: [record], at: now, language: .nl, texts: catalog, on: db)
                        try await Task.sleep(for: .milliseconds(600))
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
                let fast = Task {
                    try await app.db.writeTransaction { db in
                        try await DatabaseEventOutbox.record(
                            [.statusChanged], of: [record], at: now, language: .nl, texts: catalog, on: db)
                    }
                }
                try await Task.sleep(for: .milliseconds(200))
                // The slow writer still holds its transaction: neither event may be visible. (The
                // tests' in-memory SQLite is one connection, which sees its own open transaction;
                // there one writer at a time is all there is.)
                if !app.db.isSQLite {
                    #expect(try await IntegrationEvent.query(on: app.db).count() == before)
                }
                try await slow.value
                try await fast.value
                let events = try await IntegrationEvent.query(on: app.db).sort(\.$sequence).all()
                #expect(events.suffix(2).map(\.type.rawValue) == ["request.message_created", "request.status_changed"])
            }
        }

        /// A port outside 1–65535 was stored, and its first delivery killed the server — again at
        /// every restart (issue 20). Every malformed address is refused whole with 422 naming the
        /// field, whether or not private addresses are allowed.
        @Test(arguments: [false, true])
        func aMalformedAddressIsRefusedBeforeItIsStored(allowPrivate: Bool) async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = allowPrivate
                let jan = try await app.token("jan@pcpartner.nl")
                for url in [
                    "http://127.0.0.1:99999/h", "http://8.8.8.8:99999/", "http://localhost:99999/", "http://8.8.8.8:0/",
                    "https://example.com:65536/", "https://exa mple.com/", "https://\u{FF11}\u{FF12}\u{FF17}.0.0.1/",
                    "https://[::1%25lo]/", "https://" + String(repeating: "a", count: 10_000) + ".com/",
                ] {
                    let answer = try await app.postJSON(
                        "/api/v1/webhooks", #"{"url":"\#(url)","events":["request.created"]}"#, token: jan)
                    #expect(answer.status == .unprocessableEntity, "\(url.prefix(40))")
                    #expect(try answer.problemFields() == ["url"], "\(url.prefix(40))")
                }
                let port = try await app.postJSON(
                    "/api/v1/webhooks", #"{"url":"http://127.0.0.1:99999/h","events":["request.created"]}"#, token: jan)
                #expect(port.body.string.contains("65535"))
                #expect(try await Webhook.query(on: app.db).count() == 0)
            }
        }

        /// A delivery whose attempts twice ended without a result — the process died while
        /// sending — is parked as failed with the reason instead of being tried blindly again;
        /// the admin's page and /metrics show it, and the server goes on serving. A webhook stored
        /// before addresses were judged whole fails its delivery without taking anything down.
        @Test func aDeliveryThatCrashedItsWorkerTwiceIsParked() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = true
                let receiver = WebhookReceiver()
                try await receiver.start()
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await Self.subscribe(app, jan, url: receiver.url)
                // An address of the kind that crashed the server, as an older version stored it.
                let (old, _) = try await Self.subscribe(app, jan, url: receiver.url)
                let stored = try #require(try await Webhook.find(old, on: app.db))
                stored.url = "http://127.0.0.1:99999/h"
                try await stored.save(on: app.db)
                _ = try await FollowUpTests.submitCommercialReturn(app, jan)

                // Two workers take the deliveries and die before any result (the lease lapses each time).
                for _ in 0..<2 {
                    #expect(try await WebhookWorker.claim(app).count == 2)
                    Self.later(app, seconds: WebhookWorker.leaseSeconds + 1)
                }
                #expect(try await WebhookWorker.runOnce(app) == 0)
                #expect(receiver.received.isEmpty)
                let deliveries = try await WebhookDelivery.query(on: app.db).sort(\.$id).all()
                #expect(deliveries.map(\.status) == [.failed, .failed])
                #expect(deliveries.allSatisfy { $0.lastError == JobClaims.parkedReason })

                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                let page = try await admin.get("/admin/webhooks")
                #expect(page.status == .ok)
                #expect(page.body.string.contains("geparkeerd"))
                let adminToken = try await app.token("admin@retour.example")
                let metrics = try await app.get("/metrics", token: adminToken).body.string
                #expect(Self.gauge(metrics, #"retour_jobs_parked{job="webhook"}"#) == 2)

                // Sent again by hand, the good webhook's delivery arrives; the old address fails
                // with the reason and is retried later, and the server answers throughout.
                let administrator = try #require(
                    try await User.query(on: app.db).filter(\.$email == "admin@retour.example").first())
                let manage = ManageIntegrations(
                    userID: try administrator.requireID(), role: administrator.role, scope: .allCompanies,
                    now: app.clock.now, store: DatabaseIntegrationStore(database: app.db), makeSecret: { "unused" },
                    hash: { $0 })
                for delivery in deliveries {
                    try await manage.sendAgain(
                        webhook: delivery.webhookID, delivery: try delivery.requireID(),
                        retrySeconds: WebhookWorker.retrySeconds)
                }
                #expect(try await WebhookWorker.runOnce(app) == 1)
                #expect(receiver.received.count == 1)
                let legacyDelivery = try #require(
                    try await WebhookDelivery.query(on: app.db).filter(\.$webhookID == old).first())
                #expect(legacyDelivery.status == .pending)
                #expect(legacyDelivery.lastError == "refused: badPort")
                #expect(legacyDelivery.unfinishedAttempts == 0)
                #expect(try await app.get("/api/v1/requests", token: jan).status == .ok)
                try await receiver.stop()
            }
        }

        /// The same for the mail outbox: a mail whose sending twice ended without a result is
        /// parked, counted in /metrics, and sent again from the admin's page.
        @Test func aMailThatCrashedItsWorkerTwiceIsParked() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await FollowUpTests.submitCommercialReturn(app, jan)
                let pending = try await OutboxMail.query(on: app.db).filter(\.$status == .pending).count()
                #expect(pending > 0)
                for _ in 0..<2 {
                    #expect(try await MailWorker.claim(app).count == pending)
                    Self.later(app, seconds: MailWorker.leaseSeconds + 1)
                }
                #expect(try await MailWorker.runOnce(app) == 0)
                let mails = try await OutboxMail.query(on: app.db).all()
                #expect(mails.allSatisfy { $0.status == .failed && $0.lastError == JobClaims.parkedReason })
                let adminToken = try await app.token("admin@retour.example")
                let metrics = try await app.get("/metrics", token: adminToken).body.string
                #expect(Self.gauge(metrics, #"retour_jobs_parked{job="mail"}"#) == pending)
            }
        }

        /// The host is resolved once, when the address is judged, and the delivery connects to
        /// that very address (DNS rebinding finds nothing to rebind): a host name that resolves
        /// nowhere still reaches the judged address, and the request names the host as given.
        @Test func aDeliveryConnectsToTheAddressThatWasJudged() async throws {
            let receiver = WebhookReceiver()
            try await receiver.start()
            let address = try WebAddress.parse("http://hooks.rebind.invalid:\(receiver.port)/hook").get()
            let clients = PinnedClients()
            var request = HTTPClientRequest(url: address.normalized)
            request.method = .POST
            request.body = .bytes(ByteBuffer(string: "{}"))
            let client = clients.client(for: .init(address: address, connectTo: "127.0.0.1"))
            let response = try await client.execute(request, timeout: .seconds(5))
            #expect(response.status == .ok)
            #expect(receiver.received.first?.headers["host"]?.hasPrefix("hooks.rebind.invalid") == true)
            // The same judged host and address share one client; another address gets its own.
            #expect(clients.client(for: .init(address: address, connectTo: "127.0.0.1")) === client)
            #expect(clients.client(for: .init(address: address, connectTo: "127.0.0.2")) !== client)
            await clients.shutdown()
            try await receiver.stop()
        }
    }
}
