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
        guard let user = try await User.find(id, on: request.db) else { throw Refusal.notFound() }
        return user
    }
}

/// The logins and failed attempts behind `SignIn`.
struct DatabaseSignInStore: SignInStore {
    let database: any Database

    func failures(of subjects: [String], after since: Int64) async throws -> [String: [Int64]] {
        let found = try await LoginFailure.query(on: database).filter(\.$subject ~~ subjects).filter(\.$at > since)
            .all()
        return Dictionary(grouping: found, by: \.subject).mapValues { $0.map(\.at) }
    }

    func forgetFailures(of subjects: [String], upTo: Int64?) async throws {
        let query = LoginFailure.query(on: database).filter(\.$subject ~~ subjects)
        if let upTo { query.filter(\.$at <= upTo) }
        try await query.delete()
    }

    func recordFailure(of subjects: [String], at: Int64) async throws {
        for subject in subjects { try await LoginFailure(subject: subject, at: at).create(on: database) }
    }

    func login(email: String) async throws -> SignInLogin? {
        try await User.query(on: database).filter(\.$email == email).first().map {
            SignInLogin(
                id: try $0.requireID(), passwordHash: $0.passwordHash, active: $0.active, role: $0.role,
                companyID: $0.companyID, signedInBefore: $0.signedInAt != nil)
        }
    }

    func markSignedIn(_ id: Int, at: Date) async throws {
        try await User.query(on: database).filter(\.$id == id).filter(\.$signedInAt == nil).set(\.$signedInAt, to: at)
            .update()
    }

    func keepProviderSignIn(state: String, _ pending: PendingProviderSignIn, at: Date) async throws {
        let signIn = OIDCSignIn()
        signIn.stateHash = Tokens.hash(state)
        signIn.nonce = pending.nonce
        signIn.verifier = pending.verifier
        signIn.next = pending.next
        signIn.createdAt = at
        try await signIn.create(on: database)
    }

    func forgetProviderSignIns(startedBefore: Date) async throws {
        try await OIDCSignIn.query(on: database).filter(\.$createdAt < startedBefore).delete()
    }

    func takeProviderSignIn(state: String, startedAfter: Date, at: Date) async throws -> PendingProviderSignIn? {
        try await database.writeTransaction { db in
            guard let found = try await OIDCSignIn.query(on: db).filter(\.$stateHash == Tokens.hash(state)).first()
            else { return nil }
            try await db.lockForUpdate(OIDCSignIn.schema, ids: [try found.requireID()])
            guard let fresh = try await OIDCSignIn.find(found.id, on: db), fresh.usedAt == nil,
                fresh.createdAt > startedAfter
            else { return nil }
            fresh.usedAt = at
            try await fresh.save(on: db)
            return PendingProviderSignIn(nonce: fresh.nonce, verifier: fresh.verifier, next: fresh.next)
        }
    }

    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
        try await AuditEvent(at: at, actorID: actorID, action: action, subject: subject, detail: detail)
            .create(on: database)
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
