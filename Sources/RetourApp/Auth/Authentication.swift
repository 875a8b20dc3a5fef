import Crypto
import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Signing in with a password (`SignIn`) over the database, for the login page and
/// `POST /api/v1/auth/token`.
enum Authentication {
    static func verify(email: String, password: String, from address: String, on request: Request) async throws
        -> User
    {
        let config = request.config
        let hasher = request.password.async
        let id = try await SignIn(
            store: DatabaseSignInStore(database: request.db), now: request.now, throttle: config.loginThrottle,
            addressFailureLimit: config.addressFailureLimit, slowPathMilliseconds: config.slowLoginMilliseconds,
            providerOnlyRoles: config.oidc?.onlyRoles ?? [],
            verify: { password, hash in (try? await hasher.verify(password, created: hash)) ?? false },
            decoyHash: request.application.decoyHash,
            pause: { try await Task.sleep(for: .milliseconds($0)) },
            failed: { RetourMetrics.loginFailures.increment() }
        ).run(email: email, password: password, from: address)
        guard let user = try await DatabaseSessionStore(database: request.db).account(id) else {
            throw Refusal.notFound()
        }
        return user
    }
}

enum Tokens {
    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Logs in the user of a valid, unexpired bearer token whose account is still active — one query
/// per API request (the token joined with its user), so a revoked token stops at once everywhere.
struct BearerAuthenticator: AsyncBearerAuthenticator {
    func authenticate(bearer: BearerAuthorization, for request: Request) async throws {
        guard bearer.token.count < 200 else { return }
        if bearer.token.hasPrefix(APIKeys.prefix) {
            if let (user, grant) = try await APIKeys.authenticate(bearer.token, for: request) {
                request.auth.login(user)
                request.auth.login(grant)
            }
            return
        }
        guard let user = try await DatabaseSessionStore(database: request.db).bearer(bearer.token, now: request.now),
            user.active, user.mayActAsItsRole
        else { return }
        request.auth.login(user)
    }
}

/// Logs in the user whose id the session holds, as long as the account is still active.
struct SessionUserMiddleware: AsyncMiddleware {
    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        // Only an existing session is read: touching `request.session` would create one for every
        // anonymous page view.
        if request.hasSession, let raw = request.session.data["userID"], let id = Int(raw) {
            if let user = try await DatabaseSessionStore(database: request.db).login(id), user.active,
                user.mayActAsItsRole
            {
                request.auth.login(user)
            } else {
                request.session.data["userID"] = nil
            }
        }
        return try await next.respond(to: request)
    }
}

extension User: Authenticatable {
    /// Reseller roles see one company's data only; a reseller login without a company is refused
    /// everywhere rather than shown nothing, or everything.
    var mayActAsItsRole: Bool { CompanyScope(role: role, companyID: companyID) != nil }
}

extension Request {
    /// The signed-in user, or 401.
    func requireUser() throws -> User {
        guard let user = auth.get(User.self) else {
            throw Refusal(.unauthenticated, detail: Message("app.auth.pleaseLogInFirst"))
        }
        return user
    }

    /// The client's address. `X-Real-IP` / `X-Forwarded-For` are believed only when the request
    /// comes from a configured proxy (`RETOUR_TRUSTED_PROXIES`); anyone else could write them.
    var clientAddress: String {
        ClientAddress.resolve(
            peer: remoteAddress?.ipAddress ?? "unknown", realIP: headers.first(name: "X-Real-IP"),
            forwardedFor: headers[.xForwardedFor], trusted: application.config.trustedProxies)
    }
}

enum ClientAddress {
    /// The peer's address, unless the peer is a trusted proxy: then `X-Real-IP`, or else the last
    /// address in `X-Forwarded-For` that is not itself a trusted proxy.
    static func resolve(peer: String, realIP: String?, forwardedFor: [String], trusted: Set<String>) -> String {
        guard trusted.contains(peer) else { return peer }
        if let real = realIP?.trimmingWhitespace(), !real.isEmpty, real.count <= 64 { return real }
        let chain: [String] = forwardedFor.flatMap { $0.split(separator: ",") }.map { String($0).trimmingWhitespace() }
        return chain.last(where: { !trusted.contains($0) && !$0.isEmpty && $0.count <= 64 }) ?? peer
    }
}

extension Application {
    private struct DecoyHashKey: StorageKey {
        typealias Value = String
    }

    /// A real bcrypt hash of a random password at the configured cost, made once at start-up:
    /// checking an unknown e-mail against it costs as much as checking a real account.
    var decoyHash: String {
        get { storage[DecoyHashKey.self] ?? "" }
        set { storage[DecoyHashKey.self] = newValue }
    }
}
