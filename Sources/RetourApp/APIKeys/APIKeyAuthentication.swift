import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The key a request came with, once it is known to be valid: its scopes bound what the person
/// behind it may do through it.
struct APIKeyGrant: Authenticatable {
    var id: Int
    var scopes: Set<APIScope>
}

enum APIKeys {
    /// Every key starts so, which tells it from a person's token (`rt_`).
    static let prefix = ManageIntegrations.keyPrefix

    /// Checks `key`, records its use and counts it against its rate limit, in one statement; then
    /// signs in the person who made it — only while the key still stands for them (the same
    /// company, the same role, active). nil when the key is unknown, revoked or ended.
    static func authenticate(_ key: String, for request: Request) async throws -> (User, APIKeyGrant)? {
        let now = Int64(request.now.timeIntervalSince1970)
        let window = now - now % Int64(SlidingWindow.seconds)
        guard
            let used = try await DatabaseIntegrationStore(database: request.db).use(
                keyHash: Tokens.hash(key), at: now, window: window),
            let role = used.role.flatMap(Role.init(rawValue:)),
            let user = try await DatabaseSessionStore(database: request.db).account(used.user_id),
            APIScope.keyStands(
                madeAs: role, for: used.company_id, makerRole: user.role, makerCompany: user.companyID,
                makerActive: user.active),
            user.mayActAsItsRole
        else { return nil }
        let limit = request.config.apiKeyRequestsPerMinute
        let counted = SlidingWindow(
            previous: used.previous_count, current: used.window_count, elapsed: Int(now - window))
        if counted.exceeds(limit) {
            throw Refusal(
                .tooManyAttempts, detail: Message("app.apikeys.tooManyRequests", ["limit": "\(limit)"]),
                retryAfter: counted.secondsUntilAllowed(limit))
        }
        let scopes = Set(used.scopes.split(separator: " ").compactMap { APIScope(rawValue: String($0)) })
        return (user, APIKeyGrant(id: used.id, scopes: scopes))
    }
}

/// A request made with an API key goes only where the key's scopes reach (403 elsewhere).
struct APIKeyScopeMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        if let grant = request.auth.get(APIKeyGrant.self),
            !APIScope.permits(grant.scopes, method: request.method.rawValue, path: request.url.path)
        {
            throw Refusal(.forbidden, detail: Message("app.apikeys.notWithinScopes"))
        }
        return try await next.respond(to: request)
    }
}
