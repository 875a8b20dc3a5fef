import Fluent
import RetourCore
import Vapor

/// What a reseller admin does with the company's logins, as use cases: create one, disable or
/// enable it, reset its password. A login of another company is not found; disabling or resetting
/// ends its sessions and API tokens at once.
struct SubLogins {
    var admin: User
    var database: any Database
    var hashPassword: @Sendable (String) async throws -> String

    struct NewLogin {
        var name: String
        var email: String
        var password: String
        var role: Role?
    }

    func create(_ login: NewLogin) async throws -> User {
        let name = login.name.trimmingWhitespace()
        let email = login.email.trimmingWhitespace().lowercased()
        var errors: [FieldError] = []
        if name.isEmpty || name.count > ImportParser.maximumTextLength {
            errors.append(FieldError("name", message: Message("app.users.enterANameAtMost200")))
        }
        if !EmailAddress.isPlausible(email) {
            errors.append(FieldError("email", message: Message("app.users.enterAValidEMailAddress")))
        } else if try await User.query(on: database).filter(\.$email == email).count() > 0 {
            errors.append(FieldError("email", message: Message("app.users.aLoginWithThisEMail")))
        }
        // No password: the colleague chooses one through an invitation (sent by the caller).
        if !login.password.isEmpty { errors += PasswordPolicy.problems(with: login.password) }
        guard let role = login.role, role.belongsToCompany else {
            throw Problem.invalid(
                errors + [FieldError("role", message: Message("app.users.chooseUserOrAdministrator"))])
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        let user = User(
            email: email, name: name,
            passwordHash: login.password.isEmpty
                ? AccountLinks.unusablePassword : try await hashPassword(login.password), role: role,
            companyID: admin.companyID)
        try await user.create(on: database)
        return user
    }

    /// Disables or enables a colleague's login; an admin cannot lock themselves out.
    func setActive(_ id: Int, _ active: Bool) async throws -> User {
        let user = try await colleague(id)
        if !active && user.id == admin.id {
            throw Problem(.unprocessableEntity, detail: Message("users.cannotDisableSelf"))
        }
        try await database.transaction { db in
            user.active = active
            try await user.save(on: db)
            if !active { try await SessionsOfUser.endAll(userID: try user.requireID(), on: db) }
        }
        return user
    }

    /// Sets a random password, to be shown once for the admin to pass on.
    func resetPassword(_ id: Int) async throws -> (user: User, password: String) {
        let user = try await colleague(id)
        let password = randomToken(bytes: 12)
        user.passwordHash = try await hashPassword(password)
        try await database.transaction { db in
            try await user.save(on: db)
            try await SessionsOfUser.endAll(userID: try user.requireID(), on: db)
        }
        return (user, password)
    }

    /// The login `id` if it belongs to the admin's own company.
    func colleague(_ id: Int) async throws -> User {
        guard let user = try await User.find(id, on: database), user.companyID != nil,
            user.companyID == admin.companyID
        else { throw Problem.notFound() }
        return user
    }
}
