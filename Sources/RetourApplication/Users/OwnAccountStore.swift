import Foundation
import RetourCore

/// One of a user's own API keys, as `/account` lists it.
public struct OwnKey: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var prefix: String
    public var scopes: Set<APIScope>
    public var lastUsedAt: Date?

    public init(id: Int, name: String, prefix: String, scopes: Set<APIScope>, lastUsedAt: Date?) {
        self.id = id
        self.name = name
        self.prefix = prefix
        self.scopes = scopes
        self.lastUsedAt = lastUsedAt
    }
}

/// What a user's own account needs from storage; its implementation is the only code that reads
/// or writes it for `OwnAccount`.
public protocol OwnAccountStore: Sendable {
    func passwordHash(ofLogin id: Int) async throws -> String?
    /// How many web sessions the login has, and its API keys in use, newest first (at most `limit`).
    func sessionCount(ofLogin id: Int) async throws -> Int
    func keys(ofLogin id: Int, limit: Int) async throws -> [OwnKey]
    /// Runs `work` in one write transaction: nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any OwnAccountWork) async throws -> T) async throws
        -> T
}

/// The steps of an account change inside one transaction.
public protocol OwnAccountWork: Sendable {
    func setPasswordHash(ofLogin id: Int, to hash: String) async throws
    /// Ends every web session of the login but `keeping` (the one the change came from), and every
    /// bearer token.
    func endSessions(ofLogin id: Int, keeping session: String?) async throws
    /// Revokes the login's own key `id` at `at` (a revoked one stays as it was); false: no such key of
    /// this login.
    func revokeKey(_ id: Int, ofLogin login: Int, at: Date) async throws -> Bool
    func setLanguage(ofLogin id: Int, to language: Language) async throws
    func audit(_ entry: AuditEntry) async throws
}
