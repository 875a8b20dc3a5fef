import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Pages and answers keep to this site, this company and what the reader chose.
    @Suite struct WebSecurityTests {
        @Test func anAgentCannotAttachAnotherCompanysFile() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Journeys.receivedReturn(app, agent: agent)
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
                    try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()?.language != .en)
                let forged = try await browser.post("/lang/en?next=/status", [:], csrf: "forged")
                #expect(forged.status == .forbidden)
                #expect(
                    try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()?.language != .en)
                let page = try await browser.get("/status")
                #expect(page.body.string.contains(#"action="/lang/nl?next="#))
                let form = try await browser.post("/lang/en?next=/status", [:])
                #expect(form.status == .seeOther)
                #expect(
                    try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first()?.language == .en)
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

        @Test func downloadsAreAttachmentsWithTheirRealName() {
            let header = AttachmentStore.contentDisposition("Pakbon €12 \"x\".pdf")
            #expect(header.hasPrefix("attachment; filename=\"Pakbon _12 _x_.pdf\""))
            #expect(header.hasSuffix("filename*=UTF-8''Pakbon%20%E2%82%AC12%20%22x%22.pdf"))
        }
    }
}
