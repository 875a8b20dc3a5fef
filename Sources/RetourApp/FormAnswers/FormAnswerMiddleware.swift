import Foundation
import Vapor

/// Post/Redirect/Get for every page that answers a form. A POST of the pages whose answer is a
/// page (the form again with its errors, a confirmation, a key shown once) is answered with a 303
/// to the page the form was on, with a one-time `answer` token; the browser's GET of that address
/// shows the kept page, once. Back and Reload then never offer to send the form again, and what
/// was typed comes back with the errors beside it. Answers that are redirects or files pass through,
/// and so does the refusal of a forged form: no form of this site sent it.
struct FormAnswerMiddleware: AsyncMiddleware {
    static let queryName = "answer"
    /// A page larger than this (none is) is answered directly rather than kept.
    static let largestPage = 2 * 1024 * 1024

    static func cookieName(secure: Bool) -> String { secure ? "__Host-retour_answer" : "retour_answer" }

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if request.method == .GET, request.surface == .pages, let token = Self.token(in: request.url) {
            return await show(token, to: request)
        }
        let response = try await next.respond(to: request)
        guard request.method == .POST, request.surface == .pages, !request.isForgery, Self.isPage(response),
            let page = response.body.buffer, page.readableBytes <= Self.largestPage, Self.hasSeenThisSite(request)
        else { return response }
        do {
            return try await redirect(request, answeredWith: response, page: page)
        } catch {
            // Keeping the answer failed (the database is away): the page itself is still right.
            request.logger.warning("form answer not kept: \(String(reflecting: error))")
            return response
        }
    }

    private func redirect(_ request: Request, answeredWith response: Response, page: ByteBuffer) async throws
        -> Response
    {
        let secure = request.application.config.secureCookies
        let cookieName = Self.cookieName(secure: secure)
        let existing = request.cookies[cookieName].map(\.string).flatMap { Self.isToken($0) ? $0 : nil }
        let browserKey = existing ?? randomToken(bytes: 32)
        let token = try await FormAnswerStore(database: request.db).keep(
            page: Array(buffer: page), status: Int(response.status.code), browserKey: browserKey, now: request.now)
        let redirect = Response(status: .seeOther)
        redirect.headers.replaceOrAdd(name: .location, value: Self.address(of: request, token: token))
        redirect.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        // What the answer set (a new session at sign-in, the language, a visitor's CSRF token) holds.
        for (name, value) in response.headers where name.lowercased() == "set-cookie" {
            redirect.headers.add(name: .setCookie, value: value)
        }
        if existing == nil {
            let cookie = HTTPCookies.Value(
                string: browserKey, maxAge: 12 * 3600, path: "/", isSecure: secure, isHTTPOnly: true, sameSite: .lax)
            redirect.headers.add(name: .setCookie, value: cookie.serialize(name: cookieName))
        }
        return redirect
    }

    private func show(_ token: String, to request: Request) async -> Response {
        let clean = Self.address(of: request.url, token: nil)
        guard
            let browserKey = request.cookies[Self.cookieName(secure: request.application.config.secureCookies)]?
                .string, Self.isToken(browserKey)
        else { return request.redirect(to: clean) }
        do {
            // Spent, expired or another browser's: the page the form was on, as it is now.
            guard
                let answer = try await FormAnswerStore(database: request.db).take(
                    token: token, browserKey: browserKey, now: request.now)
            else { return request.redirect(to: clean) }
            // A GET creates nothing: what the POST called 201 Created is simply the page now.
            let status = (200..<300).contains(answer.status) ? .ok : HTTPStatus(statusCode: answer.status)
            let response = Response(status: status, body: .init(data: answer.page))
            response.headers.replaceOrAdd(name: .contentType, value: "text/html; charset=utf-8")
            return response
        } catch {
            request.logger.warning("form answer not read: \(String(reflecting: error))")
            return request.redirect(to: clean)
        }
    }

    /// A page, but not a 429: when to try again is said by that answer's own `Retry-After`.
    private static func isPage(_ response: Response) -> Bool {
        response.headers.contentType?.subType == "html" && !(300..<400).contains(response.status.code)
            && response.status != .noContent && response.status != .tooManyRequests
    }

    /// A browser that has been on this site holds one of its cookies; a POST without any (a robot)
    /// is answered directly, so that nothing is kept for it.
    private static func hasSeenThisSite(_ request: Request) -> Bool {
        let names = [
            request.application.sessions.configuration.cookieName, CSRFMiddleware.cookieName,
            cookieName(secure: request.application.config.secureCookies),
        ]
        return names.contains { request.cookies[$0] != nil }
    }

    private static func isToken(_ text: String) -> Bool {
        (20...64).contains(text.utf8.count)
            && text.utf8.allSatisfy { $0.isASCIIAlphanumeric || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") }
    }

    /// The token of an answer's address, if it carries one.
    static func token(in url: URI) -> String? {
        guard let query = url.query, query.contains(queryName + "=") else { return nil }
        let token = URLComponents(string: "/?" + query)?.queryItems?.first { $0.name == queryName }?.value
        return token.flatMap { isToken($0) ? $0 : nil }
    }

    /// Where the answer is shown: the page the form was on (or the form's own address, when the
    /// browser names no page), with `token` in place of any earlier answer's.
    private static func address(of request: Request, token: String) -> String {
        request.referringPage.map { address(path: $0, token: token) } ?? address(of: request.url, token: token)
    }

    private static func address(of url: URI, token: String?) -> String {
        address(path: url.path + (url.query.map { "?" + $0 } ?? ""), token: token)
    }

    /// `local` is an address as it travels, percent-encoded: its parts are kept as they are.
    private static func address(path local: String, token: String?) -> String {
        let parts = local.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init).flatMap { $0.isEmpty ? nil : $0 } ?? "/"
        var items = parts.count > 1 ? parts[1].split(separator: "&").map(String.init) : []
        items.removeAll { $0 == queryName || $0.hasPrefix(queryName + "=") }
        if let token { items.append(queryName + "=" + token) }
        // Never anywhere but this site, whatever address the request came with.
        return safeLocalPath(items.isEmpty ? path : path + "?" + items.joined(separator: "&")) ?? "/"
    }
}

extension UInt8 {
    fileprivate var isASCIIAlphanumeric: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self)
    }
}
