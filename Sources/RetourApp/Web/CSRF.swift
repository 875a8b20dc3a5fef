import Foundation
import Vapor

extension Request {
    /// The anti-forgery token every HTML form carries as `_csrf`: the session's, or for a visitor
    /// without a session (the login page) a token kept in a cookie, so that looking at a page
    /// never creates a session row.
    func csrfToken() -> String {
        if hasSession {
            if let token = session.data["csrf"] { return token }
            let token = randomToken(bytes: 24)
            session.data["csrf"] = token
            return token
        }
        if let token = cookies[CSRFMiddleware.cookieName]?.string, token.count == 32 { return token }
        if let token = storage[AnonymousCSRFKey.self] { return token }
        let token = randomToken(bytes: 24)
        storage[AnonymousCSRFKey.self] = token
        return token
    }

    /// A token made for this visitor during this request, to be set as a cookie on the answer.
    var newAnonymousCSRFToken: String? { storage[AnonymousCSRFKey.self] }

    /// The token a streamed upload form must carry, left by `CSRFMiddleware` for the route.
    var expectedCSRF: String? { storage[ExpectedCSRFKey.self] }
}

private struct ExpectedCSRFKey: StorageKey {
    typealias Value = String
}

private struct ForgeryKey: StorageKey {
    typealias Value = Bool
}

extension Request {
    /// Whether this request was refused as one another site (or no form at all) could have made.
    var isForgery: Bool { storage[ForgeryKey.self] == true }
}

private struct AnonymousCSRFKey: StorageKey {
    typealias Value = String
}

/// Refuses every state-changing request of the HTML side that another site could have made:
/// first by what the browser says about its origin (`Sec-Fetch-Site`, `Origin`), before any
/// of the body is read; then by the `_csrf` field, read from the body only within the route's own
/// bound (64 KB for anyone not signed in).
struct CSRFMiddleware: AsyncMiddleware {
    static let cookieName = "retour_csrf"

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method != .GET, request.method != .HEAD else { return try await next.respond(to: request) }
        guard Self.isSameSite(request) else {
            throw Self.forgery(request)
        }
        let streamsUpload = request.route?.userInfo[BodyLimit.streamsUploadKey] as? Bool == true
        // A form with files (only ever for a signed-in user) sent after the session ended: back to
        // sign in without reading its body, which may be far larger than an anonymous one may be.
        if streamsUpload, request.sessionExpired, request.surface == .pages {
            return Self.signInAgain(request)
        }
        let expected =
            request.hasSession ? request.session.data["csrf"] : request.cookies[Self.cookieName]?.string
        // A form with files is streamed by its route, which checks the token (the form's first
        // field) before it writes a byte of any file.
        if streamsUpload, request.auth.has(User.self) {
            guard let expected else { throw Self.forgery(request) }
            request.storage[ExpectedCSRFKey.self] = expected
            return try await next.respond(to: request)
        }
        try await BodyLimit.collect(request, max: BodyLimit.allowed(for: request))
        let sent = (try? request.content.get(String.self, at: "_csrf")) ?? request.headers.first(name: "X-CSRF-Token")
        guard let expected, let sent, constantTimeEqual(sent, expected) else {
            if request.sessionExpired, request.surface == .pages { return Self.signInAgain(request) }
            throw Self.forgery(request)
        }
        return try await next.respond(to: request)
    }

    /// The refusal of a request that no form of this site sent in this browser. Marked, so that it
    /// is answered directly: nothing is kept for it (`FormAnswerMiddleware`).
    static func forgery(_ request: Request) -> Abort {
        request.storage[ForgeryKey.self] = true
        return Abort(.forbidden, reason: request.texts["error.csrf"])
    }

    /// A page's form sent after the session ended: to the login page, which says why, and back to
    /// the page the form was on, where the browser fills the form again from its draft.
    static func signInAgain(_ request: Request) -> Response {
        request.redirect(to: .login(next: request.referringPage ?? "/", expired: true))
    }

    /// What the browser tells: a request from another site is refused; one without these headers
    /// (older browsers, tests, curl) is left to the token.
    static func isSameSite(_ request: Request) -> Bool {
        if let site = request.headers.first(name: "Sec-Fetch-Site")?.lowercased(),
            site != "same-origin", site != "none"
        {
            return false
        }
        if let origin = request.headers.first(name: .origin), origin != "null" {
            guard let host = URLComponents(string: origin)?.host else { return false }
            let expected =
                request.application.config.publicURL.flatMap { URLComponents(string: $0)?.host }
                ?? request.headers.first(name: .host).map { String($0.split(separator: ":").first ?? "") }
            return host.lowercased() == expected?.lowercased()
        }
        return true
    }
}

/// How much of a request body the server reads: 64 KB for anyone not signed in, whatever the
/// route; the route's own limit otherwise.
enum BodyLimit {
    static let anonymous = 64 * 1024
    static let signedInDefault = 1024 * 1024
    /// Set on routes that take larger bodies from signed-in users.
    static let userInfoKey = "retour.maxBody"
    /// Set on routes that stream file uploads to disk themselves (`UploadStream`).
    static let streamsUploadKey = "retour.streamsUpload"

    /// Reads the body into memory, refusing it with 413 as soon as it passes `max`: at once when
    /// its declared length is larger, without reading a byte of it.
    static func collect(_ request: Request, max: Int) async throws {
        if let length = request.headers.first(name: .contentLength).flatMap(Int.init), length > max {
            throw Abort(.payloadTooLarge)
        }
        if let data = request.body.data {
            guard data.readableBytes <= max else { throw Abort(.payloadTooLarge) }
            return
        }
        _ = try await request.body.collect(max: max).get()
    }

    static func allowed(for request: Request) -> Int {
        guard request.auth.has(User.self) else { return anonymous }
        return request.route?.userInfo[userInfoKey] as? Int ?? signedInDefault
    }
}

/// Reads no more than 64 KB of any request whose sender is not signed in. Requests with a larger
/// `Content-Length` are refused before a byte of the body is read.
struct AnonymousBodyLimitMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if !request.auth.has(User.self), request.method != .GET, request.method != .HEAD {
            try await BodyLimit.collect(request, max: BodyLimit.anonymous)
        }
        return try await next.respond(to: request)
    }
}

/// Compares two secrets without leaking, through timing, how much of them matched.
func constantTimeEqual(_ lhs: String, _ rhs: String) -> Bool {
    let a = Array(lhs.utf8)
    let b = Array(rhs.utf8)
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices { difference |= a[index] ^ b[index] }
    return difference == 0
}

func randomToken(bytes count: Int) -> String {
    var generator = SystemRandomNumberGenerator()
    let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    return Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}
