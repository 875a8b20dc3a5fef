import Foundation
import RetourCore

/// What a signed-in user changes of their own account on `/account` and in the menu: the password
/// (the current one asked again: a session left open is not enough to take the account over), the
/// other sessions, their own API keys, the language of pages and mails.
public struct OwnAccount: Sendable {
    /// At most this many keys are listed.
    public static let listedKeys = 100

    public var login: Login
    public var store: any OwnAccountStore
    public var now: Date
    /// The session the user acts in: it stays when the others end.
    public var currentSession: String?
    /// Whether a password matches a stored hash.
    public var verifyPassword: @Sendable (_ password: String, _ hash: String) async throws -> Bool
    public var hashPassword: @Sendable (String) async throws -> String

    public init(
        login: Login, store: any OwnAccountStore, now: Date, currentSession: String?,
        verifyPassword: @escaping @Sendable (String, String) async throws -> Bool,
        hashPassword: @escaping @Sendable (String) async throws -> String
    ) {
        self.login = login
        self.store = store
        self.now = now
        self.currentSession = currentSession
        self.verifyPassword = verifyPassword
        self.hashPassword = hashPassword
    }

    public struct Overview: Sendable, Hashable {
        /// Sessions besides the current one.
        public var otherSessions: Int
        public var keys: [OwnKey]
    }

    public func overview() async throws -> Overview {
        let sessions = try await store.sessionCount(ofLogin: login.id)
        return Overview(
            otherSessions: max(0, sessions - 1), keys: try await store.keys(ofLogin: login.id, limit: Self.listedKeys))
    }

    /// The new password replaces the old one and ends every other session and every bearer token.
    /// Refused at `currentPassword` when the current one does not match, at `password` when the new
    /// one is too weak.
    public func changePassword(current: String, new password: String) async throws {
        var matches = false
        if !current.isEmpty, current.count <= 200, let hash = try await store.passwordHash(ofLogin: login.id) {
            matches = (try? await verifyPassword(current, hash)) ?? false
        }
        guard matches else {
            throw Refusal.invalid([FieldError("currentPassword", message: Message("account.currentPasswordWrong"))])
        }
        if let problem = PasswordPolicy.problems(with: password).first { throw Refusal.invalid([problem]) }
        let hash = try await hashPassword(password)
        try await store.transaction { [login, now, currentSession] work in
            try await work.setPasswordHash(ofLogin: login.id, to: hash)
            try await work.endSessions(ofLogin: login.id, keeping: currentSession)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: login.id, action: "password.change", subject: "user \(login.id)",
                    detail: "on /account"))
        }
    }

    public func endOtherSessions() async throws {
        try await store.transaction { [login, currentSession] work in
            try await work.endSessions(ofLogin: login.id, keeping: currentSession)
        }
    }

    /// Another user's key is not found, as if it did not exist.
    public func revokeKey(_ id: Int) async throws {
        let revoked = try await store.transaction { [login, now] work in
            try await work.revokeKey(id, ofLogin: login.id, at: now)
        }
        guard revoked else { throw Refusal.notFound() }
    }

    public func chooseLanguage(_ language: Language) async throws {
        try await store.transaction { [login] work in try await work.setLanguage(ofLogin: login.id, to: language) }
    }
}
