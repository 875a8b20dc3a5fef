import Fluent
import RetourCore
import Vapor

/// A reseller admin's page for the company's sub-logins: list, create, disable, enable, reset
/// the password.
struct SubLoginController: RouteCollection {
    static let perPage = 25

    func boot(routes: any RoutesBuilder) throws {
        let users = routes.grouped("users")
        users.get(use: list)
        users.post(use: create)
        users.post(":id", "disable", use: disable)
        users.post(":id", "enable", use: enable)
        users.post(":id", "reset-password", use: resetPassword)
    }

    struct Entry: Encodable {
        var id: Int
        var name: String
        var email: String
        var role: String
        var active: Bool
        var isSelf: Bool
    }

    struct Content: Encodable {
        var users: [Entry]
        var form: [String: String]
        var errors: [String: String]
        var notice: String?
        var newPassword: String?
        var previousPage: String?
        var nextPage: String?
    }

    struct CreateForm: Codable {
        var name: String?
        var email: String?
        var password: String?
        var role: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await render(req, form: [:], errors: [:])
    }

    @Sendable func create(req: Request) async throws -> Response {
        let admin = try req.requireUser()
        let form = try req.content.decode(CreateForm.self)
        let name = (form.name ?? "").trimmingWhitespace()
        let email = (form.email ?? "").trimmingWhitespace().lowercased()
        let password = form.password ?? ""
        let role = Role(rawValue: form.role ?? Role.resellerUser.rawValue)
        var errors: [FieldError] = []
        if name.isEmpty || name.count > 200 {
            errors.append(
                FieldError(
                    "name", message: Message("app.users.enterANameAtMost200"))
            )
        }
        if !EmailAddress.isPlausible(email) {
            errors.append(
                FieldError("email", message: Message("app.users.enterAValidEMailAddress")))
        } else if try await User.query(on: req.db).filter(\.$email == email).count() > 0 {
            errors.append(
                FieldError(
                    "email", message: Message("app.users.aLoginWithThisEMail")))
        }
        errors += PasswordPolicy.problems(with: password)
        if role == nil || role?.belongsToCompany == false {
            errors.append(FieldError("role", message: Message("app.users.chooseUserOrAdministrator")))
        }
        guard errors.isEmpty, let role else {
            let shown = Dictionary(
                errors.map { ($0.field, $0.message.text(in: req.language)) }, uniquingKeysWith: { a, _ in a })
            return try await render(
                req, form: ["name": name, "email": email, "role": form.role ?? ""], errors: shown,
                status: .unprocessableEntity)
        }
        let hash = try await req.password.async.hash(password)
        try await User(email: email, name: name, passwordHash: hash, role: role, companyID: admin.companyID).create(
            on: req.db)
        return try await render(req, form: [:], errors: [:], notice: req.texts("users.created", ["email": email]))
    }

    @Sendable func disable(req: Request) async throws -> Response {
        let (admin, user) = try await colleague(req)
        guard user.id != admin.id else {
            return try await render(
                req, form: [:], errors: [:], notice: req.texts["users.cannotDisableSelf"], status: .unprocessableEntity)
        }
        user.active = false
        try await user.save(on: req.db)
        try await SessionsOfUser.endAll(userID: try user.requireID(), on: req.db)
        return try await render(req, form: [:], errors: [:], notice: req.texts("users.disabled", ["email": user.email]))
    }

    @Sendable func enable(req: Request) async throws -> Response {
        let (_, user) = try await colleague(req)
        user.active = true
        try await user.save(on: req.db)
        return try await render(req, form: [:], errors: [:], notice: req.texts("users.enabled", ["email": user.email]))
    }

    /// Sets a random password and shows it once, for the admin to pass on.
    @Sendable func resetPassword(req: Request) async throws -> Response {
        let (_, user) = try await colleague(req)
        let password = randomToken(bytes: 12)
        user.passwordHash = try await req.password.async.hash(password)
        try await user.save(on: req.db)
        try await SessionsOfUser.endAll(userID: try user.requireID(), on: req.db)
        return try await render(
            req, form: [:], errors: [:], notice: req.texts("users.passwordReset", ["email": user.email]),
            newPassword: password)
    }

    /// The user named in the path, if it belongs to the admin's own company; 404 otherwise.
    private func colleague(_ req: Request) async throws -> (admin: User, user: User) {
        let admin = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self), let user = try await User.find(id, on: req.db),
            user.companyID != nil, user.companyID == admin.companyID
        else { throw Problem.notFound() }
        return (admin, user)
    }

    private func render(
        _ req: Request, form: [String: String], errors: [String: String], notice: String? = nil,
        newPassword: String? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let admin = try req.requireUser()
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let result = try await User.query(on: req.db)
            .filter(\.$company.$id == admin.companyID)
            .sort(\.$email)
            .paginate(PageRequest(page: page, per: Self.perPage))
        let entries = result.items.map {
            Entry(
                id: $0.id ?? 0, name: $0.name, email: $0.email, role: req.texts["role.\($0.roleName)"],
                active: $0.active,
                isSelf: $0.id == admin.id)
        }
        let content = Content(
            users: entries, form: form, errors: errors, notice: notice, newPassword: newPassword,
            previousPage: page > 1 ? SitePath.users(page: page - 1).path : nil,
            nextPage: result.metadata.pageCount > page ? SitePath.users(page: page + 1).path : nil)
        return try await req.renderPage(
            "users", title: req.texts["users.title"], nav: "users", content: content, status: status)
    }
}
