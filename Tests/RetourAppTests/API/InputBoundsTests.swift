import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Numbers, names and headers from outside are bounded: refused with a clear answer, never a crash.
    @Suite struct InputBoundsTests {
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

        /// A message with a NUL character is refused the same on SQLite (which would keep it) as on
        /// PostgreSQL (which cannot).
        @Test func aMessageWithANULCharacterIsRefusedOnEveryDatabase() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let number = try await FollowUpTests.submitCommercialReturn(app, jan)
                let answer = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages", #"{"message": "hallo\u0000daar"}"#, token: jan)
                #expect(answer.status == .badRequest)
                let events = try await RequestEvent.query(on: app.db).filter(\.$action == "message").count()
                #expect(events == 0)
            }
        }
    }
}
