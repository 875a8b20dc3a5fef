import Foundation
import RetourCore

/// Checks an e-mail and password, for the login page and `POST /api/v1/auth/token`, with
/// throttling. Failures are counted per account *and* client, so that nobody can lock a chosen
/// person out:
/// - one client guessing one account waits ever longer (2 s, 4 s … 2 min) — that client only;
/// - one client failing on many accounts waits up to 30 s an attempt, never a long lock, since a
///   whole office may share its address;
/// - an account failed from many clients is not closed: every attempt on it takes a slower path
///   (a short wait before the password is checked), which a person passes and a botnet feels.
/// Every refusal for too many attempts says when to try again.
public struct SignIn: Sendable {
    /// Failures of one account from every client after which each attempt takes the slower path.
    public static let accountUnderAttackFailures = 20
    /// The longest a client that failed on many accounts waits between attempts.
    public static let longestAddressDelaySeconds = 30

    public var store: any SignInStore
    public var now: Date
    /// One client guessing one account.
    public var throttle: LoginThrottle
    /// One client failing on many accounts.
    public var addressFailureLimit: Int
    public var slowPathMilliseconds: Int
    /// Roles that sign in through the identity provider only.
    public var providerOnlyRoles: Set<Role>
    /// bcrypt's check of a password against a stored hash.
    public var verify: @Sendable (String, String) async -> Bool
    /// A hash of no password: checked when there is no such login, so that the time taken does
    /// not tell which e-mail addresses exist.
    public var decoyHash: String
    public var pause: @Sendable (Int) async throws -> Void
    /// Told of every failed attempt (the metrics).
    public var failed: @Sendable () -> Void

    public init(
        store: any SignInStore, now: Date, throttle: LoginThrottle, addressFailureLimit: Int,
        slowPathMilliseconds: Int, providerOnlyRoles: Set<Role>,
        verify: @escaping @Sendable (String, String) async -> Bool,
        decoyHash: String, pause: @escaping @Sendable (Int) async throws -> Void,
        failed: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.now = now
        self.throttle = throttle
        self.addressFailureLimit = addressFailureLimit
        self.slowPathMilliseconds = slowPathMilliseconds
        self.providerOnlyRoles = providerOnlyRoles
        self.verify = verify
        self.decoyHash = decoyHash
        self.pause = pause
        self.failed = failed
    }

    /// The login's id, or the refusal.
    public func run(email rawEmail: String, password: String, from address: String) async throws -> Int {
        let email = rawEmail.trimmingWhitespace().lowercased()
        let now = Int64(self.now.timeIntervalSince1970)
        let since = now - Int64(throttle.windowSeconds)
        let emailSubject = "email:" + email
        let addressSubject = "address:" + address
        let pairSubject = "pair:" + address + " " + email
        let subjects = [emailSubject, addressSubject, pairSubject]

        let failures = try await store.failures(of: subjects, after: since)
        let addressThrottle = LoginThrottle(
            maximumFailures: addressFailureLimit, windowSeconds: throttle.windowSeconds)
        if let wait = throttle.growingDelay(failures: failures[pairSubject] ?? [], now: now)
            ?? addressThrottle.growingDelay(
                failures: failures[addressSubject] ?? [], now: now, longestDelaySeconds: Self.longestAddressDelaySeconds
            )
        {
            let message =
                wait < 60
                ? Message("app.auth.tooManyAttemptsSeconds", ["amount": "\(wait)"])
                : Message("app.auth.tooManyAttemptsMinutes", ["amount": "\(max(1, (wait + 59) / 60))"])
            throw Refusal(.tooManyAttempts, detail: message, retryAfter: wait)
        }
        if (failures[emailSubject] ?? []).count >= Self.accountUnderAttackFailures && slowPathMilliseconds > 0 {
            try await pause(slowPathMilliseconds)
        }
        // Failures older than the window count for nothing; forget them.
        try await store.forgetFailures(of: subjects, upTo: since)

        let login = try await store.login(email: email)
        let passwordMatches: Bool
        if let login {
            passwordMatches = await verify(password, login.passwordHash)
        } else {
            _ = await verify(password, decoyHash)
            passwordMatches = false
        }
        guard let login, passwordMatches, login.active else {
            failed()
            try await store.recordFailure(of: subjects, at: now)
            if let login, passwordMatches, !login.active {
                throw Refusal(.unauthenticated, detail: Message("app.auth.thisLoginHasBeenDisabledPlease"))
            }
            throw Refusal(.unauthenticated, detail: Message("app.auth.eMailAddressOrPasswordIs"))
        }
        try await store.forgetFailures(of: [pairSubject], upTo: nil)
        // Local passwords switched off for this role: only the identity provider signs it in.
        if providerOnlyRoles.contains(login.role) {
            throw Refusal(.forbidden, detail: Message("app.auth.signInThroughTheProvider"))
        }
        if !login.signedInBefore { try await store.markSignedIn(login.id, at: self.now) }
        guard login.mayActAsItsRole else {
            throw Refusal(.forbidden, detail: Message("app.auth.thisLoginBelongsToNoCompany2"))
        }
        return login.id
    }
}

/// Asking for a reset link, throttled per address and per client, answered the same either way:
/// whether an address is known never shows.
public struct RequestPasswordReset: Sendable {
    /// Links mailed to one address within the window; more are not sent (the answer stays the same).
    public static let perAddress = 3
    /// Requests from one client within the window before it waits.
    public static let perClient = 10
    public static let windowSeconds: Int64 = 15 * 60

    public var store: any SignInStore
    public var links: AccountLinks
    public var now: Date

    public init(store: any SignInStore, links: AccountLinks, now: Date) {
        self.store = store
        self.links = links
        self.now = now
    }

    public func run(email: String, from client: String) async throws {
        // Refused by its form alone, never by whether it is known.
        guard email.count <= 254, EmailAddress.isPlausible(email), !TypedText.hasInvisibleControls(email) else {
            throw Refusal.invalid([FieldError("email", message: Message("app.users.enterAValidEMailAddress"))])
        }
        let now = Int64(self.now.timeIntervalSince1970)
        let since = now - Self.windowSeconds
        let addressSubject = "reset:" + email
        let clientSubject = "reset-client:" + client
        let recent = try await store.failures(of: [addressSubject, clientSubject], after: since)
        let fromClient = (recent[clientSubject] ?? []).sorted()
        if fromClient.count >= Self.perClient, let oldest = fromClient.first {
            throw Refusal(
                .tooManyAttempts, detail: Message("password.forgot.tooMany"),
                retryAfter: Int(max(1, oldest + Self.windowSeconds - now)))
        }
        try await store.recordFailure(of: [clientSubject], at: now)
        guard email.count <= 254, (recent[addressSubject] ?? []).count < Self.perAddress else { return }
        try await store.recordFailure(of: [addressSubject], at: now)
        try await links.sendReset(email: email)
    }
}
