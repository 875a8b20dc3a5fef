import Fluent
import RetourApplication
import RetourCore
import Vapor

/// `/account`: a signed-in user's own password, sessions and API keys.
struct AccountController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.account, use: show)
        routes.post(PageRoute.account, use: changePassword)
        routes.post(PageRoute.accountSessionsEnd, use: endOtherSessions)
        routes.post(PageRoute.accountKeyRevoke, use: revokeKey)
    }

    struct Key: Encodable {
        var id: Int
        var name: String
        var prefix: String
        var scopes: String
        var lastUsed: String
    }

    struct Content: Encodable {
        var notice: String?
        var errors: [String: String]
        var otherSessions: Int
        var keys: [Key]
    }

    @Sendable func show(req: Request) async throws -> Response {
        let notice: String? =
            switch req.query[String.self, at: "done"] {
            case "password": req.texts["account.passwordChanged"]
            case "sessions": req.texts["account.sessionsEnded"]
            case "key": req.texts["account.keyRevoked"]
            default: nil
            }
        return try await render(req, notice: notice, errors: [:])
    }

    private func render(_ req: Request, notice: String?, errors: [String: String], status: HTTPStatus = .ok)
        async throws -> Response
    {
        let overview = try await req.ownAccount().overview()
        return try await req.renderPage(
            "account", title: req.texts["account.title"], nav: "account",
            content: Content(
                notice: notice, errors: errors, otherSessions: overview.otherSessions,
                keys: overview.keys.map {
                    Key(
                        id: $0.id, name: $0.name, prefix: $0.prefix,
                        scopes: $0.scopes.map(\.rawValue).sorted().joined(separator: ", "),
                        lastUsed: $0.lastUsedAt.map { req.localTime($0) } ?? "—")
                }),
            status: status)
    }

    struct PasswordForm: Decodable {
        var currentPassword: String?
        var password: String?
    }

    @Sendable func changePassword(req: Request) async throws -> Response {
        let form = try req.content.decode(PasswordForm.self)
        do {
            try await req.ownAccount().changePassword(current: form.currentPassword ?? "", new: form.password ?? "")
        } catch let refusal as Refusal where !refusal.errors.isEmpty {
            var errors: [String: String] = [:]
            for error in refusal.errors where errors[error.field] == nil {
                errors[error.field] = error.message.text(req.texts)
            }
            return try await render(req, notice: nil, errors: errors, status: .unprocessableEntity)
        }
        return req.redirect(to: PageRoute.account.path() + "?done=password")
    }

    @Sendable func endOtherSessions(req: Request) async throws -> Response {
        try await req.ownAccount().endOtherSessions()
        return req.redirect(to: PageRoute.account.path() + "?done=sessions")
    }

    @Sendable func revokeKey(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        try await req.ownAccount().revokeKey(id)
        return req.redirect(to: PageRoute.account.path() + "?done=key")
    }
}
