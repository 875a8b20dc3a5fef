import Foundation
import RetourCore

/// A sign-in that went to the identity provider and has not come back yet: what the callback must
/// find again — the `nonce` the ID token must carry, the PKCE verifier and where to go after.
public struct PendingProviderSignIn: Sendable, Hashable {
    public var nonce: String
    public var verifier: String
    /// The page to show after signing in (a path of this site).
    public var next: String

    public init(nonce: String, verifier: String, next: String) {
        self.nonce = nonce
        self.verifier = verifier
        self.next = next
    }
}

/// Signing in through the distributor's identity provider (the authorization code flow with PKCE,
/// `state` and `nonce`), as far as it is ours to decide: the `state` is kept (as its hash) for ten
/// minutes and taken once; the account is the imported login with the e-mail address the verified
/// ID token vouches for — none is refused, and nothing is created.
public struct ProviderSignIn: Sendable {
    public static let lifetimeSeconds: TimeInterval = 600

    public var store: any SignInStore
    public var now: Date
    /// The provider, for the audit log.
    public var issuer: String

    public init(store: any SignInStore, now: Date, issuer: String) {
        self.store = store
        self.now = now
        self.issuer = issuer
    }

    /// Keeps a sign-in on its way to the provider, and forgets those that never came back.
    public func begin(state: String, _ pending: PendingProviderSignIn) async throws {
        try await store.keepProviderSignIn(state: state, pending, at: now)
        try await store.forgetProviderSignIns(startedBefore: now.addingTimeInterval(-Self.lifetimeSeconds))
    }

    /// The sign-in the callback's `state` belongs to, if it is fresh and was not used: taken once.
    public func take(state: String) async throws -> PendingProviderSignIn? {
        try await store.takeProviderSignIn(
            state: state, startedAfter: now.addingTimeInterval(-Self.lifetimeSeconds), at: now)
    }

    /// The login of the address the provider vouched for; its first sign-in noted and audited.
    public func finish(email: String) async throws -> Int {
        guard let login = try await store.login(email: email) else {
            throw Refusal(.forbidden, detail: Message("oidc.noAccount", ["email": .text(email)]))
        }
        guard login.active, login.mayActAsItsRole else {
            throw Refusal(.forbidden, detail: Message("app.auth.thisLoginHasBeenDisabledPlease"))
        }
        if !login.signedInBefore { try await store.markSignedIn(login.id, at: now) }
        try await store.audit("login.oidc", subject: "user \(login.id)", detail: issuer, actorID: login.id, at: now)
        return login.id
    }
}
