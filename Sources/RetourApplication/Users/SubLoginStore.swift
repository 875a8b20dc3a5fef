import Foundation
import RetourCore

/// A login as the sub-login use cases see it.
public struct Login: Sendable, Hashable {
    public var id: Int
    public var name: String
    public var email: String
    public var role: Role
    public var companyID: Int?
    public var active: Bool
    /// The rights it holds (a reseller admin holds all).
    public var rights: Set<UserRight>
    /// Whether it ever signed in; an invitation waits until it has.
    public var hasSignedIn: Bool

    public init(
        id: Int, name: String, email: String, role: Role, companyID: Int?, active: Bool, rights: Set<UserRight>,
        hasSignedIn: Bool
    ) {
        self.id = id
        self.name = name
        self.email = email
        self.role = role
        self.companyID = companyID
        self.active = active
        self.rights = rights
        self.hasSignedIn = hasSignedIn
    }
}

/// One line of the audit log: who changed what, from what to what.
public struct AuditEntry: Sendable, Hashable {
    public var at: Date
    public var actorID: Int?
    public var action: String
    public var subject: String
    public var detail: String

    public init(at: Date, actorID: Int?, action: String, subject: String, detail: String) {
        self.at = at
        self.actorID = actorID
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// What the sub-login use cases need from storage; its implementation is the only code that reads
/// or writes the logins behind it.
public protocol SubLoginStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns, and
    /// nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SubLoginWork) async throws -> T) async throws -> T
}

/// The steps a sub-login use case takes inside one transaction.
public protocol SubLoginWork: Sendable {
    func emailTaken(_ email: String) async throws -> Bool
    func create(
        name: String, email: String, passwordHash: String, role: Role, companyID: Int?, rights: Set<UserRight>?
    ) async throws -> Login
    /// The login `id`, its row locked.
    func lockLogin(_ id: Int) async throws -> Login?
    func setRights(ofLogin id: Int, to rights: Set<UserRight>) async throws
    func setActive(ofLogin id: Int, to active: Bool) async throws
    func setPasswordHash(ofLogin id: Int, to hash: String) async throws
    /// Ends every web session and API token of the login.
    func endSessions(ofLogin id: Int) async throws
    /// The company's rule for submissions, its row locked; nil when there is no such company.
    func lockSubmitApproval(ofCompany id: Int) async throws -> SubmitApproval?
    func setSubmitApproval(ofCompany id: Int, to rule: SubmitApproval) async throws
    func audit(_ entry: AuditEntry) async throws
}
