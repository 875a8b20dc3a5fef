import Vapor

/// The headers every HTML answer carries: no inline script or style, no framing, no referrer
/// beyond this site, no powerful browser features, and HSTS once the portal is served over https.
/// Every API answer is private to its caller (`no-store`, unless the route says otherwise), and
/// every 429 says when to try again.
struct SecurityHeadersMiddleware: AsyncMiddleware {
    static let contentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
        + "form-action 'self'; base-uri 'none'"

    /// A 429 whose cause names no time of its own (a quota, a link's limit): a minute.
    static let defaultRetryAfterSeconds = 60

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let response = try await next.respond(to: request)
        let headers = response.headers
        response.headers.replaceOrAdd(name: "X-Content-Type-Options", value: "nosniff")
        // An address that is itself a secret (a password link, a phone upload link, the identity
        // provider's code) is not even sent to this site's own pages as a referrer.
        let secretAddress = [
            PageRoute.passwordReset.fixedPrefix, PageRoute.phoneUpload.fixedPrefix, PageRoute.oidcLogin.path(),
        ]
        .contains { request.url.path.hasPrefix($0) }
        response.headers.replaceOrAdd(name: "Referrer-Policy", value: secretAddress ? "no-referrer" : "same-origin")
        if request.application.config.publicURL?.lowercased().hasPrefix("https://") == true {
            response.headers.replaceOrAdd(name: .strictTransportSecurity, value: "max-age=31536000; includeSubDomains")
        }
        if request.surface == .api && !headers.contains(name: .cacheControl) {
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        if response.status == .tooManyRequests && !headers.contains(name: .retryAfter) {
            response.headers.replaceOrAdd(name: .retryAfter, value: "\(Self.defaultRetryAfterSeconds)")
        }
        if headers.contentType?.subType == "html" {
            response.headers.replaceOrAdd(name: .contentSecurityPolicy, value: Self.contentSecurityPolicy)
            response.headers.replaceOrAdd(name: "X-Frame-Options", value: "DENY")
            response.headers.replaceOrAdd(
                name: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        }
        return response
    }
}

extension HTTPHeaders.Name {
    static let strictTransportSecurity = HTTPHeaders.Name("Strict-Transport-Security")
}
