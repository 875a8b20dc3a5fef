import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Uploads are bounded in size and count, from the form and from the phone.
    @Suite struct UploadLimitTests {
        @Test func aFileOver20MBIsRefusedAndLeavesNothingBehind() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                headers.bearerAuthorization = BearerAuthorization(token: jan)
                let big = TestUploads.jpeg + [UInt8](repeating: 0, count: FileKind.maximumBytes)
                let answer = try await app.testing().sendRequest(
                    .POST, "/api/v1/attachments", headers: headers,
                    body: TestUploads.multipart([(name: "file", filename: "big.jpg", bytes: big)]))
                #expect(answer.status == .payloadTooLarge)
                #expect(try await Attachment.query(on: app.db).count() == 0)
                let waiting = AttachmentStore.temporaryDirectory(app.config)
                #expect((try? FileManager.default.contentsOfDirectory(atPath: waiting))?.isEmpty ?? true)
            }
        }

        /// On the page, a file too large is left out and named at the file field; everything typed and
        /// the other files stay (the walk's D4: the page was replaced by an error).
        @Test func aFileOver20MBOnThePageIsLeftOutAndTheFormComesBackFilled() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, try await app.token("jan@pcpartner.nl"))
                _ = try await browser.get("/register/\(line)?reason=transport_damage")
                let big = TestUploads.jpeg + [UInt8](repeating: 0, count: FileKind.maximumBytes)
                let answer = try await browser.postMultipart(
                    "/register/\(line)",
                    [
                        (name: "reason", filename: nil, bytes: Array("transport_damage".utf8)),
                        (name: "files[]", filename: "groot.jpg", bytes: big),
                        (name: "files[]", filename: "klein.jpg", bytes: TestUploads.jpeg),
                        (name: "f[comment]", filename: nil, bytes: Array("Doos ingedeukt aan de zijkant".utf8)),
                    ])
                #expect(answer.status == .unprocessableEntity)
                let page = answer.body.string
                #expect(page.contains("groot.jpg is groter dan 20 MB en is niet toegevoegd"))
                #expect(page.contains("Doos ingedeukt aan de zijkant"), "text after the large file is kept")
                #expect(page.contains("klein.jpg"), "the other file is kept")
                #expect(try await Attachment.query(on: app.db).count() == 1)
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
                    body: TestUploads.multipart([
                        (name: "files[]", filename: "a.jpg", bytes: TestUploads.jpeg),
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
                    body: TestUploads.multipart([(name: "files[]", filename: "late.jpg", bytes: TestUploads.jpeg)]))
                #expect(late.status == .ok)
                let position = try #require(try await CartPosition.query(on: app.db).first())
                #expect(position.attachments.count == 1)
                // Removed from the cart: the link says so instead of swallowing files.
                let removed = try await browser.post("/cart/positions/\(try position.requireID())/delete", [:])
                #expect(removed.status == .seeOther)
                #expect(try await CartPosition.query(on: app.db).count() == 0)
                let gone = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers,
                    body: TestUploads.multipart([(name: "files[]", filename: "lost.jpg", bytes: TestUploads.jpeg)]))
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
                    (name: "files[]", filename: Optional("p\($0).jpg"), bytes: TestUploads.jpeg + [UInt8($0)])
                }
                let first = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers, body: TestUploads.multipart(twenty))
                #expect(first.status == .ok)
                let more = try await app.testing().sendRequest(
                    .POST, "/m/\(token)", headers: headers,
                    body: TestUploads.multipart([(name: "files[]", filename: "21.jpg", bytes: TestUploads.jpeg)]))
                #expect(more.status == .tooManyRequests)
                #expect((Int(more.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)

                app.config.uploadBytesPerUserDay = 1_000
                var api: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
                api.bearerAuthorization = BearerAuthorization(token: jan)
                let overQuota = try await app.testing().sendRequest(
                    .POST, "/api/v1/attachments", headers: api,
                    body: TestUploads.multipart([
                        (name: "file", filename: "x.jpg", bytes: TestUploads.jpeg + [UInt8](repeating: 1, count: 1_000))
                    ]))
                #expect(overQuota.status == .tooManyRequests)
                #expect((Int(overQuota.headers.first(name: .retryAfter) ?? "") ?? 0) >= 1)
            }
        }
    }
}
