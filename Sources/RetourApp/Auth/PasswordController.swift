import Fluent
import RetourApplication
import RetourCore
import Vapor

/// "Wachtwoord vergeten?" and the links in invitation and reset e-mails: `/password/forgot`,
/// `/password/reset/{token}`, and `POST /api/v1/auth/password-reset`. The answer to a request for a
/// link is the same whether or not the address is known, and takes the same time (the mail goes
/// through the outbox, never inline).
struct PasswordController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.passwordForgot, use: showForgot)
        routes.post(PageRoute.passwordForgot, use: forgot)
        routes.get(PageRoute.passwordReset, use: showReset)
        routes.post(PageRoute.passwordReset, use: reset)
    }

    struct ForgotContent: Encodable {
        var sent: Bool
        var error: String?
    }

    struct ResetContent: Encodable {
        var token: String
        var invitation: Bool
        var name: String
        var error: String?
    }

    @Sendable func showForgot(req: Request) async throws -> Response {
        try await req.renderPage(
            "password-forgot", title: req.texts["password.forgot.title"],
            content: ForgotContent(sent: req.query[String.self, at: "sent"] == "1"))
    }

    @Sendable func forgot(req: Request) async throws -> Response {
        let email = ((try? req.content.get(String.self, at: "email")) ?? "").trimmingWhitespace().lowercased()
        do {
            try await PasswordResets.request(email: email, from: req.clientAddress, on: req)
        } catch let problem as Refusal where [.tooManyRequests, .unprocessableEntity].contains(problem.status) {
            let error = problem.errors.first?.message.text(req.texts) ?? problem.detail.text(req.texts)
            let page = try await req.renderPage(
                "password-forgot", title: req.texts["password.forgot.title"],
                content: ForgotContent(sent: false, error: error), status: problem.status)
            if let wait = problem.retryAfter { page.headers.replaceOrAdd(name: .retryAfter, value: "\(wait)") }
            return page
        }
        return req.redirect(to: PageRoute.passwordForgot.path() + "?sent=1")
    }

    @Sendable func showReset(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        guard let (link, login) = try await req.accountLinks.find(token) else {
            return try await req.renderPage(
                "password-gone", title: req.texts["password.gone.title"], content: NoContent(), status: .notFound)
        }
        return try await req.renderPage(
            "password-reset", title: req.texts["password.reset.title"],
            content: ResetContent(token: token, invitation: link.purpose == .invitation, name: login.name))
    }

    @Sendable func reset(req: Request) async throws -> Response {
        let token = req.parameters.get("token") ?? ""
        let password = (try? req.content.get(String.self, at: "password")) ?? ""
        let outcome = try await req.accountLinks.redeem(
            token, password: password, hashPassword: { [hasher = req.password.async] in try await hasher.hash($0) })
        switch outcome {
        case .done(let login):
            guard let user = try await DatabaseSessionStore(database: req.db).account(login.id) else {
                throw Refusal.notFound()
            }
            try await LoginController.signIn(user, on: req)
            return req.redirect(to: "/")
        case .invalid(let errors):
            guard let (link, login) = try await req.accountLinks.find(token) else {
                return try await req.renderPage(
                    "password-gone", title: req.texts["password.gone.title"], content: NoContent(), status: .notFound)
            }
            return try await req.renderPage(
                "password-reset", title: req.texts["password.reset.title"],
                content: ResetContent(
                    token: token, invitation: link.purpose == .invitation, name: login.name,
                    error: errors.first?.message.text(req.texts)),
                status: .unprocessableEntity)
        case .gone:
            return try await req.renderPage(
                "password-gone", title: req.texts["password.gone.title"], content: NoContent(), status: .notFound)
        }
    }
}

/// `POST /api/v1/auth/password-reset` `{"email"}` → 202, always.
struct PasswordResetAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.post(APIRoute.passwordReset, use: request)
    }

    struct Body: Content {
        var email: String
    }

    struct Accepted: Content {
        var status: String
    }

    @Sendable func request(req: Request) async throws -> Response {
        let body = try req.content.decode(Body.self)
        try await PasswordResets.request(
            email: body.email.trimmingWhitespace().lowercased(), from: req.clientAddress, on: req)
        return try await Accepted(status: "accepted").encodeResponse(status: .accepted, for: req)
    }
}

/// Asking for a reset link (`RequestPasswordReset`) over the database.
enum PasswordResets {
    static let perAddress = RequestPasswordReset.perAddress
    static let perClient = RequestPasswordReset.perClient

    static func request(email: String, from client: String, on req: Request) async throws {
        try await RequestPasswordReset(
            store: DatabaseSignInStore(database: req.db), links: req.accountLinks, now: req.now
        ).run(email: email, from: client)
    }
}

extension Request {
    /// Where people reach this portal, for links in e-mails: `RETOUR_PUBLIC_URL` (required in
    /// production), else this machine. Never the request's `Host`, which whoever asks for a reset
    /// link could set to their own site.
    var baseURL: String { application.baseURL }
}

extension Application {
    var baseURL: String { config.publicURL ?? "http://localhost:\(http.server.configuration.port)" }
}
