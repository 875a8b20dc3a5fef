import Foundation
import RetourCore

/// What signing in with a password needs from storage: the logins and the failed attempts, shared
/// by every `serve` process through the database.
public protocol SignInStore: Sendable {
    /// The times (seconds since 1970) of recent failures, by subject, after `since`.
    func failures(of subjects: [String], after since: Int64) async throws -> [String: [Int64]]
    /// Forgets the subjects' failures at or before `upTo`, or all of them.
    func forgetFailures(of subjects: [String], upTo: Int64?) async throws
    func recordFailure(of subjects: [String], at: Int64) async throws
    func login(email: String) async throws -> SignInLogin?
    /// Notes the login's first sign-in.
    func markSignedIn(_ id: Int, at: Date) async throws

    // Through the identity provider.

    /// Keeps a sign-in on its way to the provider; of its `state` only what finds it again (a hash).
    func keepProviderSignIn(state: String, _ pending: PendingProviderSignIn, at: Date) async throws
    func forgetProviderSignIns(startedBefore: Date) async throws
    /// The unused sign-in of `state` started after `startedAfter`, marked used at `at` in the same
    /// transaction that reads it (its row locked): a second callback with it finds nothing.
    func takeProviderSignIn(state: String, startedAfter: Date, at: Date) async throws -> PendingProviderSignIn?
    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws
}

/// A login as signing in decides on it.
public struct SignInLogin: Sendable, Hashable {
    public var id: Int
    public var passwordHash: String
    public var active: Bool
    public var role: Role
    public var companyID: Int?
    public var signedInBefore: Bool

    public init(id: Int, passwordHash: String, active: Bool, role: Role, companyID: Int?, signedInBefore: Bool) {
        self.id = id
        self.passwordHash = passwordHash
        self.active = active
        self.role = role
        self.companyID = companyID
        self.signedInBefore = signedInBefore
    }

    /// A reseller login must belong to a company: without one it could never be scoped.
    public var mayActAsItsRole: Bool { CompanyScope(role: role, companyID: companyID) != nil }
}
