import Crypto
import Fluent
import Foundation
import RetourCore
import Vapor

/// Checks an e-mail and password, with throttling shared by every `serve` process through the
/// database. Used by the login page and by `POST /api/v1/auth/token`.
///
/// Failures are counted per account *and* client, so that nobody can lock a chosen person out:
/// - one client guessing one account waits ever longer (2 s, 4 s … 2 min) — that client only;
/// - one client failing on many accounts waits up to 30 s an attempt, never a long lock, since a
///   whole office may share its address;
/// - an account failed from many clients is not closed: every attempt on it takes a slower path
///   (a short wait before the password is checked), which a person passes and a botnet feels.
/// Every 429 says when to try again (`Retry-After`).
enum Authentication {
    /// Failures of one account from every client after which each attempt takes the slower path.
    static let accountUnderAttackFailures = 20
    /// The longest a client that failed on many accounts waits between attempts.
    static let longestAddressDelaySeconds = 30

    static func verify(email rawEmail: String, password: String, from address: String, on request: Request) async throws
        -> User
    {
        let email = rawEmail.trimmingWhitespace().lowercased()
        let config = request.config
        let now = Int64(request.now.timeIntervalSince1970)
        let since = now - Int64(config.loginThrottle.windowSeconds)
        let emailSubject = "email:" + email
        let addressSubject = "address:" + address
        let pairSubject = "pair:" + address + " " + email

        let failures = try await LoginFailure.query(on: request.db)
            .filter(\.$subject ~~ [emailSubject, addressSubject, pairSubject])
            .filter(\.$at > since)
            .all()
        let byPair = failures.filter { $0.subject == pairSubject }.map(\.at)
        let byAddress = failures.filter { $0.subject == addressSubject }.map(\.at)
        let byEmail = failures.filter { $0.subject == emailSubject }.count
        let addressThrottle = LoginThrottle(
            maximumFailures: config.addressFailureLimit, windowSeconds: config.loginThrottle.windowSeconds)
        if let wait = config.loginThrottle.growingDelay(failures: byPair, now: now)
            ?? addressThrottle.growingDelay(
                failures: byAddress, now: now, longestDelaySeconds: Self.longestAddressDelaySeconds)
        {
            let message =
                wait < 60
                ? Message("app.auth.tooManyAttemptsSeconds", ["amount": "\(wait)"])
                : Message("app.auth.tooManyAttemptsMinutes", ["amount": "\(max(1, (wait + 59) / 60))"])
            throw Refusal(.tooManyAttempts, detail: message, retryAfter: wait)
        }
        if byEmail >= Self.accountUnderAttackFailures && config.slowLoginMilliseconds > 0 {
            try await Task.sleep(for: .milliseconds(config.slowLoginMilliseconds))
        }
        // Failures older than the window count for nothing; forget them.
        try await LoginFailure.query(on: request.db)
            .filter(\.$subject ~~ [emailSubject, addressSubject, pairSubject])
            .filter(\.$at <= since).delete()

        let user = try await User.query(on: request.db).filter(\.$email == email).first()
        let passwordMatches: Bool
        if let user {
            passwordMatches = (try? await request.password.async.verify(password, created: user.passwordHash)) ?? false
        } else {
            // Spend the same time as for a real account, so timing does not tell which e-mails exist.
            _ = try? await request.password.async.verify(password, created: request.application.decoyHash)
            passwordMatches = false
        }
        guard let user, passwordMatches, user.active else {
            RetourMetrics.loginFailures.increment()
            for subject in [emailSubject, addressSubject, pairSubject] {
                try await LoginFailure(subject: subject, at: now).create(on: request.db)
            }
            if let user, passwordMatches, !user.active {
                throw Refusal(
                    .unauthenticated, detail: Message("app.auth.thisLoginHasBeenDisabledPlease"))
            }
            throw Refusal(
                .unauthenticated, detail: Message("app.auth.eMailAddressOrPasswordIs"))
        }
        try await LoginFailure.query(on: request.db).filter(\.$subject == pairSubject).delete()
        // Local passwords switched off for this role: only the identity provider signs it in.
        if let oidc = config.oidc, oidc.onlyRoles.contains(user.role) {
            throw Refusal(.forbidden, detail: Message("app.auth.signInThroughTheProvider"))
        }
        if user.signedInAt == nil {
            user.signedInAt = request.now
            try await user.save(on: request.db)
        }
        // A reseller login must belong to a company: without one it could never be scoped.
        guard user.mayActAsItsRole else {
            throw Refusal(
                .forbidden, detail: Message("app.auth.thisLoginBelongsToNoCompany2"))
        }
        return user
    }
}

enum Tokens {
    /// Makes a new bearer token for `user`; only its SHA-256 is kept.
    static func issue(for user: User, on database: any Database, now: Date, lifetimeDays: Int) async throws
        -> (token: String, expiresAt: Date)
    {
        let token = "rt_" + randomToken(bytes: 32)
        let record = APIToken()
        record.$user.id = try user.requireID()
        record.tokenHash = hash(token)
        record.createdAt = now
        record.expiresAt = now.addingTimeInterval(TimeInterval(lifetimeDays) * 86_400)
        try await record.create(on: database)
        return (token, record.expiresAt)
    }

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
        guard
            let token = try await APIToken.query(on: request.db)
                .join(User.self, on: \APIToken.$user.$id == \User.$id)
                .filter(\.$tokenHash == Tokens.hash(bearer.token))
                .filter(\.$expiresAt > request.now)
                .first(),
            let user = try? token.joined(User.self), user.active, user.mayActAsItsRole
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
            // The user with its company in one query: every page shows the company's name.
            if let user = try await User.query(on: request.db).filter(\.$id == id)
                .join(Company.self, on: \User.$company.$id == \Company.$id, method: .left).first(),
                user.active, user.mayActAsItsRole
            {
                user.$company.value = .some(try? user.joined(Company.self))
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
