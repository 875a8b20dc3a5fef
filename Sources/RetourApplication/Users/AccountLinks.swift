import Foundation
import RetourCore

/// A one-time link sent by e-mail: an invitation to choose a first password, or a way back in after
/// a forgotten one. The token is shown only in the mail; a link ends at its time, at its first use,
/// and when a newer link of the same kind is sent.
public struct AccountLinks: Sendable {
    /// What a login without a password of its own has instead of a bcrypt hash: nothing matches it.
    public static let unusablePassword = "!invited"

    public var store: any AccountLinkStore
    public var now: Date
    /// A new random token (256 bits).
    public var makeToken: @Sendable () -> String

    public init(store: any AccountLinkStore, now: Date, makeToken: @escaping @Sendable () -> String) {
        self.store = store
        self.now = now
        self.makeToken = makeToken
    }

    /// A new link of `purpose` for `login`, mailed through the outbox in `work`'s transaction; older
    /// unused links of the same kind end. Returns the token (for the tests; nothing else shows it).
    @discardableResult
    public func send(_ purpose: AccountLinkPurpose, to login: Login, in work: any AccountLinkWork) async throws
        -> String
    {
        try await work.endUnusedLinks(of: login.id, purpose: purpose, at: now)
        let token = makeToken()
        try await work.addLink(
            token: token, login: login.id, purpose: purpose, createdAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(purpose.lifetimeSeconds)))
        try await work.mailLink(purpose, token: token, to: login, at: now)
        return token
    }

    /// A new invitation for the login `email`, whatever came before (`retour invite`, "send again"
    /// on `/users`); nil when there is no active login with that address.
    @discardableResult
    public func invite(email: String) async throws -> String? {
        try await store.transaction { work in
            guard let login = try await work.login(email: email), login.active else { return nil }
            return try await send(.invitation, to: login, in: work)
        }
    }

    /// Invitations for the logins `emails` named without a password (the import, in its own
    /// transaction): to each that is active and still waits for one.
    public func inviteWaiting(_ emails: [String], in work: any AccountLinkWork) async throws {
        for email in emails {
            guard let login = try await work.login(email: email), login.active,
                try await waitsForInvitation(login, in: work)
            else { continue }
            try await send(.invitation, to: login, in: work)
        }
    }

    /// A link for a forgotten password: an invitation when the login never chose one, else a reset.
    /// Nothing for an unknown or disabled address (the caller answers the same either way).
    public func sendReset(email: String) async throws {
        try await store.transaction { work in
            guard let login = try await work.login(email: email), login.active else { return }
            let ownPassword = try await work.hasOwnPassword(login: login.id)
            let invited = !login.hasSignedIn && !ownPassword
            try await send(invited ? .invitation : .reset, to: login, in: work)
        }
    }

    /// The unused, unexpired link with `token`, and its login (active).
    public func find(_ token: String) async throws -> (link: StoredAccountLink, login: Login)? {
        try await store.transaction { work in try await find(token, locking: false, in: work) }
    }

    public enum Redeemed: Sendable {
        case done(Login)
        case invalid([FieldError])
        case gone
    }

    /// Sets the password the link's reader chose: the link is used up, every session and bearer
    /// token of the login ends (a stolen session does not outlive a reset). One transaction, the
    /// link locked, so a link clicked twice at once sets one password.
    public func redeem(_ token: String, password: String, hashPassword: @Sendable (String) async throws -> String)
        async throws -> Redeemed
    {
        let problems = PasswordPolicy.problems(with: password)
        guard problems.isEmpty else { return .invalid(problems) }
        let hash = try await hashPassword(password)
        return try await store.transaction { work in
            guard let (link, login) = try await find(token, locking: true, in: work) else { return .gone }
            try await work.markUsed(link: link.id, at: now)
            try await work.setPasswordHash(ofLogin: login.id, to: hash)
            try await work.endSessions(ofLogin: login.id)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: login.id, action: "password.\(link.purpose.rawValue)",
                    subject: "user \(login.id)", detail: "by e-mail link"))
            return .done(login)
        }
    }

    /// Whether `login` still waits for an invitation to be used: never signed in, no password of
    /// its own, and no unexpired invitation on its way.
    public func waitsForInvitation(_ login: Login, in work: any AccountLinkWork) async throws -> Bool {
        guard !login.hasSignedIn, try await !work.hasOwnPassword(login: login.id) else { return false }
        return try await !work.hasPendingInvitation(login: login.id, now: now)
    }

    private func find(_ token: String, locking: Bool, in work: any AccountLinkWork) async throws
        -> (link: StoredAccountLink, login: Login)?
    {
        guard token.count <= 100, let link = try await work.link(token: token, locking: locking),
            link.usedAt == nil, link.expiresAt > now,
            let login = try await work.login(id: link.loginID), login.active
        else { return nil }
        return (link, login)
    }
}
