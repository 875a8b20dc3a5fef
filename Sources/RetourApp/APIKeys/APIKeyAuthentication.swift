import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
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
        struct Used: Decodable {
            var id: Int
            var user_id: Int
            var scopes: String
            var window_count: Int
            var previous_count: Int
            var company_id: Int?
            var role: String?
        }
        // SQLite has one writer: the update queues with the other writers instead of meeting
        // "database is locked" (PostgreSQL takes it as it comes). Every SET reads the row as it was.
        let use: @Sendable (any Database) async throws -> Used? = { db in
            try await db.sql.raw(
                """
                UPDATE api_keys SET last_used_at = \(bind: now),
                       previous_count = CASE WHEN window_start = \(bind: window) THEN previous_count
                                             WHEN window_start = \(bind: window - 60) THEN window_count ELSE 0 END,
                       window_count = CASE WHEN window_start = \(bind: window) THEN window_count + 1 ELSE 1 END,
                       window_start = \(bind: window)
                 WHERE key_hash = \(bind: Tokens.hash(key)) AND revoked_at IS NULL
                RETURNING id, user_id, scopes, window_count, previous_count, company_id, role
                """
            ).first(decoding: Used.self)
        }
        guard let used = try await request.db.isSQLite ? request.db.writeTransaction(use) : use(request.db),
            let role = used.role.flatMap(Role.init(rawValue:)),
            let user = try await User.find(used.user_id, on: request.db),
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
