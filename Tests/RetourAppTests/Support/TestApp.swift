import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

/// The day every app test lives on; the fixtures are dated around it.
let testDay = CalendarDay(iso: "2026-03-16")!

/// Runs `body` against a freshly migrated application, with the test world loaded if `fixtures`:
/// in-memory SQLite by default, a PostgreSQL database of its own when `DATABASE_URL` is set. Tests
/// run side by side, a few at a time (`TestSlots`).
func withRetour(fixtures: Bool = false, _ body: (Application) async throws -> Void) async throws {
    await TestSlots.shared.enter()
    let databaseURL: String?
    do {
        databaseURL = try await TestDatabase.make()
    } catch {
        await TestSlots.shared.leave()
        throw error
    }
    let app = try await Application.make(.testing)
    var failure: (any Error)?
    do {
        var config = AppConfig(databaseURL: databaseURL, sqlitePath: ":memory:", bcryptCost: 4)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("retour-test-\(UUID())").path
        config.filesDirectory = scratch + "/files"
        config.mailDirectory = scratch + "/mail"
        config.workerInterval = 0
        try await configure(app, config: config)
        app.clock = FixedClock(day: testDay, timeZone: config.timeZone)
        try await migrateGuarded(app)
        if fixtures { try await loadFixtures(app) }
        try await body(app)
    } catch {
        failure = error
    }
    try? await app.asyncShutdown()
    await TestDatabase.drop(databaseURL)
    await TestSlots.shared.leave()
    if let failure { throw failure }
}

extension Application {
    /// A bearer token for `email` (the fixtures' password).
    func token(_ email: String, password: String = Fixtures.password) async throws -> String {
        let response = try await testing().sendRequest(
            .POST, "/api/v1/auth/token", headers: ["Content-Type": "application/json"],
            body: ByteBuffer(string: #"{"email":"\#(email)","password":"\#(password)"}"#))
        #expect(response.status == .ok, "login of \(email) failed: \(response.body.string)")
        return try JSONDecoder().decode([String: String].self, from: response.body)["token"] ?? ""
    }

    func get(_ path: String, token: String?) async throws -> TestingHTTPResponse {
        var headers = HTTPHeaders()
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        return try await testing().sendRequest(.GET, path, headers: headers)
    }

    func postJSON(_ path: String, _ json: String, token: String?) async throws -> TestingHTTPResponse {
        var headers: HTTPHeaders = ["Content-Type": "application/json"]
        if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
        return try await testing().sendRequest(.POST, path, headers: headers, body: ByteBuffer(string: json))
    }
}

extension TestingHTTPResponse {
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(buffer: body))
        return object as? [String: Any] ?? [:]
    }

    /// The `field`s of a problem+json answer.
    func problemFields() throws -> [String] {
        ((try json()["errors"] as? [[String: Any]]) ?? []).compactMap { $0["field"] as? String }
    }
}

/// A browser for the HTML side: keeps the session cookie and reads the CSRF token from pages, and
/// follows the redirect to a form's answer as a browser does (`FormAnswerMiddleware`).
final class Browser: @unchecked Sendable {
    let app: Application
    var cookies: [String: String] = [:]
    var csrf: String?
    /// The last form's own answer, before its redirect to the page that answers it was followed.
    private(set) var formAnswer: TestingHTTPResponse?
    /// Off, the answer's redirect is returned as it came.
    var followsAnswers = true
    /// The page a browser names as the one a form was sent from (`Referer`), if any.
    var referer: String?

    init(_ app: Application) { self.app = app }

    @discardableResult
    func get(_ path: String) async throws -> TestingHTTPResponse {
        let response = try await app.testing().sendRequest(.GET, path, headers: cookieHeaders())
        remember(response)
        return response
    }

    @discardableResult
    func post(_ path: String, _ form: [String: String], csrf overriding: String?? = nil) async throws
        -> TestingHTTPResponse
    {
        var fields = form
        let token: String? = overriding ?? csrf
        if let token { fields["_csrf"] = token }
        var headers = cookieHeaders()
        headers.contentType = .urlEncodedForm
        let body = fields.map { "\(encode($0.key))=\(encode($0.value))" }.joined(separator: "&")
        let response = try await app.testing().sendRequest(
            .POST, path, headers: headers, body: ByteBuffer(string: body))
        return try await followed(response)
    }

    /// A form whose fields may repeat (checkboxes named `rights[]`), the CSRF token added.
    @discardableResult
    func post(_ path: String, pairs: [(String, String)]) async throws -> TestingHTTPResponse {
        var headers = cookieHeaders()
        headers.contentType = .urlEncodedForm
        let all = pairs + (csrf.map { [("_csrf", $0)] } ?? [])
        let body = all.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
        let response = try await app.testing().sendRequest(
            .POST, path, headers: headers, body: ByteBuffer(string: body))
        return try await followed(response)
    }

    /// Logs in through the login form; returns the answer to the form.
    @discardableResult
    func login(_ email: String, password: String = Fixtures.password) async throws -> TestingHTTPResponse {
        try await get("/login")
        let answer = try await post("/login", ["email": email, "password": password, "next": "/search"])
        // Like a browser, follow the redirect: the new page carries the session's new CSRF token.
        if answer.status == .seeOther, let location = answer.headers.first(name: .location) { try await get(location) }
        return answer
    }

    private func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }

    /// A form with files, as a browser sends it: the CSRF token first.
    @discardableResult
    func postMultipart(_ path: String, _ parts: [(name: String, filename: String?, bytes: [UInt8])]) async throws
        -> TestingHTTPResponse
    {
        var headers = cookieHeaders()
        headers.add(name: .contentType, value: "multipart/form-data; boundary=b")
        let all = [(name: "_csrf", filename: String?.none, bytes: Array((csrf ?? "").utf8))] + parts
        let response = try await app.testing().sendRequest(
            .POST, path, headers: headers, body: TestUploads.multipart(all))
        return try await followed(response)
    }

    /// A form answered with a page comes back as a redirect to that page, which a browser follows.
    private func followed(_ response: TestingHTTPResponse) async throws -> TestingHTTPResponse {
        remember(response)
        formAnswer = response
        guard followsAnswers, response.status == .seeOther, let location = response.headers.first(name: .location),
            FormAnswerMiddleware.token(in: URI(string: location)) != nil
        else { return response }
        return try await get(location)
    }

    private func cookieHeaders() -> HTTPHeaders {
        var headers = HTTPHeaders()
        if let referer { headers.add(name: .referer, value: "http://localhost" + referer) }
        if !cookies.isEmpty {
            headers.add(name: .cookie, value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        return headers
    }

    private func remember(_ response: TestingHTTPResponse) {
        for header in response.headers[.setCookie] {
            let pair = header.split(separator: ";", maxSplits: 1)[0].split(separator: "=", maxSplits: 1)
            if pair.count == 2 { cookies[String(pair[0])] = String(pair[1]) }
        }
        let body = response.body.string
        if let range = body.range(of: #"name="_csrf" value=""#) {
            csrf = String(body[range.upperBound...].prefix { $0 != "\"" })
        }
    }
}
