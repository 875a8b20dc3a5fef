import Fluent
import RetourCore
import Vapor

/// The login and logout pages.
struct LoginController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.login, use: show)
        routes.post(PageRoute.login, use: login)
        routes.post(PageRoute.logout, use: logout)
    }

    struct LoginContent: Encodable {
        var email: String
        var next: String
        var error: String?
        /// Why the visitor is here, when it is not their own choice (their session ended).
        var notice: String?
        /// Whether the identity provider's button is shown.
        var oidc = false
        var nextEscaped: String { next.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "/" }

        enum CodingKeys: String, CodingKey { case email, next, error, notice, oidc, nextEscaped }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(email, forKey: .email)
            try container.encode(next, forKey: .next)
            try container.encodeIfPresent(error, forKey: .error)
            try container.encodeIfPresent(notice, forKey: .notice)
            try container.encode(oidc, forKey: .oidc)
            try container.encode(nextEscaped, forKey: .nextEscaped)
        }
    }

    struct LoginForm: Content {
        var email: String?
        var password: String?
        var next: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        if req.auth.has(User.self) { return req.redirect(to: .start) }
        let next = safeLocalPath(req.query[String.self, at: "next"]) ?? "/"
        let expired = req.query[String.self, at: "expired"] != nil
        return try await req.renderPage(
            "login", title: req.texts["login.title"],
            content: LoginContent(
                email: "", next: next, notice: expired ? req.texts["login.sessionExpired"] : nil,
                oidc: req.config.oidc != nil))
    }

    @Sendable func login(req: Request) async throws -> Response {
        let form = try req.content.decode(LoginForm.self)
        let email = (form.email ?? "").trimmingWhitespace()
        let next = safeLocalPath(form.next) ?? "/"
        do {
            guard !email.isEmpty, let password = form.password, !password.isEmpty, email.count <= 254,
                password.count <= 200
            else {
                throw Refusal(
                    .invalid, detail: Message("app.auth.enterYourEMailAddressAnd"))
            }
            let user = try await Authentication.verify(
                email: email, password: password, from: req.clientAddress, on: req)
            try await Self.signIn(user, on: req)
            return req.redirect(to: next)
        } catch let problem as Refusal {
            let response = try await req.renderPage(
                "login", title: req.texts["login.title"],
                content: LoginContent(
                    email: email, next: next, error: problem.detail.text(req.texts), oidc: req.config.oidc != nil),
                status: problem.status == .tooManyRequests ? .tooManyRequests : .unauthorized)
            if let wait = problem.retryAfter {
                response.headers.replaceOrAdd(name: .retryAfter, value: "\(max(1, wait))")
            }
            return response
        }
    }

    /// Starts a session for `user` under a new id: an id planted before (session fixation) is worth nothing.
    static func signIn(_ user: User, on req: Request) async throws {
        if req.hasSession, let old = req.session.id {
            try await req.application.sessions.driver.deleteSession(old, for: req).get()
            req.session.id = nil
        }
        req.session.data = SessionData()
        req.session.data["userID"] = String(try user.requireID())
        req.session.data["csrf"] = randomToken(bytes: 24)
        try await DatabaseSessionStore(database: req.db).markSignedIn(user, at: req.now)
    }

    @Sendable func logout(req: Request) async throws -> Response {
        // Logging out ends every session and token of the user, not only this browser's.
        if let user = req.auth.get(User.self) {
            try await DatabaseSessionStore(database: req.db).endAll(userID: try user.requireID())
        }
        req.auth.logout(User.self)
        req.session.destroy()
        return req.redirect(to: .login())
    }
}

/// `POST /api/v1/auth/token`.
struct TokenController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(APIRoute.token, use: create)
    }

    struct Credentials: Content {
        var email: String
        var password: String
    }

    struct TokenAnswer: Content {
        var token: String
        var expiresAt: Date
    }

    @Sendable func create(req: Request) async throws -> Response {
        let credentials = try req.content.decode(Credentials.self)
        let user = try await Authentication.verify(
            email: credentials.email, password: credentials.password, from: req.clientAddress, on: req)
        let issued = try await DatabaseSessionStore(database: req.db).issueToken(
            for: try user.requireID(), now: req.now, lifetimeDays: req.config.tokenLifetimeDays)
        return try await TokenAnswer(token: issued.token, expiresAt: issued.expiresAt)
            .encodeResponse(status: .ok, for: req)
    }
}
