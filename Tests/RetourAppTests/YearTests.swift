import Crypto
import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// A year in a day (`make test-year`, issue 21): one installation driven through 365 days with
    /// the injected clock — a nightly import of new invoices and changed master data, resellers
    /// registering and submitting with photos, agents deciding, receiving and crediting, RMA numbers
    /// expiring and renewed, policy versions published, a backup every month and one restored
    /// mid-year (the year goes on on the restored installation), housekeeping every day. Then the
    /// invariants a distributor relies on after a year are checked.
    @Suite(.enabled(if: ProcessInfo.processInfo.environment["RETOUR_YEAR"] == "1")) struct YearTests {
        /// One request the simulation follows.
        struct Followed {
            var number: String
            var reseller: String
            var day: Int
            /// Left waiting: its RMA number expires, the reseller renews it, then it is received.
            var expires: Bool
            var renewed = false
            var done = false
        }

        /// Everything the year needs to reach the installation it runs on (which changes when the
        /// mid-year backup is restored).
        final class Year: @unchecked Sendable {
            var app: Application
            var tokens: [String: String] = [:]
            var tokenDay: [String: Int] = [:]
            init(_ app: Application) { self.app = app }

            func token(_ email: String, day: Int) async throws -> String {
                if let token = tokens[email], let made = tokenDay[email], day - made < 7 { return token }
                let token = try await app.token(email)
                tokens[email] = token
                tokenDay[email] = day
                return token
            }
        }

        static let resellers = [
            ("jan@pcpartner.nl", "100200"), ("inkoop@bytewise.nl", "100300"), ("inkoop@netwerkdirect.be", "100400"),
        ]

        static func post(_ app: Application, _ path: String, _ json: String = "{}", token: String) async throws
            -> TestingHTTPResponse
        {
            try await FollowUpTests.post(app, path, json, token: token)
        }

        /// The night's document: one new invoice of two serialised SSDs for the day's reseller, every
        /// user as the ERP sends them (passwords included, unchanged), and now and then a company
        /// whose name changed.
        static func nightlyDocument(day: Int, date: CalendarDay, users: [[String: Any]]) throws -> String {
            let (_, company) = resellers[day % resellers.count]
            var document: [String: Any] = [
                "users": users,
                "invoices": [
                    [
                        "company": company, "currency": "EUR", "date": date.iso, "number": String(format: "Y%08d", day),
                        "lines": [
                            [
                                "article": "4036185", "position": 100, "quantity": 2,
                                "serials": ["Y\(day)A", "Y\(day)B"], "unitPrice": "54.95",
                                "deliveryAddress": [
                                    "city": "Utrecht", "country": "NL", "postcode": "3511 AA",
                                    "street": "Stationsweg 1",
                                ],
                            ]
                        ],
                    ]
                ],
            ]
            if day % 60 == 30 {
                document["companies"] = [
                    [
                        "number": "100300", "name": "Bytewise Systems BV \(day / 60)", "email": "inkoop@bytewise.nl",
                        "address": [
                            "city": "Capelle aan den IJssel", "country": "NL", "postcode": "2903 LS",
                            "street": "Kanaalweg 14",
                        ],
                    ]
                ]
            }
            return String(decoding: try JSONSerialization.data(withJSONObject: document), as: UTF8.self)
        }

        @Test func aYearOfUseKeepsEveryPromise() async throws {
            let world = try JSONSerialization.jsonObject(with: Data(contentsOf: Fixtures.worldURL)) as? [String: Any]
            let users = try #require(world?["users"] as? [[String: Any]])
            try await withRetour(fixtures: true) { first in
                let year = Year(first)
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-year-\(UUID())")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                var restoredURL: String?
                var followed: [Followed] = []
                var lastBackup: String?
                var followedAtBackup: [Followed] = []
                let photo = TestUploads.jpeg

                for day in 0..<365 {
                    let date = testDay.adding(days: day)
                    year.app.clock = FixedClock(day: date, timeZone: year.app.config.timeZone)
                    let app = year.app

                    // The night: an import that changes nothing for the people in it ends none of
                    // their sessions or tokens.
                    var before: [(String, String)] = []
                    for email in Self.resellers.map(\.0) + ["admin@retour.example"] {
                        before.append((email, try await year.token(email, day: day)))
                    }
                    let admin = try await year.token("admin@retour.example", day: day)
                    let imported = try await app.postJSON(
                        "/api/v1/import", try Self.nightlyDocument(day: day, date: date, users: users), token: admin)
                    #expect(imported.status == .ok, "day \(day): \(imported.body.string.prefix(300))")
                    for (email, token) in before {
                        #expect(
                            try await app.get("/api/v1/requests?per=1", token: token).status == .ok,
                            "day \(day): the night's import ended a session of \(email)")
                    }

                    // A reseller registers a commercial return of one SSD of the new invoice.
                    let (email, _) = Self.resellers[day % Self.resellers.count]
                    let reseller = try await year.token(email, day: day)
                    let found = try await app.get(
                        "/api/v1/lines?numberType=invoice&number=\(String(format: "Y%08d", day))", token: reseller
                    ).json()
                    let line = try #require(
                        ((found["documents"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]])?.first?["id"]
                            as? Int, "day \(day): the new invoice is not found")
                    let added = try await RegistrationTests.add(
                        app,
                        #"{"line":\#(line),"reason":"commercial_return","serials":["Y\#(day)A"],"fields":{"sealedDeclaration":true}}"#,
                        token: reseller)
                    #expect(added.status == .created, "day \(day): \(added.body.string.prefix(300))")
                    let submitted = try await RegistrationTests.submit(app, token: reseller)
                    let number = try #require(
                        (try submitted.json()["requests"] as? [[String: Any]])?.first?["number"] as? String)
                    followed.append(Followed(number: number, reseller: email, day: day, expires: day % 5 == 0))
                    if day % 7 == 0 {
                        let bytes = photo + Array("day \(day)".utf8)
                        let id = try await InstallationTests.upload(app, bytes, token: reseller)
                        #expect(
                            try await Self.post(
                                app, "/api/v1/requests/\(number)/messages",
                                #"{"message":"Foto van dag \#(day)","attachments":["\#(id)"]}"#, token: reseller
                            ).status == .ok)
                    }

                    // The agent receives and credits what came in two days ago (and closes half of
                    // it); what was left waiting expires, is renewed by its reseller, then received.
                    let agent = try await year.token("rma@retour.example", day: day)
                    for index in followed.indices where !followed[index].done {
                        var request = followed[index]
                        let age = day - request.day
                        if request.expires && !request.renewed {
                            if age >= 7 {
                                let token = try await year.token(request.reseller, day: day)
                                let renewed = try await Self.post(
                                    app, "/api/v1/requests/\(request.number)/extend", token: token)
                                #expect(
                                    renewed.status == .ok,
                                    "day \(day): \(request.number) not renewed: \(renewed.body.string.prefix(200))")
                                request.renewed = true
                            }
                        } else if age >= 2 && (!request.expires || age >= 9) {
                            let received = try await Self.post(
                                app, "/api/v1/requests/\(request.number)/receipt",
                                #"{"quantity":1,"serials":["Y\#(request.day)A"],"condition":"as_expected"}"#,
                                token: agent)
                            #expect(
                                received.status == .ok,
                                "day \(day): \(request.number): \(received.body.string.prefix(200))")
                            let credited = try await Self.post(
                                app, "/api/v1/requests/\(request.number)/credit", token: agent)
                            #expect(
                                credited.status == .ok,
                                "day \(day): \(request.number): \(credited.body.string.prefix(200))")
                            if request.day % 2 == 0 {
                                #expect(
                                    try await Self.post(app, "/api/v1/requests/\(request.number)/close", token: agent)
                                        .status == .ok)
                            }
                            request.done = true
                        }
                        followed[index] = request
                    }

                    // New rules twice a year: commercial returns get a longer window.
                    if day == 100 || day == 250 {
                        let current = try await app.get("/api/v1/policies", token: admin).json()
                        var policy = try #require(current["policy"] as? [String: Any])
                        var reasons = policy["reasons"] as? [String: Any] ?? [:]
                        var commercial = reasons["commercial_return"] as? [String: Any] ?? [:]
                        commercial["window"] = 20 + day / 100
                        reasons["commercial_return"] = commercial
                        policy["reasons"] = reasons
                        let body = String(
                            decoding: try JSONSerialization.data(withJSONObject: [
                                "policy": policy, "note": "dag \(day)",
                            ]),
                            as: UTF8.self)
                        let published = try await app.postJSON("/api/v1/policies", body, token: admin)
                        #expect(published.status == .created, "day \(day): \(published.body.string.prefix(300))")
                    }

                    // The background jobs, as the worker runs them.
                    try await MailWorker.runOnce(app)
                    _ = try await ExpiryWorker.runOnce(app)
                    try await WebhookWorker.runOnce(app)
                    try await Housekeeping.runOnce(app)

                    // A backup every month; at mid-year the latest is restored and the year goes on
                    // on the restored installation.
                    if day % 30 == 29 {
                        let path = directory.appendingPathComponent("day-\(day).tar").path
                        try await Backup.create(app, to: path)
                        lastBackup = path
                        followedAtBackup = followed
                    }
                    if day == 182, let lastBackup {
                        var config = app.config
                        restoredURL = try await TestDatabase.makeEmpty()
                        config.databaseURL = restoredURL
                        config.sqlitePath = directory.appendingPathComponent("restored.sqlite").path
                        config.filesDirectory = directory.appendingPathComponent("restored-files").path
                        let restored = try await Application.make(.testing)
                        try await configure(restored, config: config)
                        restored.clock = app.clock
                        _ = try await Backup.restore(restored, from: lastBackup)
                        // Its worker catches up at once, as a restored installation's does.
                        _ = try await ExpiryWorker.runOnce(restored)
                        // Up to the backup (day 179) the restored installation answers as the original.
                        let sample = try #require(followed.first { $0.day == 170 })
                        let original = try await app.get("/api/v1/requests/\(sample.number)", token: agent)
                        let copy = try await restored.get(
                            "/api/v1/requests/\(sample.number)", token: try await restored.token("rma@retour.example"))
                        #expect(
                            try BackupTests.json(original) == BackupTests.json(copy),
                            "the restored installation answers otherwise: \(copy.body.string.prefix(300))")
                        // What happened after the backup is gone with the original installation.
                        followed = followedAtBackup
                        if first !== app { try await app.asyncShutdown() }
                        year.app = restored
                        year.tokens = [:]
                    }
                }

                // The invariants after a year.
                let app = year.app
                let agent = try await app.token("rma@retour.example")
                let sql = app.db.sql
                // Every attachment a request names downloads with its digest.
                var checked = 0
                for attachment in try await Attachment.query(on: app.db).all() {
                    let answer = try await app.get("/api/v1/attachments/\(try attachment.requireID())", token: agent)
                    #expect(answer.status == .ok, "attachment \(attachment.id ?? "") of the year cannot be read")
                    let digest = SHA256.hash(data: Data(buffer: answer.body)).map { String(format: "%02x", $0) }
                        .joined()
                    #expect(digest == attachment.sha256)
                    checked += 1
                }
                #expect(checked >= 40)
                // Credit notes: one number each, worth the unit price of what came back.
                let requests = try await ReturnRequest.query(on: app.db).all()
                let credited = requests.filter { $0.creditNoteNumber != nil }
                #expect(Set(credited.compactMap(\.creditNoteNumber)).count == credited.count)
                #expect(credited.count >= 300)
                for request in credited {
                    let amount = request.creditAmountCents ?? 0
                    #expect(amount > 0 && amount <= 5_495, "\(request.number) credited \(amount) cents")
                }
                // No request stuck: nothing awaits goods on an RMA number past its date.
                let today = app.today
                for request in requests where request.status == .awaitingGoods {
                    #expect((request.validUntil ?? "") >= today.iso, "\(request.number) waits on an expired RMA number")
                }
                // No line claimed beyond its quantity.
                struct Over: Decodable { var line_id: Int }
                let over = try await sql.raw(
                    """
                    SELECT r.line_id FROM requests r JOIN invoice_lines l ON l.id = r.line_id
                    WHERE r.status <> 'rejected' GROUP BY r.line_id, l.quantity HAVING SUM(r.quantity) > l.quantity
                    """
                ).all(decoding: Over.self)
                #expect(over.isEmpty, "lines claimed beyond their quantity: \(over.map(\.line_id))")
                // Events and mail hold only their retention window.
                struct Oldest: Decodable { var oldest: Date? }
                let oldestEvent = try await sql.raw("SELECT MIN(occurred_at) AS oldest FROM integration_events").first(
                    decoding: Oldest.self)?.oldest
                #expect((oldestEvent ?? app.clock.now) >= app.clock.now.addingTimeInterval(-181 * 86_400))
                let oldestMail = try await sql.raw(
                    "SELECT MIN(sent_at) AS oldest FROM mail_outbox WHERE status = 'sent'"
                ).first(decoding: Oldest.self)?.oldest
                #expect((oldestMail ?? app.clock.now) >= app.clock.now.addingTimeInterval(-91 * 86_400))
                if first !== app { try await app.asyncShutdown() }
                await TestDatabase.drop(restoredURL)
            }
        }
    }
}
