import Foundation
import Vapor

extension Request {
    /// The session's anti-forgery token, made on first use. Every HTML form carries it as `_csrf`.
    func csrfToken() -> String {
        if let token = session.data["csrf"] { return token }
        let token = randomToken(bytes: 24)
        session.data["csrf"] = token
        return token
    }
}

/// Refuses every state-changing request of the HTML side whose `_csrf` field does not match the
/// session's token.
struct CSRFMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard request.method != .GET, request.method != .HEAD else { return try await next.respond(to: request) }
        // A streamed body (file uploads) is read here already, to find the token in it; forms
        // with files are bounded by the largest upload route, other forms by a small limit.
        if request.body.data == nil {
            let multipart = request.headers.contentType?.subType == "form-data"
            _ = try await request.body.collect(max: multipart ? 120 * 1024 * 1024 : 1024 * 1024).get()
        }
        let sent = (try? request.content.get(String.self, at: "_csrf")) ?? request.headers.first(name: "X-CSRF-Token")
        guard let expected = request.session.data["csrf"], let sent, constantTimeEqual(sent, expected) else {
            throw Abort(.forbidden, reason: request.texts["error.csrf"])
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
