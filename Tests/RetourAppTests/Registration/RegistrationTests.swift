import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct RegistrationTests {
        /// The webcam line of invoice 0962405087 (3 days old, quantity 1, serial 2119LZ90X2V9).
        static func webcam(_ app: Application, _ token: String) async throws -> Int {
            try await ReasonsTests.lineID(app, invoice: "0962405087", token: token)
        }

        static func add(_ app: Application, _ json: String, token: String, language: String = "en") async throws
            -> TestingHTTPResponse
        {
            var headers: HTTPHeaders = ["Content-Type": "application/json", "Accept-Language": language]
            headers.bearerAuthorization = BearerAuthorization(token: token)
            return try await app.testing().sendRequest(
                .POST, "/api/v1/cart/positions", headers: headers, body: ByteBuffer(string: json))
        }

        /// Adds one position (it must be accepted) and submits the cart; returns the request's number.
        static func submitOne(_ app: Application, _ json: String, token: String) async throws -> String {
            let added = try await add(app, json, token: token)
            #expect(added.status == .created, "\(added.body.string)")
            let answer = try await submit(app, token: token).json()
            return try #require((answer["requests"] as? [[String: Any]])?.first?["number"] as? String)
        }

        static func submit(_ app: Application, token: String, key: String? = nil) async throws -> TestingHTTPResponse {
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            if let key { headers.add(name: "Idempotency-Key", value: key) }
            return try await app.testing().sendRequest(.POST, "/api/v1/cart/submit", headers: headers)
        }

        /// Uploads one file through the API, as a client would.
        static func upload(_ app: Application, _ bytes: [UInt8], name: String, token: String) async throws
            -> TestingHTTPResponse
        {
            let boundary = "retour-test-boundary"
            var body = ByteBuffer()
            body.writeString(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(name)\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            body.writeBytes(bytes)
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=\(boundary)"]
            headers.bearerAuthorization = BearerAuthorization(token: token)
            return try await app.testing().sendRequest(.POST, "/api/v1/attachments", headers: headers, body: body)
        }

        @Test(arguments: [
            ("defect", ["fault", "description", "serials"]), ("doa", ["fault", "description", "serials"]),
            ("commercial_return", ["sealedDeclaration", "serials"]),
            ("wrongly_ordered", ["sealedDeclaration", "serials"]),
            ("buyback", ["condition", "comment", "serials"]), ("wrong_delivery", ["variant"]),
            ("product_complaint", ["condition"]), ("too_much_delivered", ["totalDelivered", "keep"]),
            ("transport_damage", ["damageNoted", "keep", "comment", "attachments"]),
            ("concealed_damage", ["comment", "attachments"]), ("shortage", ["procedure"]),
            ("missing_accessories", ["comment"]), ("wrong_invoicing", ["subReason", "comment"]),
        ])
        func everyReasonNamesItsMissingFields(_ reason: String, _ fields: [String]) async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await Self.webcam(app, jan)
                let response = try await Self.add(
                    app, #"{"line": \#(line), "reason": "\#(reason)", "fields": {}}"#, token: jan)
                #expect(response.status == .unprocessableEntity, "\(reason): \(response.body.string)")
                #expect(Set(try response.problemFields()) == Set(fields), "\(reason)")
                #expect(try await CartPosition.query(on: app.db).count() == 0)
            }
        }

        @Test func licencesAndDirectServiceAndClosedReasons() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let found = try await app.get("/api/v1/lines?numberType=invoice&number=0962411120", token: jan).json()
                let lines = ((found["documents"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]]) ?? []
                let licence = try #require(lines.first { $0["article"] as? String == "47281" }?["id"] as? Int)
                let acer = try #require(lines.first { $0["article"] as? String == "4301177" }?["id"] as? Int)
                let missing = try await Self.add(
                    app, #"{"line": \#(licence), "reason": "license_return", "quantity": 2}"#, token: jan)
                #expect(try missing.problemFields() == ["notActivatedDeclaration"])
                let ok = try await Self.add(
                    app,
                    #"{"line": \#(licence), "reason": "license_return", "quantity": 2, "serials": ["KEY-1", "KEY-2"], "fields": {"notActivatedDeclaration": true}}"#,
                    token: jan)
                #expect(ok.status == .created, "\(ok.body.string)")
                // ACER warranty is Direct Service: nothing can be added for it.
                let direct = try await Self.add(
                    app,
                    #"{"line": \#(acer), "reason": "defect", "serials": ["NXKN4EH00A2291"], "fields": {"fault": "no_function", "description": "x"}}"#,
                    token: jan)
                #expect(direct.status == .unprocessableEntity)
                #expect(direct.body.string.contains("ACER COMPUTER BV"))
                // A 20-day-old invoice: commercial return is closed, with its explanation.
                let old = try await ReasonsTests.lineID(app, invoice: "0962277401", token: jan)
                let closed = try await Self.add(
                    app,
                    #"{"line": \#(old), "reason": "commercial_return", "serials": ["ZTT2XA01"], "fields": {"sealedDeclaration": true}}"#,
                    token: jan)
                #expect(closed.status == .unprocessableEntity)
                #expect(closed.body.string.contains("ended on"))
                // Another company's line does not exist for Jan.
                let bytewise = try await app.token("inkoop@bytewise.nl")
                let theirs = try await Self.add(
                    app, #"{"line": \#(old), "reason": "shortage", "fields": {"procedure": "credit"}}"#, token: bytewise
                )
                #expect(theirs.status == .notFound)
            }
        }

        @Test func aQuantityOrSerialIsNeverClaimedTwice() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let piet = try await app.token("piet@pcpartner.nl")
                let line = try await Self.webcam(app, jan)
                let defect =
                    #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
                #expect(try await Self.add(app, defect, token: jan).status == .created)
                #expect(try await Self.add(app, defect, token: jan).status == .conflict)
                #expect(try await Self.submit(app, token: jan).status == .created)
                // Submitted: the line is fully claimed for everybody.
                #expect(try await Self.add(app, defect, token: piet).status == .conflict)
                let search = try await app.get("/api/v1/lines?numberType=invoice&number=0962405087", token: piet).json()
                let shown = ((search["documents"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]])?.first
                #expect(shown?["claimableQuantity"] as? Int == 0)
                #expect(shown?["claimableSerials"] as? [String] == [])

                // Serials of another line or not delivered are refused; claimed ones conflict.
                let samsung = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let foreign = try await Self.add(
                    app,
                    #"{"line": \#(samsung), "reason": "commercial_return", "serials": ["2119LZ90X2V9"], "fields": {"sealedDeclaration": true}}"#,
                    token: jan)
                #expect(try foreign.problemFields() == ["serials[0]"])
            }
        }

        @Test func aPositionCanBeEditedWithoutClashingWithItself() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await Self.webcam(app, jan)
                let first =
                    #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
                let added = try await Self.add(app, first, token: jan)
                let id = try #require(try added.json()["id"] as? Int)
                var headers: HTTPHeaders = ["Content-Type": "application/json"]
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                let edited = try await app.testing().sendRequest(
                    .PUT, "/api/v1/cart/positions/\(id)", headers: headers,
                    body: ByteBuffer(string: first.replacingOccurrences(of: "Kraakt", with: "Kraakt en piept")))
                #expect(edited.status == .ok, "\(edited.body.string)")
                #expect((try edited.json()["fields"] as? [String: Any])?["description"] as? String == "Kraakt en piept")
                #expect(try await CartPosition.query(on: app.db).count() == 1)
                // Another position for the same serial still clashes.
                #expect(try await Self.add(app, first, token: jan).status == .conflict)
                // The form opens prefilled for the edit.
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/register/\(line)?reason=defect&edit=\(id)").body.string
                #expect(page.contains(">Kraakt en piept</textarea>"))
                #expect(page.contains("name=\"edit\" value=\"\(id)\""))
                #expect(page.contains(">Opslaan</button>") && !page.contains(">Toevoegen</button>"))
                let saved = try await browser.post(
                    "/register/\(line)",
                    [
                        "reason": "defect", "edit": "\(id)", "f[fault]": "noise", "f[description]": "Nu stil",
                        "serials[]": "2119LZ90X2V9",
                    ])
                #expect(saved.status == .seeOther, "\(saved.body.string.prefix(1500))")
                #expect(try await CartPosition.find(id, on: app.db)?.fields["description"] == .string("Nu stil"))
                // The steps after it say "bijgewerkt", not "toegevoegd".
                let addressPath = try #require(saved.headers.first(name: .location))
                #expect(addressPath.hasSuffix("/address?updated=1"))
                let addressSaved = try await browser.post(
                    addressPath, ["street": "Magazijnweg 7", "postcode": "3542 AB", "city": "Utrecht", "country": "NL"])
                let done = try await browser.get(try #require(addressSaved.headers.first(name: .location))).body.string
                #expect(done.contains("De positie is bijgewerkt"))
                #expect(!done.contains("succesvol toegevoegd"))
                // Someone else's position cannot be edited.
                let piet = try await app.token("piet@pcpartner.nl")
                var other: HTTPHeaders = ["Content-Type": "application/json"]
                other.bearerAuthorization = BearerAuthorization(token: piet)
                #expect(
                    try await app.testing().sendRequest(
                        .PUT, "/api/v1/cart/positions/\(id)", headers: other, body: ByteBuffer(string: first)
                    )
                    .status == .notFound)
            }
        }

        @Test func uploadsAreJudgedByContentAndSize() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                func upload(_ bytes: [UInt8], name: String, token: String) async throws -> TestingHTTPResponse {
                    try await Self.upload(app, bytes, name: name, token: token)
                }
                let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 100)
                let stored = try await upload(png, name: "../../etc/photo.png", token: jan)
                #expect(stored.status == .created)
                let json = try stored.json()
                #expect(json["contentType"] as? String == "image/png")
                #expect(json["filename"] as? String == "photo.png")
                let id = try #require(json["id"] as? String)
                // A program renamed to .jpg is refused, and so is plain text.
                #expect(
                    try await upload(Array("MZ\u{90}\u{0}program".utf8), name: "photo.jpg", token: jan).status
                        == .unsupportedMediaType)
                #expect(
                    try await upload(Array("just text".utf8), name: "notes.pdf", token: jan).status
                        == .unsupportedMediaType)
                #expect(
                    try await upload(Array("%PDF-1.4\n%…".utf8), name: "invoice.pdf", token: jan).status == .created)
                let tooLarge = [UInt8](repeating: 0xFF, count: 20 * 1024 * 1024 + 10)
                #expect(
                    try await upload([0xFF, 0xD8, 0xFF] + tooLarge, name: "big.jpg", token: jan).status
                        == .payloadTooLarge)
                // The owner's company downloads it; another company gets 404.
                let own = try await app.get("/api/v1/attachments/\(id)", token: jan)
                #expect(own.status == .ok)
                #expect(Array(own.body.readableBytesView) == png)
                let other = try await app.token("inkoop@bytewise.nl")
                #expect(try await app.get("/api/v1/attachments/\(id)", token: other).status == .notFound)
                #expect(
                    try await app.get("/api/v1/attachments/\(id)", token: try await app.token("rma@retour.example"))
                        .status == .ok)
            }
        }

        @Test func submittingTwiceWithOneKeyMakesOneSetOfRequests() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                let position =
                    #"{"line": \#(line), "reason": "commercial_return", "serials": ["S4EVNM0R820837", "S4EVNM0R820839"], "fields": {"sealedDeclaration": true}}"#
                #expect(try await Self.add(app, position, token: jan).status == .created)
                let first = try await Self.submit(app, token: jan, key: "order-42")
                #expect(first.status == .created, "\(first.body.string)")
                let second = try await Self.submit(app, token: jan, key: "order-42")
                #expect(second.status == .created)
                #expect(second.body.string == first.body.string)
                #expect(try await ReturnRequest.query(on: app.db).count() == 1)
                let request = try #require((try first.json()["requests"] as? [[String: Any]])?.first)
                #expect(request["shipDirectly"] as? Bool == true)
                #expect((request["number"] as? String)?.hasPrefix("RET-") == true)
                #expect((request["rmaNumber"] as? String)?.hasPrefix("RMA") == true)
                #expect(request["validUntil"] as? String == testDay.adding(days: 5).iso)
                #expect(request["status"] as? String == "awaiting_goods")
                // Without a key an empty cart is an error, not a second submission.
                #expect(try await Self.submit(app, token: jan).status == .unprocessableEntity)
            }
        }

        @Test func aDoubleClickWithoutAKeyStillSubmitsOnce() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)
                #expect(
                    try await Self.add(
                        app,
                        #"{"line": \#(line), "reason": "product_complaint", "quantity": 2, "fields": {"condition": "opened"}}"#,
                        token: jan
                    ).status == .created)
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<4 { group.addTask { try await Self.submit(app, token: jan).status } }
                    var all: [HTTPStatus] = []
                    for try await status in group { all.append(status) }
                    return all
                }
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses.map(\.code))")
                #expect(try await ReturnRequest.query(on: app.db).count() == 1)
            }
        }

        @Test func theThreeOutcomesAndTheConfirmationMail() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await Self.webcam(app, jan)
                let wrongInvoice = try await ReasonsTests.lineID(app, invoice: "0962405086", token: jan)
                #expect(
                    try await Self.add(
                        app,
                        #"{"line": \#(line), "reason": "buyback", "serials": ["2119LZ90X2V9"], "fields": {"condition": "unopened", "comment": "Over"}}"#,
                        token: jan
                    ).status == .created)
                #expect(
                    try await Self.add(
                        app,
                        #"{"line": \#(wrongInvoice), "reason": "wrong_invoicing", "fields": {"subReason": "price", "comment": "Te hoog"}}"#,
                        token: jan
                    ).status == .created)
                var headers = HTTPHeaders()
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                headers.add(name: .acceptLanguage, value: "nl")
                let answer = try await app.testing().sendRequest(.POST, "/api/v1/cart/submit", headers: headers)
                let requests = try #require(try answer.json()["requests"] as? [[String: Any]])
                #expect(requests.map { $0["outcome"] as? String } == ["in_review", "claim"])
                #expect(requests.allSatisfy { $0["status"] as? String == "in_review" && $0["rmaNumber"] is NSNull })
                #expect((requests[0]["message"] as? String)?.contains("NIET DIRECT") == true)
                #expect((requests[1]["number"] as? String)?.hasPrefix("CLM-") == true)

                // The mail waits in the outbox and the worker writes it as .eml.
                #expect(try await OutboxMail.query(on: app.db).filter(\.$status == .pending).count() == 1)
                #expect(try await MailWorker.runOnce(app) == 1)
                let files = try FileManager.default.contentsOfDirectory(atPath: app.config.mailDirectory)
                #expect(files.count == 1)
                // Named after the outbox id and this installation: never another installation's file.
                let installation = try await Installation.current(app).id.prefix(8)
                #expect(
                    files[0].hasPrefix("retour-00000001-\(installation)-") && files[0].hasSuffix(".eml"), "\(files)")
                let eml = try String(contentsOfFile: app.config.mailDirectory + "/" + files[0], encoding: .utf8)
                #expect(eml.contains("To: jan@pcpartner.nl"))
                let body = try #require(eml.components(separatedBy: "\r\n\r\n").last)
                let text = String(
                    decoding: Data(base64Encoded: body.replacingOccurrences(of: "\r\n", with: "")) ?? Data(),
                    as: UTF8.self)
                #expect(text.contains(requests[0]["number"] as? String ?? "?"))
                #expect(text.contains("NIET DIRECT"))
                #expect(text.contains("geeft niet automatisch recht op een credit"))
                #expect(try await OutboxMail.query(on: app.db).filter(\.$status == .sent).count() == 1)
                #expect(try await MailWorker.runOnce(app) == 0)
            }
        }

        @Test func theCartWarnsBeforeAWindowEnds() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await Self.webcam(app, jan)  // 3 days old: transport damage ends tomorrow
                let images = try await (1...3).asyncMap { index -> String in
                    var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                    headers.bearerAuthorization = BearerAuthorization(token: jan)
                    var body = ByteBuffer(
                        string:
                            "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p\(index).png\"\r\n\r\n")
                    body.writeBytes([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, UInt8(index)])
                    body.writeString("\r\n--b--\r\n")
                    let response = try await app.testing().sendRequest(
                        .POST, "/api/v1/attachments", headers: headers, body: body)
                    return try response.json()["id"] as? String ?? ""
                }
                let attachments = images.map { "\"\($0)\"" }.joined(separator: ",")
                let added = try await Self.add(
                    app,
                    #"{"line": \#(line), "reason": "transport_damage", "attachments": [\#(attachments)], "fields": {"damageNoted": true, "keep": false, "comment": "Deuk"}}"#,
                    token: jan)
                #expect(added.status == .created, "\(added.body.string)")
                let cart = try await app.get("/api/v1/cart", token: jan).json()
                let position = try #require((cart["positions"] as? [[String: Any]])?.first)
                #expect(position["deadline"] as? String == testDay.adding(days: 1).iso)
                #expect((position["warning"] as? String)?.contains("submit this position by") == true)
                // Two days later the window has ended: the cart says so, and submitting refuses it.
                app.clock = FixedClock(app.clock.now.addingTimeInterval(2 * 86_400))
                let later = try await app.get("/api/v1/cart", token: jan).json()
                #expect(
                    ((later["positions"] as? [[String: Any]])?.first?["warning"] as? String)?.contains("ended") == true)
                let refused = try await Self.submit(app, token: jan)
                #expect(refused.status == .unprocessableEntity)
                #expect(try refused.problemFields().allSatisfy { $0.hasPrefix("positions/") })
                #expect(try await ReturnRequest.query(on: app.db).count() == 0)
                #expect(try await CartPosition.query(on: app.db).count() == 1)
            }
        }

        @Test func aFailedSendIsRetriedLaterAndNeverLost() async throws {
            try await withRetour { app in
                app.config.mailTransport = .smtp
                app.config.smtp.host = "127.0.0.1"
                app.config.smtp.port = 9  // nothing listens on the discard port
                try await OutboxMail(recipient: "x@y.nl", subject: "S", body: "B", now: app.clock.now).create(
                    on: app.db)
                #expect(try await MailWorker.runOnce(app) == 0)
                let mail = try #require(try await OutboxMail.query(on: app.db).first())
                #expect(mail.status == .pending)
                #expect(mail.attempts == 1)
                #expect(mail.nextAttemptAt > app.clock.now)
                #expect(mail.lastError != nil)
                // Not due yet: the next round leaves it alone.
                #expect(try await MailWorker.runOnce(app) == 0)
                #expect(try await OutboxMail.query(on: app.db).first()?.attempts == 1)
            }
        }

        @Test func parallelSubmissionsNeverOverClaimALine() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962350553", token: jan)  // quantity 8
                let company = try #require(try await Company.query(on: app.db).filter(\.$number == "100200").first())
                let hash = try await app.password.async.hash("parallel password")
                var tokens: [String] = []
                for index in 0..<64 {
                    let user = User(
                        email: "buyer\(index)@pcpartner.nl", name: "Buyer \(index)", passwordHash: hash,
                        role: .resellerUser,
                        companyID: company.id)
                    try await user.create(on: app.db)
                    tokens.append(
                        try await DatabaseSessionStore(database: app.db).issueToken(
                            for: try user.requireID(), now: app.clock.now, lifetimeDays: 1
                        ).token)
                }
                for token in tokens {
                    let added = try await Self.add(
                        app,
                        #"{"line": \#(line), "reason": "product_complaint", "quantity": 1, "fields": {"condition": "opened"}}"#,
                        token: token)
                    #expect(added.status == .created)
                }
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for token in tokens { group.addTask { try await Self.submit(app, token: token).status } }
                    var all: [HTTPStatus] = []
                    for try await status in group { all.append(status) }
                    return all
                }
                #expect(statuses.filter { $0 == .created }.count == 8)
                #expect(statuses.allSatisfy { $0 == .created || $0 == .conflict }, "\(Set(statuses.map(\.code)))")
                let claimed = try await ReturnRequest.query(on: app.db).filter(\.$lineID == line).all()
                #expect(claimed.reduce(0) { $0 + $1.quantity } == 8)
                #expect(Set(claimed.map(\.number)).count == claimed.count)
            }
        }
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
