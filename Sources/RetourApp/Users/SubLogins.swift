import Fluent
import RetourCore
import Vapor

/// What a reseller admin does with the company's logins, as use cases: create one, disable or
/// enable it, reset its password. A login of another company is not found; disabling or resetting
/// ends its sessions and API tokens at once.
struct SubLogins {
    var admin: User
    var database: any Database
    var now: Date
    var hashPassword: @Sendable (String) async throws -> String

    struct NewLogin {
        var name: String
        var email: String
        var password: String
        var role: Role?
        /// A sub-login's rights; nil: the default.
        var rights: Set<UserRight>? = nil
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
            throw Refusal.invalid(
                errors + [FieldError("role", message: Message("app.users.chooseUserOrAdministrator"))])
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        let user = User(
            email: email, name: name,
            passwordHash: login.password.isEmpty
                ? AccountLinks.unusablePassword : try await hashPassword(login.password), role: role,
            companyID: admin.companyID)
        if role == .resellerUser, let rights = login.rights { user.rightsText = UserRight.stored(rights) }
        try await user.create(on: database)
        return user
    }

    /// Grants a sub-login exactly `rights`. Recorded in the audit log; the login's sessions and
    /// tokens end, so that it signs in again under its new rights.
    func setRights(_ id: Int, _ rights: Set<UserRight>) async throws -> User {
        let user = try await colleague(id)
        guard user.role == .resellerUser else {
            throw Refusal(.invalid, detail: Message("users.adminsHoldAllRights"))
        }
        let before = user.rights
        guard before != rights else { return user }
        try await database.transaction { db in
            user.rightsText = UserRight.stored(rights)
            try await user.save(on: db)
            try await SessionsOfUser.endAll(userID: try user.requireID(), on: db)
            try await AuditEvent(
                at: now, actorID: admin.id, action: "user.rights", subject: "user \(user.id ?? 0)",
                detail: "\(UserRight.stored(before)) -> \(UserRight.stored(rights))"
            ).create(on: db)
        }
        return user
    }

    /// Sets the company's four-eyes rule for submitting, recorded in the audit log.
    func setSubmitApproval(_ rule: SubmitApproval) async throws {
        guard let companyID = admin.companyID else { throw Refusal.notFound() }
        try await database.transaction { db in
            guard let company = try await Company.find(companyID, on: db) else { throw Refusal.notFound() }
            let before = company.submitApproval
            guard before != rule else { return }
            company.submitApproval = rule
            try await company.save(on: db)
            try await AuditEvent(
                at: now, actorID: admin.id, action: "company.submitApproval", subject: "company \(companyID)",
                detail: "\(Self.describe(before)) -> \(Self.describe(rule))"
            ).create(on: db)
        }
    }

    private static func describe(_ rule: SubmitApproval) -> String {
        rule.amount.map { "\(rule.kind.rawValue) \($0.decimalString)" } ?? rule.kind.rawValue
    }

    /// Disables or enables a colleague's login; an admin cannot lock themselves out.
    func setActive(_ id: Int, _ active: Bool) async throws -> User {
        let user = try await colleague(id)
        if !active && user.id == admin.id {
            throw Refusal(.invalid, detail: Message("users.cannotDisableSelf"))
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
        else { throw Refusal.notFound() }
        return user
    }
}
