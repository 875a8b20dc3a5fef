/// What an identity provider's ID token says about the person signing in, once its signature was
/// checked against the provider's published keys.
public struct IDTokenClaims: Sendable, Equatable {
    public var issuer: String
    public var audiences: [String]
    /// Seconds since 1970.
    public var expiresAt: Int64?
    public var issuedAt: Int64?
    public var nonce: String?
    public var email: String?
    public var emailVerified: Bool?

    public init(
        issuer: String, audiences: [String], expiresAt: Int64?, issuedAt: Int64? = nil, nonce: String?,
        email: String?, emailVerified: Bool?
    ) {
        self.issuer = issuer
        self.audiences = audiences
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.nonce = nonce
        self.email = email
        self.emailVerified = emailVerified
    }

    /// Why a signed token is still not believed.
    public enum Refusal: String, Error, Sendable, CaseIterable {
        case wrongIssuer = "wrong_issuer"
        case wrongAudience = "wrong_audience"
        case expired
        case issuedInTheFuture = "issued_in_the_future"
        case wrongNonce = "wrong_nonce"
        case noVerifiedEmail = "no_verified_email"
    }

    /// Clocks of two machines differ a little; no more than this is forgiven.
    public static let leewaySeconds: Int64 = 60

    /// The verified e-mail address (lowercased) the token vouches for, if every claim holds: our
    /// provider issued it, for us, not expired as of `now`, for this very sign-in (`nonce`), about
    /// an address the provider verified.
    public func judge(issuer expected: String, clientID: String, nonce expectedNonce: String, now: Int64)
        -> Result<String, Refusal>
    {
        guard Self.sameIssuer(issuer, expected) else { return .failure(.wrongIssuer) }
        guard audiences.contains(clientID) else { return .failure(.wrongAudience) }
        guard let expiresAt, expiresAt + Self.leewaySeconds > now else { return .failure(.expired) }
        if let issuedAt, issuedAt - Self.leewaySeconds > now { return .failure(.issuedInTheFuture) }
        guard let nonce, !expectedNonce.isEmpty, nonce == expectedNonce else { return .failure(.wrongNonce) }
        guard emailVerified == true, let email, EmailAddress.isPlausible(email) else {
            return .failure(.noVerifiedEmail)
        }
        return .success(email.lowercased())
    }

    /// Issuers compare exactly, except for one trailing slash that providers write either way.
    static func sameIssuer(_ a: String, _ b: String) -> Bool {
        func trimmed(_ text: String) -> Substring { text.hasSuffix("/") ? text.dropLast() : Substring(text) }
        return trimmed(a) == trimmed(b)
    }
}
