import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

/// The text of a PDF, read back with poppler's pdftotext.
func pdfText(_ data: Data) throws -> String {
    try pdftotext(data, ["-layout"])
}

/// What `pdftotext` with `options` reads from `data`.
func pdftotext(_ data: Data, _ options: [String]) throws -> String {
    let file = FileManager.default.temporaryDirectory.appendingPathComponent("retour-\(UUID()).pdf")
    try data.write(to: file)
    defer { try? FileManager.default.removeItem(at: file) }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
    process.arguments = options + [file.path, "-"]
    let output = Pipe()
    process.standardOutput = output
    try process.run()
    let text = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return String(decoding: text, as: UTF8.self)
}

extension AppTests {
    @Suite struct FollowUpTests {
        /// Jan submits a commercial return of two Samsung SSDs (54.95 each); returns its number.
        static func submitCommercialReturn(_ app: Application, _ jan: String) async throws -> String {
            let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
            let added = try await RegistrationTests.add(
                app,
                #"{"line": \#(line), "reason": "commercial_return", "serials": ["S4EVNM0R820837", "S4EVNM0R820839"], "fields": {"sealedDeclaration": true}}"#,
                token: jan)
            #expect(added.status == .created)
            let submitted = try await RegistrationTests.submit(app, token: jan)
            return try #require((try submitted.json()["requests"] as? [[String: Any]])?.first?["number"] as? String)
        }

        /// Jan's buy back of the webcam, approved: a second request awaiting goods; returns its number.
        static func submitCommercialReturnOfAnotherLine(_ app: Application, _ jan: String) async throws -> String {
            let line = try await RegistrationTests.webcam(app, jan)
            let buyback =
                #"{"line": \#(line), "reason": "buyback", "serials": ["2119LZ90X2V9"], "fields": {"condition": "unopened", "comment": "Over"}}"#
            let number = try await RegistrationTests.submitOne(app, buyback, token: jan)
            let agent = try await app.token("rma@retour.example")
            let approved = try await post(
                app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent)
            #expect(approved.status == .ok)
            return number
        }

