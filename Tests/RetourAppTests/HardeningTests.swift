import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Issue 9: no input takes Retour down, no action runs twice, no open doors.
    @Suite struct HardeningTests {
        @Test func hugePageNumbersAreRefusedNotTrapped() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                for query in [
                    "page=9223372036854775807", "page=-9223372036854775808", "page=0", "page=abc", "page=1.5",
                    "per=0", "per=501", "per=1e30", "page=NaN",
                ] {
                    let answer = try await app.get("/api/v1/requests?\(query)", token: jan)
                    #expect(answer.status == .badRequest, "\(query): \(answer.body.string)")
                    let field = String(query.prefix { $0 != "=" })
                    #expect(try answer.problemFields() == [field], "\(query) names its field")
                }
                // The server is still there, and a sane page still works.
                #expect(try await app.get("/api/v1/requests?page=%201%20&per=10", token: jan).status == .ok)
                let browser = Browser(app)
                try await browser.login("rma@retour.example")
                #expect(try await browser.get("/backoffice?page=99999999999999999999").status == .badRequest)
                #expect(try await browser.get("/backoffice?age=-1").status == .badRequest)
            }
        }

        @Test(arguments: ["abc", "2abc", "1.5", "", "9223372036854775807", "-1", "0"])
        func aQuantityThatIsNotAWholeNumberIsAnErrorNeverOne(_ typed: String) async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                try await browser.get("/register/\(line)?reason=missing_accessories")
                let answer = try await browser.post(
                    "/register/\(line)",
                    ["reason": "missing_accessories", "f[comment]": "Kabel mist", "quantity": typed])
                #expect(answer.status == .unprocessableEntity, "quantity \(typed)")
                #expect(answer.body.string.contains("id=\"quantity-error\""))
                #expect(try await CartPosition.query(on: app.db).count() == 0)
            }
        }

        @Test func aQuantityWithSpacesAroundIsThatNumber() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                try await browser.get("/register/\(line)?reason=missing_accessories")
                let answer = try await browser.post(
                    "/register/\(line)",
                    ["reason": "missing_accessories", "f[comment]": "Kabel mist", "quantity": " 1 "])
                #expect(answer.status == .seeOther, "\(answer.body.string.prefix(500))")
                #expect(try await CartPosition.query(on: app.db).first()?.quantity == 1)
            }
        }

        /// A received commercial return of two SSDs, ready for its credit; returns its number.
        static func receivedReturn(_ app: Application, agent: String) async throws -> String {
            let jan = try await app.token("jan@pcpartner.nl")
            let number = try await FollowUpTests.submitCommercialReturn(app, jan)
            let received = try await FollowUpTests.post(
                app, "/api/v1/requests/\(number)/receipt",
                #"{"quantity":2,"serials":["S4EVNM0R820837","S4EVNM0R820839"],"condition":"as_expected"}"#, token: agent
            )
            #expect(received.status == .ok, "\(received.body.string)")
            return number
        }

        @Test func twentyCreditsAtOnceMakeOneCreditNote() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Self.receivedReturn(app, agent: agent)
                let mailsBefore = try await OutboxMail.query(on: app.db).count()
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == .conflict }.count == 19, "\(statuses)")
                let notes = try await ReturnRequest.query(on: app.db).filter(\.$creditNoteNumber != nil).all()
                #expect(notes.map(\.creditNoteNumber) == ["CN\(testDay.year)-000001"])
                struct Row: Decodable { var value: Int }
                let sequence = try await (app.db as! any SQLDatabase).raw(
                    "SELECT value FROM number_sequences WHERE name = 'credit_note'"
                ).first(decoding: Row.self)
                #expect(sequence?.value == 1, "no number was drawn and thrown away")
                #expect(try await OutboxMail.query(on: app.db).count() == mailsBefore + 1)
            }
        }

        @Test func twentyApprovalsAtOnceMakeOneRMANumber() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let line = try await RegistrationTests.webcam(app, jan)
                let buyback =
                    #"{"line": \#(line), "reason": "buyback", "serials": ["2119LZ90X2V9"], "fields": {"condition": "unopened", "comment": "Over"}}"#
                let number = try await RegistrationTests.submitOne(app, buyback, token: jan)
                let mailsBefore = try await OutboxMail.query(on: app.db).count()
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            try await FollowUpTests.post(
                                app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent
                            ).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                let events = try await RequestEvent.query(on: app.db).filter(\.$action == "approve").count()
                #expect(events == 1)
                #expect(try await OutboxMail.query(on: app.db).count() == mailsBefore + 1)
                struct Row: Decodable { var value: Int }
                let before = try await ReturnRequest.query(on: app.db).filter(\.$rmaNumber != nil).count()
                let sequence = try await (app.db as! any SQLDatabase).raw(
                    "SELECT value FROM number_sequences WHERE name = 'rma'"
                ).first(decoding: Row.self)
                #expect(sequence?.value == before, "one RMA number per request that has one, no gaps")
            }
        }

        @Test func theCreditIsBoundedByTheGoodsValueExceptForAdmins() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Self.receivedReturn(app, agent: agent)
                // Two SSDs of 54.95: the goods are worth 109.90.
                let tooMuch = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/credit", #"{"amount":"109.91","reason":"Goodwill"}"#, token: agent)
                #expect(tooMuch.status == .unprocessableEntity)
                #expect(try tooMuch.problemFields() == ["amount"])
                for amount in ["99999999999999999999", "-1.00", "1e30", "NaN", "12,5"] {
                    let bad = try await FollowUpTests.post(
                        app, "/api/v1/requests/\(number)/credit", #"{"amount":"\#(amount)","reason":"x"}"#, token: agent
                    )
                    #expect(bad.status == .unprocessableEntity, "\(amount)")
                }
                let admin = try await app.token("admin@retour.example")
                let goodwill = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/credit", #"{"amount":"120.00","reason":"Goodwill"}"#, token: admin)
                #expect(goodwill.status == .ok, "\(goodwill.body.string)")
            }
        }

        @Test func theCreditFormKeepsWhatWasTypedAndCreditsThatAmount() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Self.receivedReturn(app, agent: agent)
                let browser = Browser(app)
                try await browser.login("rma@retour.example")
                try await browser.get("/requests/\(number)")
                let forgot = try await browser.post("/requests/\(number)/credit", ["amount": "50,00", "reason": ""])
                #expect(forgot.status == .unprocessableEntity)
                #expect(forgot.body.string.contains(#"value="50,00" id="credit-amount""#))
                let fixed = try await browser.post(
                    "/requests/\(number)/credit", ["amount": "50,00", "reason": "Doos beschadigd"])
                #expect(fixed.status == .seeOther)
                let record = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == number).first())
                #expect(record.creditAmountCents == 5_000)
                #expect(record.creditReason == "Doos beschadigd")
            }
        }

        @Test func anAgentCannotAttachAnotherCompanysFile() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Self.receivedReturn(app, agent: agent)
                let bytewise = try #require(
                    try await Company.query(on: app.db).filter(\.$name == "Bytewise Systems BV").first())
                let foreign = Attachment()
                foreign.id = "foreign-file"
                let uploader = try #require(
                    try await User.query(on: app.db).filter(\.$company.$id == bytewise.requireID()).first())
                foreign.userID = try uploader.requireID()
                foreign.companyID = try bytewise.requireID()
                foreign.filename = "invoice.pdf"
                foreign.contentType = "application/pdf"
                foreign.size = 10
                foreign.sha256 = String(repeating: "0", count: 64)
                foreign.isImage = false
                foreign.createdAt = Date()
                try await foreign.create(on: app.db)
                let answer = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages",
                    #"{"message":"Zie bijlage","attachments":["foreign-file"]}"#,
                    token: agent)
                #expect(answer.status == .unprocessableEntity)
                #expect(try answer.problemFields() == ["attachments"])
            }
        }

        @Test(arguments: [
            "/%09/evil.example", "/\t/x", "//x", "/\\x", "%2F%2Fx", "/%2F/x", "https:x", "/%5Cevil.example",
            "http://evil.example", "/\r\n/x", "/%0d%0a/x",
        ])
        func redirectsStayOnThisSite(_ next: String) {
            #expect(safeLocalPath(next) == nil, "\(next.debugDescription) must not be followed")
        }

        @Test func plainPathsAreFollowed() {
            #expect(safeLocalPath("/search?period=1w&number=0962405087") == "/search?period=1w&number=0962405087")
            #expect(safeLocalPath("/requests/RMA-0000001") == "/requests/RMA-0000001")
        }

        @Test func loginWithAnOffSiteNextStaysHere() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.get("/login")
                let answer = try await browser.post(
                    "/login", ["email": "jan@pcpartner.nl", "password": Fixtures.password, "next": "/\t/evil.example"])
                #expect(answer.status == .seeOther)
                #expect(answer.headers.first(name: .location) == "/")
            }
        }

        /// A browser sends a quote in a file name as %22: it is shown as a quote and encoded once
        /// in the download; a direction override (which makes "gpj.exe" read backwards) is dropped.
        @Test func aFileNameIsReadAsTheBrowserMeantIt() {
            #expect(AttachmentStore.cleanName(#"Pakbon %22x%22.pdf"#, kind: .pdf) == #"Pakbon "x".pdf"#)
            #expect(
                AttachmentStore.contentDisposition(AttachmentStore.cleanName("a%22b.pdf", kind: .pdf))
                    .hasSuffix("filename*=UTF-8''a%22b.pdf"))
            #expect(AttachmentStore.cleanName("photo\u{202E}gpj.exe", kind: .jpeg) == "photogpj.exe")
            #expect(AttachmentStore.cleanName("C:\\x\\\u{2066}\u{0007}", kind: .png) == "file.png")
        }

        /// Private answers are never kept by a cache between the client and Retour (issue 20).
        @Test func apiAnswersAreNotStored() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                for path in ["/api/v1/requests", "/api/v1/lines?period=1w", "/api/v1/cart", "/api/v1/requests/nope"] {
                    let answer = try await app.get(path, token: jan)
                    #expect(answer.headers.first(name: .cacheControl)?.contains("no-store") == true, "\(path)")
                }
            }
        }

        /// Following a link switches the page's language only; the signed-in user's own language,
        /// which e-mails and the API use, changes only by the form with its CSRF token (issue 20).
        @Test func aLinkCannotChangeTheStoredLanguage() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let link = try await browser.get("/lang/en?next=/status")
                #expect(link.status == .seeOther)
                #expect(link.headers.first(name: .location) == "/status")
                #expect(
                    try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()?.language != "en")
                let forged = try await browser.post("/lang/en?next=/status", [:], csrf: "forged")
                #expect(forged.status == .forbidden)
                #expect(
                    try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()?.language != "en")
                let page = try await browser.get("/status")
                #expect(page.body.string.contains(#"action="/lang/nl?next="#))
                let form = try await browser.post("/lang/en?next=/status", [:])
                #expect(form.status == .seeOther)
                #expect(
                    try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()?.language == "en")
            }
        }

        @Test func everyHTMLAnswerCarriesTheSecurityHeaders() async throws {
            try await withRetour(fixtures: true) { app in
                for path in ["/login", "/does-not-exist", "/m/unknown-token"] {
                    let answer = try await app.testing().sendRequest(.GET, path)
                    #expect(
                        answer.headers.first(name: .contentSecurityPolicy)
                            == "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
                        "\(path)")
                    // A phone link is itself a secret: not even this site gets it as a referrer.
                    #expect(
                        answer.headers.first(name: "Referrer-Policy")
                            == (path.hasPrefix("/m/") ? "no-referrer" : "same-origin"), "\(path)")
                    #expect(answer.headers.first(name: "X-Content-Type-Options") == "nosniff")
                    #expect(answer.headers.first(name: "Permissions-Policy")?.contains("camera=()") == true)
                    #expect(answer.headers.first(name: "Strict-Transport-Security") == nil, "no HSTS over http")
                }
                app.config.publicURL = "https://rma.example.com"
                let secure = try await app.testing().sendRequest(.GET, "/login")
                #expect(secure.headers.first(name: "Strict-Transport-Security")?.hasPrefix("max-age=") == true)
            }
        }

        @Test func aPageViewCreatesNoSessionAndLoginGetsAFreshOne() async throws {
            try await withRetour(fixtures: true) { app in
                for _ in 0..<5 { _ = try await app.testing().sendRequest(.GET, "/login") }
                #expect(try await WebSession.query(on: app.db).count() == 0)
                let browser = Browser(app)
                try await browser.get("/login")
                browser.cookies["retour_session"] = "planted-by-an-attacker"
                try await browser.login("jan@pcpartner.nl")
                let session = try #require(browser.cookies["retour_session"])
                #expect(session != "planted-by-an-attacker")
                let stored = try await WebSession.query(on: app.db).all()
                #expect(stored.count == 1)
                #expect(stored.first?.idHash == Tokens.hash(session), "only the hash of the id is stored")
                #expect(try await browser.get("/search").status == .ok)
            }
        }

        @Test func anIdleSessionEndsAndLogoutEndsEverySessionAndToken() async throws {
            try await withRetour(fixtures: true) { app in
                let token = try await app.token("jan@pcpartner.nl")
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let other = Browser(app)
                try await other.login("jan@pcpartner.nl")
                // Idle beyond two hours: the server forgets it, whatever the cookie says.
                let start = app.clock.now
                app.clock = FixedClock(start.addingTimeInterval(2 * 3600 + 60))
                #expect(try await browser.get("/search").status == .seeOther)
                app.clock = FixedClock(start)
                #expect(try await other.get("/search").status == .ok)
                #expect(try await other.post("/logout", [:]).status == .seeOther)
                #expect(try await WebSession.query(on: app.db).count() == 0)
                #expect(try await app.get("/api/v1/requests", token: token).status == .unauthorized)
            }
        }

        @Test func aSessionEndedMeanwhileIsNotBroughtBackByARequestUnderWay() async throws {
            try await withRetour(fixtures: true) { app in
                let request = Request(application: app, on: app.eventLoopGroup.next())
                let driver = WebSessionDriver()
                // Logged out in another browser while this request was running: its answer must not
                // store the session again under the old user.
                _ = try await driver.updateSession(
                    SessionID(string: "ended-meanwhile"), to: SessionData(initialData: ["userID": "1"]), for: request
                ).get()
                #expect(try await WebSession.query(on: app.db).count() == 0)
            }
        }

        @Test func aFormFromAnotherSiteIsRefusedBeforeItsBodyIsRead() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                var headers = HTTPHeaders()
                headers.add(
                    name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
                headers.add(name: "Sec-Fetch-Site", value: "cross-site")
                headers.contentType = .urlEncodedForm
                let answer = try await app.testing().sendRequest(
                    .POST, "/logout", headers: headers, body: ByteBuffer(string: "_csrf=\(browser.csrf ?? "")"))
                #expect(answer.status == .forbidden)
                headers.replaceOrAdd(name: "Sec-Fetch-Site", value: "same-origin")
                headers.add(name: .origin, value: "https://evil.example")
                let fromOrigin = try await app.testing().sendRequest(
                    .POST, "/logout", headers: headers, body: ByteBuffer(string: "_csrf=\(browser.csrf ?? "")"))
                #expect(fromOrigin.status == .forbidden)
            }
        }

        @Test func anAnonymousBodyOver64KBIsRefused() async throws {
            try await withRetour(fixtures: true) { app in
                let big = String(repeating: "a", count: 70 * 1024)
                for path in ["/login", "/api/v1/auth/token", "/api/v1/import", "/api/v1/attachments"] {
                    let answer = try await app.testing().sendRequest(
                        .POST, path, headers: ["Content-Type": "application/x-www-form-urlencoded"],
                        body: ByteBuffer(string: "email=\(big)"))
                    #expect(answer.status == .payloadTooLarge, "\(path): \(answer.status)")
                }
            }
        }

        @Test func healthAndReadiness() async throws {
            try await withRetour { app in
                let health = try await app.testing().sendRequest(.GET, "/healthz")
                #expect(health.status == .ok)
                let ready = try await app.testing().sendRequest(.GET, "/readyz")
                #expect(ready.status == .ok)
                try await app.autoRevert()
                let notMigrated = try await app.testing().sendRequest(.GET, "/readyz")
                #expect(notMigrated.status == .serviceUnavailable)
                #expect(notMigrated.headers.contentType?.subType == "problem+json")
            }
        }

        @Test func aResellerWithoutACompanyCannotLogIn() async throws {
            try await withRetour(fixtures: true) { app in
                let user = try #require(
                    try await User.query(on: app.db).filter(\.$email == "piet@pcpartner.nl").first())
                user.$company.id = nil
                try await user.save(on: app.db)
                let answer = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"piet@pcpartner.nl","password":"\#(Fixtures.password)"}"#,
                    token: nil)
                #expect(answer.status == .forbidden)
            }
        }

        static func multipart(_ parts: [(name: String, filename: String?, bytes: [UInt8])], boundary: String = "b")
            -> ByteBuffer
        {
            var body = ByteBuffer()
            for part in parts {
                let file = part.filename.map { "; filename=\"\($0)\"" } ?? ""
                body.writeString(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"\(part.name)\"\(file)\r\n\r\n")
                body.writeBytes(part.bytes)
                body.writeString("\r\n")
            }
            body.writeString("--\(boundary)--\r\n")
            return body
        }

        static let jpeg: [UInt8] = [0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3]

        @Test func aFileOver20MBIsRefusedAndLeavesNothingBehind() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                let big = Self.jpeg + [UInt8](repeating: 0, count: FileKind.maximumBytes)
                let answer = try await app.testing().sendRequest(
                    .POST, "/api/v1/attachments", headers: headers,
                    body: Self.multipart([(name: "file", filename: "big.jpg", bytes: big)]))
                #expect(answer.status == .payloadTooLarge)
                #expect(try await Attachment.query(on: app.db).count() == 0)
                let waiting = AttachmentStore.temporaryDirectory(app.config)
                #expect((try? FileManager.default.contentsOfDirectory(atPath: waiting))?.isEmpty ?? true)
            }
        }

        @Test func aFormWithAFileBeforeItsTokenIsRefusedBeforeTheFileIsWritten() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                try await browser.get("/register/\(line)?reason=transport_damage")
                var headers = HTTPHeaders()
                headers.add(
                    name: .cookie, value: browser.cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
                headers.add(name: .contentType, value: "multipart/form-data; boundary=b")
                let forged = try await app.testing().sendRequest(
                    .POST, "/register/\(line)", headers: headers,
                    body: Self.multipart([
                        (name: "files[]", filename: "a.jpg", bytes: Self.jpeg),
                        (name: "_csrf", filename: nil, bytes: Array((browser.csrf ?? "").utf8)),
                    ]))
                #expect(forged.status == .forbidden)
                #expect(try await Attachment.query(on: app.db).count() == 0)
            }
        }

        @Test func aPhoneLinkFollowsItsPositionAndEndsWithIt() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let html = try await browser.get("/register/\(line)?reason=missing_accessories").body.string
                let marker = try #require(html.range(of: "name=\"uploadToken\" value=\""))
                let token = String(html[marker.upperBound...].prefix { $0 != "\"" })
                let added = try await browser.post(
                    "/register/\(line)",
                    ["reason": "missing_accessories", "uploadToken": token, "quantity": "1", "f[comment]": "Kabel"])
                #expect(added.status == .seeOther)
                let headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                // Sent after the form went into the cart: the photo joins the position.
                let late = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers,
                    body: Self.multipart([(name: "files[]", filename: "late.jpg", bytes: Self.jpeg)]))
                #expect(late.status == .ok)
                let position = try #require(try await CartPosition.query(on: app.db).first())
                #expect(position.attachments.count == 1)
                // Removed from the cart: the link says so instead of swallowing files.
                let removed = try await browser.post("/cart/positions/\(try position.requireID())/delete", [:])
                #expect(removed.status == .seeOther)
                #expect(try await CartPosition.query(on: app.db).count() == 0)
                let gone = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers,
                    body: Self.multipart([(name: "files[]", filename: "lost.jpg", bytes: Self.jpeg)]))
                #expect(gone.status == .gone)
                #expect(gone.body.string.contains("Deze link is niet meer geldig"))
            }
        }

        @Test func aPhoneLinkTakesTwentyFilesAndTheDayHasAQuota() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let html = try await browser.get("/register/\(line)?reason=transport_damage").body.string
                let marker = try #require(html.range(of: "name=\"uploadToken\" value=\""))
                let token = String(html[marker.upperBound...].prefix { $0 != "\"" })
                let headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                let twenty = (1...20).map {
                    (name: "files[]", filename: Optional("p\($0).jpg"), bytes: Self.jpeg + [UInt8($0)])
                }
                let first = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers, body: Self.multipart(twenty))
                #expect(first.status == .ok)
                let more = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers,
                    body: Self.multipart([(name: "files[]", filename: "21.jpg", bytes: Self.jpeg)]))
                #expect(more.status == .tooManyRequests)
                #expect((Int(more.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)

                app.config.uploadBytesPerUserDay = 1_000
                var api: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                api.bearerAuthorization = BearerAuthorization(token: jan)
                let overQuota = try await app.testing().sendRequest(
                    .POST, "/api/v1/attachments", headers: api,
                    body: Self.multipart([
                        (name: "file", filename: "x.jpg", bytes: Self.jpeg + [UInt8](repeating: 1, count: 1_000))
                    ]))
                #expect(overQuota.status == .tooManyRequests)
                #expect((Int(overQuota.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)
            }
        }

        @Test func downloadsAreAttachmentsWithTheirRealName() {
            let header = AttachmentStore.contentDisposition("Pakbon €12 \"x\".pdf")
            #expect(header.hasPrefix("attachment; filename=\"Pakbon _12 _x_.pdf\""))
            #expect(header.hasSuffix("filename*=UTF-8''Pakbon%20%E2%82%AC12%20%22x%22.pdf"))
        }

        @Test func aReminderWhoseUserIsDisabledIsMarkedAndHoldsUpNoOther() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let first = try await FollowUpTests.submitCommercialReturn(app, jan)
                let user = try #require(try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first())
                let record = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == first).first())
                // A request cannot name a login that does not exist: the database refuses it.
                record.userID += 10_000
                await #expect(throws: (any Error).self) { try await record.save(on: app.db) }
                // The login that submitted it has been disabled since: its reminder cannot be sent.
                let former = User(
                    email: "vertrokken@pcpartner.nl", name: "Vertrokken", passwordHash: "-", role: .resellerUser,
                    companyID: user.companyID)
                former.active = false
                try await former.create(on: app.db)
                record.userID = try former.requireID()
                try await record.save(on: app.db)
                let second = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)
                app.clock = FixedClock(day: testDay.adding(days: 4), timeZone: app.config.timeZone)
                #expect(try await ExpiryWorker.runOnce(app).reminded == 1)
                #expect(try await ExpiryWorker.runOnce(app).reminded == 0, "the marked reminder is not picked again")
                let reminders = try await OutboxMail.query(on: app.db).filter(\.$subject ~~ "verloopt morgen").all()
                #expect(reminders.map(\.recipient) == [user.email])
                #expect(reminders.first?.subject.contains(second) == false)
                let marked = try await ReturnRequest.query(on: app.db).filter(\.$number == first).first()
                #expect(marked?.reminderSent == true)
            }
        }

        @Test func housekeepingRemovesLeftoversAndKeepsWhatIsUsed() async throws {
            try await withRetour(fixtures: true) { app in
                app.fileStore = LocalFileStore(root: app.config.filesDirectory)
                let manager = FileManager.default
                let temporary = AttachmentStore.temporaryDirectory(app.config)
                try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
                let crashed = temporary + "/upload-crashed"
                manager.createFile(atPath: crashed, contents: Data([1, 2, 3]))
                let orphanDigest = String(repeating: "a", count: 64)
                try manager.createDirectory(
                    atPath: app.config.filesDirectory + "/aa", withIntermediateDirectories: true)
                let orphan = app.config.filesDirectory + "/aa/" + orphanDigest
                manager.createFile(atPath: orphan, contents: Data([4]))
                // A file this installation did not write (another's, in the same directory) is never
                // touched, however old and unnamed.
                let foreign = app.config.filesDirectory + "/aa/" + String(repeating: "a", count: 63) + "b"
                manager.createFile(atPath: foreign, contents: Data([6]))
                let old = app.clock.now.addingTimeInterval(-2 * 3600)
                for path in [crashed, orphan, foreign] {
                    try manager.setAttributes([.modificationDate: old], ofItemAtPath: path)
                }
                try await LocalFileStore.record(orphanDigest, size: 1, at: old, on: app.db)
                let fresh = temporary + "/upload-in-progress"
                manager.createFile(atPath: fresh, contents: Data([5]))
                try manager.setAttributes([.modificationDate: app.clock.now], ofItemAtPath: fresh)
                let result = try await Housekeeping.runOnce(app)
                #expect(result.files == 2)
                #expect(!manager.fileExists(atPath: crashed))
                #expect(!manager.fileExists(atPath: orphan))
                #expect(manager.fileExists(atPath: fresh), "an upload still being stored is left alone")
                #expect(manager.fileExists(atPath: foreign), "a file this installation did not write is left alone")
            }
        }

        @Test func aChangeOfRightsByTheImportEndsTheUsersSessions() async throws {
            try await withRetour(fixtures: true) { app in
                let piet = try await app.token("piet@pcpartner.nl")
                let browser = Browser(app)
                try await browser.login("piet@pcpartner.nl")
                let admin = try await app.token("admin@retour.example")
                let promoted =
                    #"{"users": [{"email": "piet@pcpartner.nl", "name": "Piet", "company": "100200", "role": "reseller_admin"}]}"#
                let answer = try await app.postJSON("/api/v1/import", promoted, token: admin)
                #expect(answer.status == .ok, "\(answer.body.string)")
                #expect(try await app.get("/api/v1/requests", token: piet).status == .unauthorized)
                #expect(try await browser.get("/search").status == .seeOther, "the old session ended")
                // Importing the same rights again ends nothing.
                let again = try await app.token("piet@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", promoted, token: admin).status == .ok)
                #expect(try await app.get("/api/v1/requests", token: again).status == .ok)
            }
        }

        @Test func productionRefusesTheDemoPasswordAWeakCostAndAMissingAddress() async throws {
            let app = try await Application.make(.production)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-prod-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            do {
                var config = AppConfig(
                    sqlitePath: directory.appendingPathComponent("retour.sqlite").path, bcryptCost: 4)
                config.workerInterval = 0
                try await configure(app, config: config)
                try await migrateGuarded(app)
                _ = try await loadDemoData(app)
                do {
                    try await ProductionSafety.check(app)
                    Issue.record("production started with the demo logins")
                } catch {
                    let text = "\(error)"
                    #expect(text.contains("RETOUR_BCRYPT_COST"))
                    #expect(text.contains("RETOUR_PUBLIC_URL"))
                    #expect(text.contains("jan@pcpartner.nl"))
                }
                app.config.bcryptCost = 12
                app.config.publicURL = "https://rma.example.com"
                app.config.allowDemo = true
                try await ProductionSafety.check(app)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }

        @Test func twoSubmissionsWithOneKeyAtOnceGetTheSameAnswer() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let position =
                    #"{"line": \#(line), "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "Kabel"}}"#
                #expect(try await RegistrationTests.add(app, position, token: jan).status == .created)
                let answers = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await RegistrationTests.submit(app, token: jan, key: "double-click") }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.map(\.status) == Array(repeating: .created, count: 8), "never 422 \"cart empty\"")
                #expect(Set(answers.map(\.body.string)).count == 1, "every click gets the first answer")
                #expect(try await ReturnRequest.query(on: app.db).count() == 1)
            }
        }

        @Test func metricsAreForAdministratorsAndCountWhatOperatorsWatch() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let admin = try await app.token("admin@retour.example")
                #expect(try await app.get("/metrics", token: nil).status == .unauthorized)
                #expect(try await app.get("/metrics", token: jan).status == .forbidden)
                let line = try await RegistrationTests.webcam(app, jan)
                let position =
                    #"{"line": \#(line), "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "Kabel"}}"#
                #expect(try await RegistrationTests.add(app, position, token: jan).status == .created)
                #expect(try await RegistrationTests.submit(app, token: jan).status == .created)
                let metrics = try await app.get("/metrics", token: admin)
                #expect(metrics.status == .ok)
                #expect(metrics.headers.contentType?.description.hasPrefix("text/plain") == true)
                let text = metrics.body.string
                for name in [
                    "http_requests_total", "retour_submissions_total", "retour_outbox_pending",
                    "retour_outbox_oldest_pending_seconds", "retour_requests_in_review",
                ] {
                    #expect(text.contains(name), "\(name) is missing from /metrics")
                }
                #expect(
                    text.contains(#"retour_outbox_pending 1"#) || text.contains(#"retour_outbox_pending 1.0"#),
                    "the confirmation waits in the outbox")
                // The pool: its size always; on PostgreSQL also the server's connections by state.
                #expect(text.contains("retour_db_pool_size"))
                if !app.db.isSQLite {
                    for state in ["active", "idle", "idle in transaction"] {
                        #expect(text.contains(#"retour_db_connections{state="\#(state)"}"#), "\(state)")
                    }
                }
            }
        }

        @Test func everyBadSettingIsReportedAtOnce() {
            let bad = ["RETOUR_BCRYPT_COST": "99", "RETOUR_SMTP_PORT": "0", "RETOUR_TIMEZONE": "Mars/Base"]
            do {
                _ = try AppConfig.fromEnvironment(bad)
                Issue.record("bad settings were accepted")
            } catch {
                for name in bad.keys { #expect("\(error)".contains(name), "\(name) is not reported") }
            }
        }

        @Test func jsonLogsCarryTheRequestID() throws {
            let lines = LockedLines()
            var logger = Logger(label: "retour.test") { JSONLogHandler(label: $0, write: { lines.append($0) }) }
            logger[metadataKey: "request-id"] = "abc-123"
            logger.info("GET /status")
            let line = try #require(lines.all.first)
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
            #expect(object["request-id"] == "abc-123")
            #expect(object["message"] == "GET /status")
            #expect(object["level"] == "info")
        }

        @Test func forwardedAddressesAreBelievedOnlyFromTrustedProxies() {
            let trusted: Set<String> = ["127.0.0.1"]
            #expect(
                ClientAddress.resolve(peer: "203.0.113.9", realIP: "1.2.3.4", forwardedFor: [], trusted: trusted)
                    == "203.0.113.9")
            #expect(
                ClientAddress.resolve(peer: "127.0.0.1", realIP: "198.51.100.7", forwardedFor: [], trusted: trusted)
                    == "198.51.100.7")
            #expect(
                ClientAddress.resolve(
                    peer: "127.0.0.1", realIP: nil, forwardedFor: ["6.6.6.6, 198.51.100.7"], trusted: trusted)
                    == "198.51.100.7")
        }

        /// A header name with a byte above 127 crashed the whole server inside MultipartKit (found by
        /// schemathesis): now any such body is a 400, on the upload routes, the forms and the API.
        @Test func aMultipartHeaderNameOutsideASCIIIsRefusedNotACrash() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let boundary = "69a9f7eac7c9e20a19ca35568ff193c4"
                var evil = ByteBuffer(string: "--\(boundary)\r\n")
                evil.writeBytes([0xC2, 0xBF, 0xC3, 0xBA, 0xC3, 0xA8, 0x37])
                evil.writeString(": x\r\n\r\nbody\r\n--\(boundary)--\r\n")
                var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=\(boundary)"]
                for (path, token) in [
                    ("/api/v1/attachments", jan), ("/api/v1/cart/positions", jan), ("/login", nil), ("/m/unknown", nil),
                ] {
                    if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
                    let answer = try await app.testing().sendRequest(.POST, path, headers: headers, body: evil)
                    #expect(answer.status == .badRequest || answer.status == .notFound, "\(path): \(answer.status)")
                    headers.remove(name: .authorization)
                }
                // The guard itself: names are ASCII, values (a file name in UTF-8) need not be.
                let fine = MultipartHeaderGuard(boundary: boundary)
                #expect(throws: Never.self) {
                    try fine.check(
                        ByteBuffer(
                            string:
                                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"foto-é.png\"\r\n\r\n\u{C0}\u{FF}\r\n--\(boundary)--\r\n"
                        ))
                }
                #expect(throws: MultipartHeaderGuard.Malformed.self) {
                    try MultipartHeaderGuard(boundary: boundary).check(evil)
                }
                // Whatever the chunks the body arrives in, a delimiter split between two of them is found.
                var second = ByteBuffer(
                    string:
                        "--\(boundary)\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nsome content\r\n--\(boundary)\r\n"
                )
                second.writeBytes([0xC3, 0xA8])
                second.writeString(": x\r\n\r\nb\r\n--\(boundary)--\r\n")
                for size in [1, 7, 64] {
                    let bytes = Array(second.readableBytesView)
                    let chunked = MultipartHeaderGuard(boundary: boundary)
                    #expect(throws: MultipartHeaderGuard.Malformed.self) {
                        for start in stride(from: 0, to: bytes.count, by: size) {
                            try chunked.check(ByteBuffer(bytes: bytes[start..<min(start + size, bytes.count)]))
                        }
                    }
                }
                // A real file through the API streams as before, well past 64 KB.
                let png: [UInt8] =
                    [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 7, count: 300_000)
                #expect(try await RegistrationTests.upload(app, png, name: "groot.png", token: jan).status == .created)
                // And a photo from the phone, without a login, just as well.
                let webcam = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let form = try await browser.get("/register/\(webcam)?reason=transport_damage").body.string
                let marker = try #require(form.range(of: "name=\"uploadToken\" value=\""))
                let uploadToken = String(form[marker.upperBound...].prefix { $0 != "\"" })
                var photo = ByteBuffer(
                    string:
                        "--b\r\nContent-Disposition: form-data; name=\"files[]\"; filename=\"doos.png\"\r\nContent-Type: image/png\r\n\r\n"
                )
                photo.writeBytes(png)
                photo.writeString("\r\n--b--\r\n")
                let fromPhone = try await app.testing().sendRequest(
                    .POST, "/m/\(uploadToken)", headers: ["Content-Type": "multipart/form-data; boundary=b"],
                    body: photo)
                #expect(fromPhone.status == .ok, "\(fromPhone.body.string.prefix(300))")
                // And the server still answers.
                #expect(try await app.get("/healthz", token: nil).status == .ok)
            }
        }
    }
}

/// What a log handler wrote, one entry per line.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []

    func append(_ line: Data) { lock.withLock { lines.append(line) } }
    var all: [Data] { lock.withLock { lines } }
}
