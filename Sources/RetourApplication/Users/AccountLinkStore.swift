import Foundation
import RetourCore

/// A link as `AccountLinks` sees it: never its token, which only the mail holds.
public struct StoredAccountLink: Sendable, Hashable {
    public var id: Int
    public var loginID: Int
    public var purpose: AccountLinkPurpose
    public var expiresAt: Date
    public var usedAt: Date?

    public init(id: Int, loginID: Int, purpose: AccountLinkPurpose, expiresAt: Date, usedAt: Date?) {
        self.id = id
        self.loginID = loginID
        self.purpose = purpose
        self.expiresAt = expiresAt
        self.usedAt = usedAt
    }
}

/// What the link use cases need from storage; its implementation is the only code that reads or
/// writes the links, and keeps of a token only what finds it again (its hash).
public protocol AccountLinkStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns, and
    /// nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any AccountLinkWork) async throws -> T) async throws
        -> T
}

/// The steps of a link use case inside one transaction (a caller's, such as the import's, or its own).
public protocol AccountLinkWork: Sendable {
    func login(id: Int) async throws -> Login?
    func login(email: String) async throws -> Login?
    /// Whether the login has a password of its own (an invited one has `AccountLinks.unusablePassword`).
    func hasOwnPassword(login id: Int) async throws -> Bool
    /// Ends every unused link of `purpose` of the login, as used at `at`.
    func endUnusedLinks(of login: Int, purpose: AccountLinkPurpose, at: Date) async throws
    func addLink(token: String, login: Int, purpose: AccountLinkPurpose, createdAt: Date, expiresAt: Date)
        async throws
    /// The link with `token`; its row locked when `locking`.
    func link(token: String, locking: Bool) async throws -> StoredAccountLink?
    /// Whether an unused invitation of the login ends after `now`.
    func hasPendingInvitation(login id: Int, now: Date) async throws -> Bool
    func markUsed(link id: Int, at: Date) async throws
    func setPasswordHash(ofLogin id: Int, to hash: String) async throws
    /// Ends every web session and API token of the login.
    func endSessions(ofLogin id: Int) async throws
    func audit(_ entry: AuditEntry) async throws
    /// Puts the mail with the link to `token` in the outbox, in this transaction.
    func mailLink(_ purpose: AccountLinkPurpose, token: String, to login: Login, at: Date) async throws
}