        static func post(
            _ app: Application, _ path: String, _ json: String = "{}", token: String, language: String = "en"
        )
            async throws -> TestingHTTPResponse
        {
            var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept-Language": language]
            headers.bearerAuthorization = BearerAuthorization(token: token)
            return try await app.testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: json))
        }

        @Test func receiveCreditCloseAndArchive() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let number = try await Self.submitCommercialReturn(app, jan)
                // Crediting before the goods arrive is refused; resellers cannot act for the agent.
                #expect(try await Self.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .conflict)
                #expect(
                    try await Self.post(
                        app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                        token: jan
                    ).status == .forbidden)

                let received = try await Self.post(
                    app, "/api/v1/requests/\(number)/receipt",
                    #"{"quantity": 2, "serials": ["S4EVNM0R820837", "S4EVNM0R820839"], "condition": "as_expected"}"#,
                    token: agent)
                #expect(received.status == .ok, "\(received.body.string)")
                #expect(try received.json()["status"] as? String == "received")
                #expect(try received.json()["discrepancy"] is NSNull)

                let credited = try await Self.post(app, "/api/v1/requests/\(number)/credit", token: agent)
                #expect(credited.status == .ok, "\(credited.body.string)")
                let note = try #require(try credited.json()["creditNote"] as? [String: Any])
                // 2 × 54.95 = 109.90, less the 10 % return fee: 98.91.
                #expect(note["amount"] as? String == "98.91")
                #expect(note["number"] as? String == "CN2026-000001")

                // The reseller sees it and downloads the PDF.
                let seen = try await app.get("/api/v1/requests/\(number)", token: jan).json()
                #expect(seen["status"] as? String == "credited")
                #expect(
                    (seen["events"] as? [[String: Any]])?.map { $0["action"] as? String } == [
                        "submit", "receive", "credit",
                    ])
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                headers.add(name: .acceptLanguage, value: "nl")
                let pdf = try await app.testing().sendRequest(
                    .GET, "/api/v1/requests/\(number)/credit-note.pdf", headers: headers)
                #expect(pdf.status == .ok)
                #expect(pdf.headers.contentType?.subType == "pdf")
                let text = try pdfText(Data(buffer: pdf.body))
                #expect(text.contains("Creditnota CN2026-000001"))
                #expect(text.contains("98,91 EUR"))
                #expect(text.contains("10,99 EUR"))
                #expect(text.contains("PC Partner BV"))
                #expect(text.contains(number))
                // Another company sees nothing of it.
                let other = try await app.token("inkoop@bytewise.nl")
                #expect(try await app.get("/api/v1/requests/\(number)", token: other).status == .notFound)
                #expect(
                    try await app.get("/api/v1/requests/\(number)/credit-note.pdf", token: other).status == .notFound)

                // Closed, and 31 days later in the archive.
                #expect(try await Self.post(app, "/api/v1/requests/\(number)/close", token: agent).status == .ok)
                let open = try await app.get("/api/v1/requests?state=open", token: jan).json()
                #expect((open["requests"] as? [[String: Any]])?.count == 1)
                app.clock = FixedClock(app.clock.now.addingTimeInterval(31 * 86_400))
                let later = try await app.token("jan@pcpartner.nl")  // the first token has lapsed after 30 days
                let archived = try await app.get("/api/v1/requests?state=archived", token: later).json()
                #expect((archived["requests"] as? [[String: Any]])?.first?["number"] as? String == number)
                #expect(try await app.get("/api/v1/requests?state=open", token: later).json()["total"] as? Int == 0)
                let byNumber = try await app.get("/api/v1/requests?state=archived&number=\(number)", token: later)
                    .json()
                #expect(byNumber["total"] as? Int == 1)

                // Every change the reseller must know of went out by e-mail.
                let mails = try await OutboxMail.query(on: app.db).filter(\.$recipient == "jan@pcpartner.nl").count()
                #expect(mails == 4)  // confirmation, received, credited, closed
            }
        }

        @Test func reviewDecisionsAndDiscrepancies() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let line = try await RegistrationTests.webcam(app, jan)
                let buyback =
                    #"{"line": \#(line), "reason": "buyback", "serials": ["2119LZ90X2V9"], "fields": {"condition": "unopened", "comment": "Over"}}"#
                let number = try await RegistrationTests.submitOne(app, buyback, token: jan)

                // Asking for information needs a message; approval issues the RMA number.
                let noMessage = try await Self.post(
                    app, "/api/v1/requests/\(number)/decision", #"{"decision":"request_info"}"#, token: agent)
                #expect(noMessage.status == .unprocessableEntity)
                #expect(
                    try await Self.post(
                        app, "/api/v1/requests/\(number)/decision",
                        #"{"decision":"request_info","message":"Foto van de doos graag"}"#, token: agent
                    ).status == .ok)
                #expect(
                    try await Self.post(
                        app, "/api/v1/requests/\(number)/messages", #"{"message":"Foto volgt"}"#, token: jan
                    ).status == .ok)
                let approved = try await Self.post(
                    app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent
                ).json()
                #expect(approved["status"] as? String == "awaiting_goods")
                #expect((approved["rmaNumber"] as? String)?.hasPrefix("RMA") == true)
                #expect(approved["validUntil"] as? String == testDay.adding(days: 5).iso)
                #expect(
                    try await Self.post(
                        app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent
                    ).status == .conflict)

                // The goods arrive opened and short: flagged.
                let received = try await Self.post(
                    app, "/api/v1/requests/\(number)/receipt",
                    #"{"quantity": 1, "serials": ["OTHER1"], "condition": "opened"}"#,
                    token: agent
                ).json()
                let discrepancy = received["discrepancy"] as? String ?? ""
                #expect(discrepancy.contains("serials not received: 2119LZ90X2V9"))
                #expect(discrepancy.contains("serials not in the request: OTHER1"))
                #expect(discrepancy.contains("sealed return must arrive unopened"))

                // An agent's own amount needs a reason.
                #expect(
                    try await Self.post(app, "/api/v1/requests/\(number)/credit", #"{"amount":"10.00"}"#, token: agent)
                        .status == .unprocessableEntity)
                let rejected = try await Self.post(
                    app, "/api/v1/requests/\(number)/decision", #"{"decision":"reject","message":"Geopend ontvangen"}"#,
                    token: agent)
                #expect(try rejected.json()["status"] as? String == "rejected")
                // Rejected: the serial is free again.
                let search = try await app.get("/api/v1/lines?numberType=invoice&number=0962405087", token: jan).json()
                let shown = ((search["documents"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]])?.first
                #expect(shown?["claimableSerials"] as? [String] == ["2119LZ90X2V9"])
            }
        }

        @Test func rmaNumbersExpireWithAReminderAndCanBeRenewed() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let number = try await Self.submitCommercialReturn(app, jan)
                // Valid until day +5: the reminder goes out on day +4, the number expires on day +6.
                app.clock = FixedClock(day: testDay.adding(days: 4), timeZone: app.config.timeZone)
                #expect(try await ExpiryWorker.runOnce(app) == (0, 1))
                #expect(try await ExpiryWorker.runOnce(app) == (0, 0))
                app.clock = FixedClock(day: testDay.adding(days: 5), timeZone: app.config.timeZone)
                #expect(try await ExpiryWorker.runOnce(app).expired == 0)
                app.clock = FixedClock(day: testDay.adding(days: 6), timeZone: app.config.timeZone)
                #expect(try await ExpiryWorker.runOnce(app).expired == 1)
                #expect(
                    try await app.get("/api/v1/requests/\(number)", token: jan).json()["status"] as? String == "expired"
                )
                let reminder = try await OutboxMail.query(on: app.db).filter(\.$subject ~~ "verloopt morgen").count()
                #expect(reminder == 1)

                // The reseller renews once; the second time only an agent can.
                let renewed = try await Self.post(app, "/api/v1/requests/\(number)/extend", token: jan).json()
                #expect(renewed["status"] as? String == "awaiting_goods")
                #expect(renewed["validUntil"] as? String == testDay.adding(days: 11).iso)
                app.clock = FixedClock(day: testDay.adding(days: 12), timeZone: app.config.timeZone)
                #expect(try await ExpiryWorker.runOnce(app).expired == 1)
                #expect(try await Self.post(app, "/api/v1/requests/\(number)/extend", token: jan).status == .conflict)
                #expect(try await Self.post(app, "/api/v1/requests/\(number)/extend", token: agent).status == .ok)
                // Renewed on day 12 (valid to day 17): goods arriving on day 21 are late (3 transit days).
                app.clock = FixedClock(day: testDay.adding(days: 21), timeZone: app.config.timeZone)
                let late = try await Self.post(
                    app, "/api/v1/requests/\(number)/receipt",
                    #"{"quantity": 2, "serials": ["S4EVNM0R820837", "S4EVNM0R820839"], "condition": "as_expected"}"#,
                    token: try await app.token("rma@retour.example"))
                #expect(
                    (try late.json()["discrepancy"] as? String)?.contains("transit days") == true, "\(late.body.string)"
                )
            }
        }

        @Test func theReturnFormCarriesTheRMANumber() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let number = try await Self.submitCommercialReturn(app, jan)
                let view = try await app.get("/api/v1/requests/\(number)", token: jan).json()
                let rma = try #require(view["rmaNumber"] as? String)
                let pdf = try await app.get("/api/v1/requests/\(number)/return-form.pdf", token: jan)
                #expect(pdf.status == .ok)
                let text = try pdfText(Data(buffer: pdf.body))
                #expect(text.contains("Put RMA number \(rma) on the box"))
                #expect(text.contains("Inundatiedok 18"))
                #expect(text.contains("S4EVNM0R820837"))
            }
        }

        @Test func theResellerAndAgentPages() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let number = try await Self.submitCommercialReturn(app, jan)
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                let status = try await reseller.get("/status")
                #expect(status.body.string.contains("id=\"request-\(number)\""))
                #expect(status.body.string.contains("Wacht op goederen"))
                #expect(try await reseller.get("/archive").body.string.contains("id=\"no-requests\""))
                let page = try await reseller.get("/requests/\(number)")
                #expect(page.body.string.contains("id=\"return-form\""))
                #expect(!page.body.string.contains("id=\"receipt-form\""))

                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                // The queue is a to-do list: goods still on their way wait under "Alle open aanvragen".
                #expect(!(try await agent.get("/backoffice").body.string.contains("id=\"request-\(number)\"")))
                let queue = try await agent.get("/backoffice?status=open")
                #expect(queue.body.string.contains(number))
                #expect(queue.body.string.contains("PC Partner BV"))
                #expect(
                    try await agent.post(
                        "/requests/\(number)/receipt",
                        ["quantity": "2", "serials": "S4EVNM0R820837 S4EVNM0R820839", "condition": "as_expected"]
                    ).status == .seeOther)
                #expect(try await agent.post("/requests/\(number)/credit", ["amount": "98,91"]).status == .seeOther)
                let credited = try await reseller.get("/requests/\(number)")
                #expect(credited.body.string.contains("id=\"credit-note\""))
                #expect(credited.body.string.contains("98,91 EUR"))
                let pdf = try await reseller.get("/requests/\(number)/credit-note.pdf")
                #expect(try pdfText(Data(buffer: pdf.body)).contains("CN2026-000001"))
                // A refused action is explained on the page.
                let again = try await agent.post(
                    "/requests/\(number)/receipt", ["quantity": "2", "condition": "as_expected"])
                #expect(again.status == .conflict)
                #expect(again.body.string.contains("id=\"action-error\""))
                // A reseller cannot reach the agent's queue.
                #expect(try await reseller.get("/backoffice").status == .forbidden)
            }
        }
    }
}

