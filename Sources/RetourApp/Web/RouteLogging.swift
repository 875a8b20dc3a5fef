import Vapor

/// One log line per request, as Vapor's own route logging writes it, but without the secrets some
/// addresses carry: the token of a password link (`/password/reset/…`) and of a phone upload link
/// (`/m/…`) are credentials and never reach a log.
struct RouteLoggingWithoutSecrets: AsyncMiddleware {
    static let secretPrefixes = [PageRoute.passwordReset.fixedPrefix, PageRoute.phoneUpload.fixedPrefix]

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        request.logger.info("\(request.method) \(Self.redacted(request.url.path))")
        return try await next.respond(to: request)
    }

    static func redacted(_ path: String) -> String {
        for prefix in secretPrefixes where path.hasPrefix(prefix) { return prefix + "…" }
        return path
    }
}
