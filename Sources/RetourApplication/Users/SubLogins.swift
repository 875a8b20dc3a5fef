import Foundation
import RetourCore

/// What a reseller admin does with the company's logins: create one, grant rights, disable or
/// enable it, reset its password, set the company's four-eyes rule. A login of another company is
/// not found (the distributor's administrator reaches every reseller's logins, none of the staff's); disabling, resetting or changing rights ends its sessions and API tokens at once.
/// Each step runs in one transaction that locks the row it decides on.
public struct SubLogins: Sendable {
    public var admin: Login
    public var store: any SubLoginStore
    public var now: Date
    /// The stored hash of a password; of nil, a hash no password matches (an invited login).
    public var hashPassword: @Sendable (String?) async throws -> String
    /// A new random password, shown once.
    public var makePassword: @Sendable () -> String

    public init(
        admin: Login, store: any SubLoginStore, now: Date,
        hashPassword: @escaping @Sendable (String?) async throws -> String,
        makePassword: @escaping @Sendable () -> String
    ) {
        self.admin = admin
        self.store = store
        self.now = now
        self.hashPassword = hashPassword
        self.makePassword = makePassword
    }

    public struct NewLogin: Sendable {
        public var name: String
        public var email: String
        /// Empty: the colleague chooses one through an invitation (sent by the caller).
        public var password: String
        public var role: Role?
        /// A sub-login's rights; nil: the default.
        public var rights: Set<UserRight>?

        public init(name: String, email: String, password: String, role: Role?, rights: Set<UserRight>? = nil) {
            self.name = name
            self.email = email
            self.password = password
            self.role = role
            self.rights = rights
        }
    }

    public func create(_ login: NewLogin) async throws -> Login {
        let name = login.name.trimmingWhitespace()
        let email = login.email.trimmingWhitespace().lowercased()
        let password = login.password
        var errors: [FieldError] = []
        if name.isEmpty || name.count > ImportParser.maximumTextLength {
            errors.append(FieldError("name", message: Message("app.users.enterANameAtMost200")))
        }
        let plausible = EmailAddress.isPlausible(email)
        if !plausible {
            errors.append(FieldError("email", message: Message("app.users.enterAValidEMailAddress")))
        }
        if !password.isEmpty { errors += PasswordPolicy.problems(with: password) }
        guard let role = login.role, role.belongsToCompany else {
            throw Refusal.invalid(
                errors + [FieldError("role", message: Message("app.users.chooseUserOrAdministrator"))])
        }
        let taken = FieldError("email", message: Message("app.users.aLoginWithThisEMail"))
        if plausible, try await store.transaction({ try await $0.emailTaken(email) }) { errors.append(taken) }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        // Hashed before the transaction, which would otherwise hold the write lock for the hash's time.
        let hash = try await hashPassword(password.isEmpty ? nil : password)
        let rights = role == .resellerUser ? login.rights : nil
        let companyID = admin.companyID
        return try await store.transaction { work in
            // Taken meanwhile by a colleague's click.
            if try await work.emailTaken(email) { throw Refusal.invalid([taken]) }
            return try await work.create(
                name: name, email: email, passwordHash: hash, role: role, companyID: companyID, rights: rights)
        }
    }

    /// Grants a sub-login exactly `rights`. Recorded in the audit log; the login's sessions and
    /// tokens end, so that it signs in again under its new rights.
    public func setRights(_ id: Int, _ rights: Set<UserRight>) async throws -> Login {
        let (admin, now) = (admin, now)
        return try await store.transaction { work in
            var login = try await Self.colleague(id, of: admin, in: work)
            guard login.role == .resellerUser else {
                throw Refusal(.invalid, detail: Message("users.adminsHoldAllRights"))
            }
            let before = login.rights
            guard before != rights else { return login }
            try await work.setRights(ofLogin: id, to: rights)
            try await work.endSessions(ofLogin: id)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: admin.id, action: "user.rights", subject: "user \(id)",
                    detail: "\(UserRight.stored(before)) -> \(UserRight.stored(rights))"))
            login.rights = rights
            return login
        }
    }

    /// Sets the company's four-eyes rule for submitting, recorded in the audit log.
    public func setSubmitApproval(_ rule: SubmitApproval) async throws {
        guard let companyID = admin.companyID else { throw Refusal.notFound() }
        let (admin, now) = (admin, now)
        try await store.transaction { work in
            guard let before = try await work.lockSubmitApproval(ofCompany: companyID) else {
                throw Refusal.notFound()
            }
            guard before != rule else { return }
            try await work.setSubmitApproval(ofCompany: companyID, to: rule)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: admin.id, action: "company.submitApproval", subject: "company \(companyID)",
                    detail: "\(Self.describe(before)) -> \(Self.describe(rule))"))
        }
    }

    private static func describe(_ rule: SubmitApproval) -> String {
        rule.amount.map { "\(rule.kind.rawValue) \($0.decimalString)" } ?? rule.kind.rawValue
    }

    /// Disables or enables a colleague's login; an admin cannot lock themselves out.
    public func setActive(_ id: Int, _ active: Bool) async throws -> Login {
        let admin = admin
        return try await store.transaction { work in
            var login = try await Self.colleague(id, of: admin, in: work)
            if !active && id == admin.id {
                throw Refusal(.invalid, detail: Message("users.cannotDisableSelf"))
            }
            try await work.setActive(ofLogin: id, to: active)
            if !active { try await work.endSessions(ofLogin: id) }
            login.active = active
            return login
        }
    }

    /// Sets a random password, to be shown once for the admin to pass on.
    public func resetPassword(_ id: Int) async throws -> (login: Login, password: String) {
        let password = makePassword()
        let hash = try await hashPassword(password)
        let admin = admin
        let login = try await store.transaction { work in
            let login = try await Self.colleague(id, of: admin, in: work)
            try await work.setPasswordHash(ofLogin: id, to: hash)
            try await work.endSessions(ofLogin: id)
            return login
        }
        return (login, password)
    }

    /// The login `id` if it belongs to the admin's own company (to any company, for the distributor's
    /// administrator).
    public func colleague(_ id: Int) async throws -> Login {
        let admin = admin
        return try await store.transaction { work in try await Self.colleague(id, of: admin, in: work) }
    }

    private static func colleague(_ id: Int, of admin: Login, in work: any SubLoginWork) async throws -> Login {
        guard let login = try await work.lockLogin(id), let company = login.companyID,
            company == admin.companyID || admin.role == .admin
        else { throw Refusal.notFound() }
        return login
    }
}