extension AppTests {
    @Suite struct WorkerTests {
        /// Two workers on one database (PostgreSQL in CI's second stage) expire each request exactly once.
        @Test func twoWorkersExpireEachRequestOnce() async throws {
            let databaseURL = try await TestDatabase.make()
            defer { Task { await TestDatabase.drop(databaseURL) } }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-workers-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var config = AppConfig(
                databaseURL: databaseURL, sqlitePath: directory.appendingPathComponent("retour.sqlite").path,
                bcryptCost: 4)
            config.workerInterval = 0
            config.mailDirectory = directory.appendingPathComponent("mail").path
            var apps: [Application] = []
            for _ in 0..<2 {
                let app = try await Application.make(.testing)
                try await configure(app, config: config)
                app.clock = FixedClock(day: testDay, timeZone: config.timeZone)
                apps.append(app)
            }
            do {
                if databaseURL != nil {
                    let sql = apps[0].db.sql
                    try await sql.raw("DROP SCHEMA public CASCADE").run()
                    try await sql.raw("CREATE SCHEMA public").run()
                }
                try await migrateGuarded(apps[0])
                try await loadFixtures(apps[0])
                let line = try #require(try await InvoiceLine.query(on: apps[0].db).first())
                let user = try #require(
                    try await User.query(on: apps[0].db).filter(\.$email == "jan@pcpartner.nl").first())
                for index in 0..<30 {
                    let record = ReturnRequest()
                    record.number = "RMA-T\(index)"
                    record.rmaNumber = "RMA9\(index)"
                    record.validUntil = testDay.adding(days: -1).iso
                    record.status = .awaitingGoods
                    record.outcome = .shipDirectly
                    record.reason = .defect
                    record.lineID = try line.requireID()
                    record.companyID = line.companyID
                    record.userID = try user.requireID()
                    record.quantity = 1
                    record.serials = []
                    record.fields = [:]
                    record.attachments = []
                    record.returnAddress = Address(
                        street: "Magazijnweg 7", postcode: "3542 AB", city: "Utrecht", country: "NL")
                    record.policyVersion = 1
                    record.submittedAt = apps[0].clock.now
                    record.submittedOn = testDay.adding(days: -7).iso
                    try await record.create(on: apps[0].db)
                }
                let first = apps[0]
                let second = apps[1]
                let a: (expired: Int, reminded: Int)
                let b: (expired: Int, reminded: Int)
                if databaseURL != nil {
                    async let one = ExpiryWorker.runOnce(first)
                    async let two = ExpiryWorker.runOnce(second)
                    (a, b) = try await (one, two)
                } else {
                    // SQLite has one writer and is not for several processes: there the two run in turn.
                    a = try await ExpiryWorker.runOnce(first)
                    b = try await ExpiryWorker.runOnce(second)
                }
                #expect(a.expired + b.expired == 30)
                let events = try await RequestEvent.query(on: first.db).filter(\.$action == "expire").all()
                #expect(events.count == 30)
                #expect(Set(events.map(\.requestID)).count == 30)
                #expect(try await ReturnRequest.query(on: first.db).filter(\.$status == .expired).count() == 30)
            } catch {
                for app in apps { try? await app.asyncShutdown() }
                throw error
            }
            for app in apps { try await app.asyncShutdown() }
        }
    }
}
