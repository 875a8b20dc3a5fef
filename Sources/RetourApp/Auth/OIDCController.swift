import Crypto
import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// A sign-in that went to the identity provider and has not come back yet: what the callback must
/// find again — the `state` (stored as its hash; single use), the `nonce` the ID token must carry
/// and the PKCE verifier. Ten minutes to come back.
final class OIDCSignIn: Model, @unchecked Sendable {
    static let schema = "oidc_sign_ins"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "state_hash") var stateHash: String
    @Field(key: "nonce") var nonce: String
    @Field(key: "verifier") var verifier: String
    @Field(key: "next") var next: String
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}

/// `/login/oidc` and its callback: the authorization code flow with PKCE, `state` and `nonce`.
/// The account is the imported user with the verified e-mail address the ID token vouches for;
/// no match is refused with a page, and nothing is created.
struct OIDCController: RouteCollection {
    static let cookieName = "retour-oidc"

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.oidcLogin, use: start)
        routes.get(PageRoute.oidcCallback, use: callback)
    }

    @Sendable func start(req: Request) async throws -> Response {
        guard let provider = req.application.oidcProvider else { throw Refusal.notFound() }
        let discovery: OIDCProvider.Discovery
        do {
            discovery = try await provider.discover(client: req.client, now: req.now)
        } catch {
            req.logger.warning("identity provider unreachable: \(error)")
            return try await refused(req, Message("oidc.unreachable"), status: .serviceUnavailable)
        }
        let state = randomToken(bytes: 32)
        let verifier = randomToken(bytes: 32)
        let signIn = PendingProviderSignIn(
            nonce: randomToken(bytes: 32), verifier: verifier,
            next: safeLocalPath(req.query[String.self, at: "next"]) ?? "/")
        try await req.providerSignIn(provider).begin(state: state, signIn)

        let challenge = Data(SHA256.hash(data: Data(verifier.utf8))).base64URLEncoded()
        var target = URLComponents(string: discovery.authorization_endpoint) ?? URLComponents()
        target.queryItems =
            (target.queryItems ?? []) + [
                URLQueryItem(name: "response_type", value: "code"),
                URLQueryItem(name: "client_id", value: provider.settings.clientID),
                URLQueryItem(name: "redirect_uri", value: Self.redirectURI(req)),
                URLQueryItem(name: "scope", value: "openid email profile"),
                URLQueryItem(name: "state", value: state),
                URLQueryItem(name: "nonce", value: signIn.nonce),
                URLQueryItem(name: "code_challenge", value: challenge),
                URLQueryItem(name: "code_challenge_method", value: "S256"),
            ]
        let response = req.redirect(to: target.string ?? PageRoute.login.path())
        // The state also rides in a cookie of this browser: a callback carried to another browser
        // (a link sent to a victim) does not sign that browser in.
        response.cookies[Self.cookieName] = HTTPCookies.Value(
            string: state, maxAge: Int(ProviderSignIn.lifetimeSeconds), path: PageRoute.oidcLogin.path(),
            isSecure: req.config.secureCookies, isHTTPOnly: true, sameSite: .lax)
        return response
    }

    @Sendable func callback(req: Request) async throws -> Response {
        guard let provider = req.application.oidcProvider else { throw Refusal.notFound() }
        if let error = req.query[String.self, at: "error"] {
            req.logger.info("identity provider answered \(error.prefix(64))")
            return try await refused(req, Message("oidc.cancelled"), status: .unauthorized)
        }
        guard let state = req.query[String.self, at: "state"], state.count <= 100,
            let code = req.query[String.self, at: "code"], code.count <= 2_000,
            req.cookies[Self.cookieName]?.string == state
        else { return try await refused(req, Message("oidc.startAgain"), status: .badRequest) }
        guard let signIn = try await req.providerSignIn(provider).take(state: state) else {
            return try await refused(req, Message("oidc.startAgain"), status: .badRequest)
        }

        let email: String
        do {
            let token = try await provider.idToken(
                code: code, verifier: signIn.verifier, redirectURI: Self.redirectURI(req), client: req.client,
                now: req.now)
            email = try await provider.verify(token, nonce: signIn.nonce, client: req.client, now: req.now)
        } catch let failure as OIDCProvider.Failure {
            switch failure {
            case .unreachable(let why):
                req.logger.warning("identity provider unreachable: \(why)")
                return try await refused(req, Message("oidc.unreachable"), status: .serviceUnavailable)
            case .badSignature, .codeRefused:
                req.logger.warning("identity provider sign-in refused: \(failure)")
                return try await refused(req, Message("oidc.notBelieved"), status: .unauthorized)
            case .refused(let refusal):
                req.logger.warning("ID token refused: \(refusal.rawValue)")
                return try await refused(req, Message("oidc.notBelieved"), status: .unauthorized)
            }
        }
        let user: User
        do {
            let id = try await req.providerSignIn(provider).finish(email: email)
            guard let found = try await DatabaseSessionStore(database: req.db).account(id) else {
                throw Refusal.notFound()
            }
            user = found
        } catch let refusal as Refusal where refusal.kind == .forbidden {
            return try await refused(req, refusal.detail, status: .forbidden)
        }
        try await LoginController.signIn(user, on: req)
        let response = req.redirect(to: safeLocalPath(signIn.next) ?? "/")
        response.cookies[Self.cookieName] = HTTPCookies.Value(
            string: "", expires: Date(timeIntervalSince1970: 0), path: PageRoute.oidcLogin.path())
        return response
    }

    /// Where the provider sends the browser back: the public address, or else the address this
    /// browser used (the provider accepts only the addresses registered for Retour, so a forged
    /// Host leads nowhere).
    static func redirectURI(_ req: Request) -> String {
        let base =
            req.config.publicURL
            ?? req.headers.first(name: .host).flatMap { host in
                host.count <= 255 && !host.contains("/") && !host.contains("@") ? "http://\(host)" : nil
            } ?? req.baseURL
        return base + PageRoute.oidcCallback.path()
    }

    struct RefusedContent: Encodable {
        var message: String
    }

    private func refused(_ req: Request, _ message: Message, status: HTTPStatus) async throws -> Response {
        try await req.renderPage(
            "oidc-refused", title: req.texts["oidc.title"],
            content: RefusedContent(message: message.text(req.texts)), status: status)
    }
}

extension Request {
    fileprivate func providerSignIn(_ provider: OIDCProvider) -> ProviderSignIn {
        ProviderSignIn(store: DatabaseSignInStore(database: db), now: now, issuer: provider.settings.issuer)
    }
}

extension Data {
    /// Base64 with the URL's alphabet and no padding (RFC 7636's code challenge).
    func base64URLEncoded() -> String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
