import Fluent
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
        let user = try req.requireUser()
        let id = try user.requireID()
        let sessions = try await WebSession.query(on: req.db).filter(\.$userID == id).count()
        let keys = try await APIKey.query(on: req.db).filter(\.$userID == id).filter(\.$revokedAt == nil)
            .sort(\.$id, .descending).limit(100).all()
        return try await req.renderPage(
            "account", title: req.texts["account.title"], nav: "account",
            content: Content(
                notice: notice, errors: errors, otherSessions: max(0, sessions - 1),
                keys: keys.map {
                    Key(
                        id: $0.id ?? 0, name: $0.name, prefix: $0.keyPrefix,
                        scopes: $0.scopes.map(\.rawValue).sorted().joined(separator: ", "),
                        lastUsed: $0.lastUsedAt.map { req.localTime(Date(timeIntervalSince1970: TimeInterval($0))) }
                            ?? "—")
                }),
            status: status)
    }

    struct PasswordForm: Decodable {
        var currentPassword: String?
        var password: String?
    }

    /// The current password is asked again (a session left open is not enough to take the account
    /// over); the new one ends every other session and every bearer token.
    @Sendable func changePassword(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let form = try req.content.decode(PasswordForm.self)
        let current = form.currentPassword ?? ""
        var matches = false
        if !current.isEmpty && current.count <= 200 {
            matches = (try? await req.password.async.verify(current, created: user.passwordHash)) ?? false
        }
        guard matches else {
            return try await render(
                req, notice: nil, errors: ["currentPassword": req.texts["account.currentPasswordWrong"]],
                status: .unprocessableEntity)
        }
        let password = form.password ?? ""
        if let problem = PasswordPolicy.problems(with: password).first {
            return try await render(
                req, notice: nil, errors: ["password": problem.message.text(req.texts)], status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(password)
        let keep = req.session.id?.string
        try await req.db.transaction { db in
            user.passwordHash = hash
            try await user.save(on: db)
            try await Self.endOthers(of: user, keeping: keep, on: db)
            try await AuditEvent(
                at: req.now, actorID: user.id, action: "password.change", subject: "user \(user.id ?? 0)",
                detail: "on /account"
            ).create(on: db)
        }
        return req.redirect(to: PageRoute.account.path() + "?done=password")
    }

    @Sendable func endOtherSessions(req: Request) async throws -> Response {
        let user = try req.requireUser()
        try await Self.endOthers(of: user, keeping: req.session.id?.string, on: req.db)
        return req.redirect(to: PageRoute.account.path() + "?done=sessions")
    }

    @Sendable func revokeKey(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let key = try await APIKey.query(on: req.db).filter(\.$id == id).filter(\.$userID == user.requireID())
                .first()
        else { throw Refusal.notFound() }
        if key.revokedAt == nil {
            key.revokedAt = req.now
            try await key.save(on: req.db)
        }
        return req.redirect(to: PageRoute.account.path() + "?done=key")
    }

    /// Every session of `user` but the one with id `keeping` ends, and every bearer token.
    static func endOthers(of user: User, keeping: String?, on db: any Database) async throws {
        let id = try user.requireID()
        var sessions = WebSession.query(on: db).filter(\.$userID == id)
        if let keeping { sessions = sessions.filter(\.$idHash != Tokens.hash(keeping)) }
        try await sessions.delete()
        try await APIToken.query(on: db).filter(\.$user.$id == id).delete()
    }
}
