import Fluent
import Foundation
import JWTKit
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The ID token's checks (issue 22, item 4), with tokens signed here by jwt-kit the way a
    /// provider signs them; the whole sign-in against a real provider is the browser test
    /// `e2e/test_oidc.py`.
    @Suite struct OIDCTests {
        static let settings = OIDCSettings(
            issuer: "https://login.also.example/openid", clientID: "retour", clientSecret: "s")
        static let now = Date(timeIntervalSince1970: 1_800_000_000)

        /// A provider's signing key, with the public half as the JWKS would publish it.
        struct SigningKey {
            let kid: String
            let key = ES256PrivateKey()
            var jwk: JWK {
                get throws {
                    let parameters = try #require(key.parameters)
                    return try JWK(
                        json:
                            #"{"kty":"EC","crv":"P-256","alg":"ES256","use":"sig","kid":"\#(kid)","x":"\#(parameters.x)","y":"\#(parameters.y)"}"#
                    )
                }
            }

            func sign(_ token: OIDCProvider.IDToken) async throws -> String {
                try await JWTKeyCollection().add(ecdsa: key, kid: JWKIdentifier(string: kid)).sign(
                    token, kid: JWKIdentifier(string: kid))
            }
        }

        static func token(
            issuer: String = settings.issuer, audience: String = "retour", expires: Date = now.addingTimeInterval(300),
            nonce: String = "n-1", email: String? = "rma@retour.example", verified: Bool = true
        ) -> OIDCProvider.IDToken {
            OIDCProvider.IDToken(
                iss: issuer, aud: AudienceClaim(value: [audience]), exp: expires.timeIntervalSince1970,
                iat: now.timeIntervalSince1970, nonce: nonce, email: email, email_verified: BoolClaim(value: verified))
        }

        static func verify(
            _ signed: String, with keys: [JWK], provider: OIDCProvider = OIDCProvider(settings: settings)
        )
            async throws -> String
        {
            try await provider.verify(signed, nonce: "n-1", now: now) { JWKS(keys: keys) }
        }

        @Test func onlyATokenOfOurProviderForUsThatIsFreshAndForThisSignInIsBelieved() async throws {
            let key = SigningKey(kid: "k1")
            let jwk = try key.jwk
            #expect(try await Self.verify(try await key.sign(Self.token()), with: [jwk]) == "rma@retour.example")

            func refusal(_ token: OIDCProvider.IDToken, signedBy signer: SigningKey? = nil) async -> String {
                do {
                    _ = try await Self.verify(try await (signer ?? key).sign(token), with: [jwk])
                    return "believed"
                } catch OIDCProvider.Failure.refused(let why) {
                    return why.rawValue
                } catch OIDCProvider.Failure.badSignature {
                    return "bad_signature"
                } catch {
                    return "\(error)"
                }
            }
            // Forged: signed by another key that claims the provider's key id.
            #expect(await refusal(Self.token(), signedBy: SigningKey(kid: "k1")) == "bad_signature")
            #expect(await refusal(Self.token(audience: "another-app")) == "wrong_audience")
            #expect(await refusal(Self.token(issuer: "https://evil.example/openid")) == "wrong_issuer")
            #expect(await refusal(Self.token(expires: Self.now.addingTimeInterval(-120))) == "expired")
            #expect(await refusal(Self.token(nonce: "n-replayed")) == "wrong_nonce")
            #expect(await refusal(Self.token(verified: false)) == "no_verified_email")
            #expect(await refusal(Self.token(email: nil)) == "no_verified_email")
            // A token altered after signing.
            let signed = try await key.sign(Self.token())
            var parts = signed.split(separator: ".").map(String.init)
            parts[1] = Data(
                #"{"iss":"https://login.also.example/openid","aud":"retour","exp":1900000000,"nonce":"n-1","email":"admin@retour.example","email_verified":true}"#
                    .utf8
            )
            .base64URLEncoded()
            await #expect(throws: OIDCProvider.Failure.self) {
                _ = try await Self.verify(parts.joined(separator: "."), with: [jwk])
            }
        }

        /// The provider rotates its keys: a token with a key id not seen before fetches the key set
        /// again (once), and is then believed.
        @Test func anUnknownKeyIdFetchesTheKeysAgain() async throws {
            let old = SigningKey(kid: "2026-01")
            let new = SigningKey(kid: "2026-02")
            let provider = OIDCProvider(settings: Self.settings)
            let fetches = Counter()
            let oldSet = [try old.jwk]
            let bothSets = [try old.jwk, try new.jwk]
            func keys() async -> JWKS {
                await fetches.increment()
                return JWKS(keys: await fetches.value == 1 ? oldSet : bothSets)
            }
            _ = try await provider.verify(try await old.sign(Self.token()), nonce: "n-1", now: Self.now) {
                await keys()
            }
            _ = try await provider.verify(try await old.sign(Self.token()), nonce: "n-1", now: Self.now) {
                await keys()
            }
            #expect(await fetches.value == 1, "cached")
            // Right after a fetch, an unknown key id does not make Retour ask again (a stream of
            // made-up key ids cannot turn Retour against its provider) …
            await #expect(throws: OIDCProvider.Failure.self) {
                _ = try await provider.verify(try await new.sign(Self.token()), nonce: "n-1", now: Self.now) {
                    await keys()
                }
            }
            #expect(await fetches.value == 1)
            // … a little later it does, and the new key is believed.
            let later = Self.now.addingTimeInterval(30)
            let email = try await provider.verify(try await new.sign(Self.token()), nonce: "n-1", now: later) {
                await keys()
            }
            #expect(email == "rma@retour.example")
            #expect(await fetches.value == 2)
        }

        actor Counter {
            var value = 0
            func increment() { value += 1 }
        }

        /// `RETOUR_OIDC_ONLY_ROLES`: those roles' passwords no longer sign in; others still do. The
        /// login page offers the provider's button.
        @Test func localPasswordsCanBeSwitchedOffPerRole() async throws {
            try await withRetour(fixtures: true) { app in
                var settings = Self.settings
                settings.onlyRoles = [.agent, .admin]
                app.config.oidc = settings
                app.oidcProvider = OIDCProvider(settings: settings)
                let refused = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"rma@retour.example","password":"\#(Fixtures.password)"}"#,
                    token: nil)
                #expect(refused.status == .forbidden)
                #expect((try refused.json()["detail"] as? String)?.contains("identity provider") == true)
                _ = try await app.token("jan@pcpartner.nl")
                let login = try await Browser(app).get("/login")
                #expect(login.body.string.contains(#"href="/login/oidc?next="#))
                // A callback without its state cookie, or with a state never issued, is refused.
                let stray = try await Browser(app).get("/login/oidc/callback?state=abc&code=def")
                #expect(stray.status == .badRequest)
                #expect(stray.body.string.contains("Begin opnieuw"))
            }
        }

        @Test func theSettingsComeTogetherOrNotAtAll() throws {
            #expect(try OIDCSettings.read([:]) == nil)
            #expect(throws: (any Error).self) { try OIDCSettings.read(["RETOUR_OIDC_ISSUER": "https://idp.example"]) }
            #expect(throws: (any Error).self) { try OIDCSettings.read(["RETOUR_OIDC_ONLY_ROLES": "agent"]) }
            let read = try OIDCSettings.read([
                "RETOUR_OIDC_ISSUER": "https://idp.example/", "RETOUR_OIDC_CLIENT_ID": "retour",
                "RETOUR_OIDC_CLIENT_SECRET": "x", "RETOUR_OIDC_ONLY_ROLES": "agent, admin",
            ])
            #expect(read?.issuer == "https://idp.example")
            #expect(read?.onlyRoles == [.agent, .admin])
            #expect(throws: (any Error).self) {
                try OIDCSettings.read([
                    "RETOUR_OIDC_ISSUER": "https://idp.example", "RETOUR_OIDC_CLIENT_ID": "r",
                    "RETOUR_OIDC_CLIENT_SECRET": "x", "RETOUR_OIDC_ONLY_ROLES": "boss",
                ])
            }
        }
    }
}
