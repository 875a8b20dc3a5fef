import Foundation
import JWTKit
import RetourCore
import Vapor

/// The identity provider as Retour knows it: its published addresses (discovery) and signing keys
/// (JWKS), fetched when first needed and kept; the keys are fetched again when a token names a key
/// id Retour has not seen (the provider rotated its keys), at most once every ten seconds.
actor OIDCProvider {
    struct Discovery: Decodable, Sendable {
        var issuer: String
        var authorization_endpoint: String
        var token_endpoint: String
        var jwks_uri: String
    }

    /// The ID token as signed by the provider; its claims are judged by `IDTokenClaims`.
    struct IDToken: JWTPayload {
        var iss: String
        var aud: AudienceClaim
        var exp: Double?
        var iat: Double?
        var nonce: String?
        var email: String?
        var email_verified: BoolClaim?

        /// The signature is all jwt-kit checks; the claims are judged with Retour's clock.
        func verify(using algorithm: some JWTAlgorithm) async throws {}

        var claims: IDTokenClaims {
            IDTokenClaims(
                issuer: iss, audiences: aud.value, expiresAt: exp.map { Int64($0) }, issuedAt: iat.map { Int64($0) },
                nonce: nonce, email: email, emailVerified: email_verified?.value)
        }
    }

    enum Failure: Error {
        case unreachable(String)
        case badSignature
        case refused(IDTokenClaims.Refusal)
        /// The token endpoint would not exchange the code (used, expired, or not ours).
        case codeRefused
    }

    static let maximumDocumentBytes = 256 * 1024
    static let discoverySeconds: TimeInterval = 3_600
    static let keyRefreshSeconds: TimeInterval = 10

    let settings: OIDCSettings
    private var discovery: (document: Discovery, at: Date)?
    private var keys: JWTKeyCollection?
    private var keysFetchedAt: Date?

    init(settings: OIDCSettings) { self.settings = settings }

    func discover(client: any Client, now: Date) async throws -> Discovery {
        if let discovery, now.timeIntervalSince(discovery.at) < Self.discoverySeconds { return discovery.document }
        let document: Discovery = try await fetch(
            settings.issuer + "/.well-known/openid-configuration", client: client)
        // The provider's own document names the issuer its tokens carry: it must be the configured one.
        guard
            IDTokenClaims(
                issuer: document.issuer, audiences: [], expiresAt: nil, nonce: nil, email: nil, emailVerified: nil
            )
            .judge(issuer: settings.issuer, clientID: "", nonce: "", now: 0) != .failure(.wrongIssuer)
        else { throw Failure.unreachable("the discovery document names another issuer") }
        discovery = (document, now)
        return document
    }

    /// The e-mail address a signed, valid ID token vouches for.
    func verify(_ token: String, nonce: String, client: any Client, now: Date) async throws -> String {
        try await verify(token, nonce: nonce, now: now) { [self] in
            let document = try await discover(client: client, now: now)
            return try await fetch(document.jwks_uri, client: client)
        }
    }

    /// The same, with the provider's key set from `fetchKeys` (asked again when a token names a key
    /// id not in the set, at most every ten seconds).
    func verify(_ token: String, nonce: String, now: Date, fetchKeys: () async throws -> JWKS) async throws
        -> String
    {
        let payload: IDToken
        do {
            payload = try await keyCollection(now: now, refresh: false, fetchKeys: fetchKeys)
                .verify(token, as: IDToken.self)
        } catch let error as JWTError
            where [.unknownKID, .missingKIDHeader, .noKeyProvided].contains(error.errorType)
        {
            do {
                payload = try await keyCollection(now: now, refresh: true, fetchKeys: fetchKeys)
                    .verify(token, as: IDToken.self)
            } catch is JWTError {
                throw Failure.badSignature
            }
        } catch is JWTError {
            throw Failure.badSignature
        }
        switch payload.claims.judge(
            issuer: settings.issuer, clientID: settings.clientID, nonce: nonce, now: Int64(now.timeIntervalSince1970))
        {
        case .success(let email): return email
        case .failure(let refusal): throw Failure.refused(refusal)
        }
    }

    private func keyCollection(now: Date, refresh: Bool, fetchKeys: () async throws -> JWKS) async throws
        -> JWTKeyCollection
    {
        if let keys, !refresh { return keys }
        if let keys, let fetched = keysFetchedAt, now.timeIntervalSince(fetched) < Self.keyRefreshSeconds {
            return keys
        }
        let jwks = try await fetchKeys()
        let collection = JWTKeyCollection()
        for key in jwks.keys {
            // A key Retour cannot use (another algorithm, no key id) is skipped, not fatal. No key is
            // the default: a token naming a key id the set lacks is not tried against another key.
            _ = try? await collection.add(jwk: key, isDefault: false)
        }
        keys = collection
        keysFetchedAt = now
        return collection
    }

    private func fetch<T: Decodable>(_ address: String, client: any Client) async throws -> T {
        let response: ClientResponse
        do {
            response = try await client.get(URI(string: address))
        } catch {
            throw Failure.unreachable("\(address): \(error)")
        }
        guard response.status == .ok, let body = response.body, body.readableBytes <= Self.maximumDocumentBytes
        else { throw Failure.unreachable("\(address) answered \(response.status.code)") }
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw Failure.unreachable("\(address) sent no readable document")
        }
    }

    /// Exchanges the authorization code (with the PKCE verifier) for the ID token.
    func idToken(code: String, verifier: String, redirectURI: String, client: any Client, now: Date) async throws
        -> String
    {
        let document = try await discover(client: client, now: now)
        struct Form: Content {
            var grant_type = "authorization_code"
            var code: String
            var redirect_uri: String
            var client_id: String
            var client_secret: String
            var code_verifier: String
        }
        struct Answer: Decodable { var id_token: String? }
        var request = ClientRequest(method: .POST, url: URI(string: document.token_endpoint))
        try request.content.encode(
            Form(
                code: code, redirect_uri: redirectURI, client_id: settings.clientID,
                client_secret: settings.clientSecret, code_verifier: verifier), as: .urlEncodedForm)
        let response: ClientResponse
        do {
            response = try await client.send(request)
        } catch {
            throw Failure.unreachable("token endpoint: \(error)")
        }
        guard response.status == .ok, let body = response.body, body.readableBytes <= Self.maximumDocumentBytes,
            let answer = try? JSONDecoder().decode(Answer.self, from: Data(buffer: body)), let token = answer.id_token
        else { throw Failure.codeRefused }
        return token
    }
}

extension Application {
    private struct OIDCProviderKey: StorageKey {
        typealias Value = OIDCProvider
    }

    /// The configured identity provider, one per process; nil when passwords are the only way in.
    var oidcProvider: OIDCProvider? {
        get { storage[OIDCProviderKey.self] }
        set { storage[OIDCProviderKey.self] = newValue }
    }
}
