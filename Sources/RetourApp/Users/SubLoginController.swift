import Fluent
import RetourApplication
import RetourCore
import Vapor

/// A reseller admin's page for the company's sub-logins: list, create, disable, enable, reset
/// the password.
struct SubLoginController: RouteCollection {
    static let perPage = 25

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.users, use: list)
        routes.post(PageRoute.users, use: create)
        routes.post(PageRoute.userDisable, use: disable)
        routes.post(PageRoute.userEnable, use: enable)
        routes.post(PageRoute.userResetPassword, use: resetPassword)
        routes.post(PageRoute.userInvite, use: invite)
        routes.post(PageRoute.userRights, use: setRights)
        routes.post(PageRoute.usersApproval, use: setApproval)
    }

    /// One checkbox of a sub-login's rights.
    struct RightBox: Encodable {
        var value: String
        var name: String
        var checked: Bool
    }

    /// What each right allows, shown once above the list.
    struct RightExplained: Encodable {
        var value: String
        var name: String
        var explanation: String
    }

    struct Entry: Encodable {
        var id: Int
        var name: String
        var email: String
        var role: String
        var active: Bool
        var isSelf: Bool
        /// Never signed in: the invitation can be sent again.
        var invited: Bool
        /// A purchasing department holds every right; a sub-login's are chosen here.
        var holdsAll: Bool
        var rights: [RightBox]
    }

    /// The company's four-eyes rule as the form shows it.
    struct ApprovalForm: Encodable {
        var kind: String
        var amount: String
    }

    struct Content: Encodable {
        var users: [Entry]
        var form: [String: String]
        var errors: [String: String]
        var notice: String?
        var newPassword: String?
        var previousPage: String?
        var nextPage: String?
        var rights: [RightExplained]
        var newRights: [RightBox]
        var approval: ApprovalForm
    }

    struct CreateForm: Codable {
        var name: String?
        var email: String?
        var password: String?
        var role: String?
        var rights: [String]?
        /// Present when the form showed the rights' checkboxes: then none checked means none.
        var rightsShown: String?
    }

    struct RightsForm: Codable {
        var rights: [String]?
    }

    struct ApprovalBody: Codable {
        var submitApproval: String?
        var approvalAmount: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await render(req, form: [:], errors: [:])
    }

    @Sendable func create(req: Request) async throws -> Response {
        let form = try req.content.decode(CreateForm.self)
        let login = SubLogins.NewLogin(
            name: form.name ?? "", email: form.email ?? "", password: form.password ?? "",
            role: Role(rawValue: form.role ?? Role.resellerUser.rawValue),
            rights: form.rightsShown == nil ? nil : UserRight.parse(form.rights ?? []) ?? UserRight.defaultForUsers)
        do {
            let user = try await logins(req).create(login)
            // Without a typed password the colleague chooses one through an invitation e-mail.
            if login.password.isEmpty {
                try await req.accountLinks.invite(email: user.email)
                return try await render(
                    req, form: [:], errors: [:], notice: req.texts("users.invitationSent", ["email": user.email]))
            }
            return try await render(
                req, form: [:], errors: [:], notice: req.texts("users.created", ["email": user.email]))
        } catch let problem as Refusal where !problem.errors.isEmpty {
            let shown = Dictionary(
                problem.errors.map { ($0.field, $0.message.text(req.texts)) }, uniquingKeysWith: { a, _ in a })
            return try await render(
                req,
                form: [
                    "name": login.name.trimmingWhitespace(), "email": login.email.trimmingWhitespace().lowercased(),
                    "role": form.role ?? "",
                    "rights": UserRight.stored(login.rights ?? UserRight.defaultForUsers),
                ], errors: shown, status: .unprocessableEntity)
        }
    }

    @Sendable func disable(req: Request) async throws -> Response {
        try await setActive(req, false, notice: "users.disabled")
    }

    @Sendable func enable(req: Request) async throws -> Response {
        try await setActive(req, true, notice: "users.enabled")
    }

    private func setActive(_ req: Request, _ active: Bool, notice: String) async throws -> Response {
        do {
            let user = try await logins(req).setActive(try id(req), active)
            return try await render(req, form: [:], errors: [:], notice: req.texts(notice, ["email": user.email]))
        } catch let problem as Refusal where problem.status == .unprocessableEntity {
            return try await render(
                req, form: [:], errors: [:], notice: problem.detail.text(req.texts), status: .unprocessableEntity
            )
        }
    }

    /// Sets a random password and shows it once, for the admin to pass on.
    @Sendable func resetPassword(req: Request) async throws -> Response {
        let (user, password) = try await logins(req).resetPassword(try id(req))
        return try await render(
            req, form: [:], errors: [:], notice: req.texts("users.passwordReset", ["email": user.email]),
            newPassword: password)
    }

    /// Sends a colleague who never signed in a new invitation; the older link ends.
    @Sendable func invite(req: Request) async throws -> Response {
        let login = try await logins(req).colleague(try id(req))
        guard !login.hasSignedIn, login.active else { throw Refusal.notFound() }
        try await req.accountLinks.invite(email: login.email)
        return try await render(
            req, form: [:], errors: [:], notice: req.texts("users.invitationSent", ["email": login.email]))
    }

    /// Grants a sub-login the checked rights (an unchecked box is a right taken away).
    @Sendable func setRights(req: Request) async throws -> Response {
        let form = try req.content.decode(RightsForm.self)
        guard let rights = UserRight.parse(form.rights ?? []) else {
            throw Refusal.invalid([FieldError("rights", message: Message("users.unknownRight"))])
        }
        let user = try await logins(req).setRights(try id(req), rights)
        return try await render(
            req, form: [:], errors: [:], notice: req.texts("users.rightsSaved", ["email": user.email]))
    }

    /// The company's rule for when a submission waits for a colleague's approval.
    @Sendable func setApproval(req: Request) async throws -> Response {
        let body = try req.content.decode(ApprovalBody.self)
        let kind = SubmitApproval.Kind(rawValue: body.submitApproval ?? "")
        let amountText = (body.approvalAmount ?? "").trimmingWhitespace().replacingOccurrences(of: ",", with: ".")
        let amount = amountText.isEmpty || amountText.count > 20 ? nil : Money(decimal: amountText)
        guard let kind, let rule = SubmitApproval(kind: kind, amount: amount), (amount?.cents ?? 0) >= 0 else {
            return try await render(
                req, form: [:],
                errors: ["approvalAmount": req.texts["users.approvalAmountNeeded"]],
                approval: ApprovalForm(
                    kind: body.submitApproval ?? "", amount: String((body.approvalAmount ?? "").prefix(20))),
                status: .unprocessableEntity)
        }
        try await logins(req).setSubmitApproval(rule)
        return try await render(req, form: [:], errors: [:], notice: req.texts["users.approvalSaved"])
    }

    private static func boxes(_ held: Set<UserRight>, _ t: Translations) -> [RightBox] {
        UserRight.allCases.map { RightBox(value: $0.rawValue, name: $0.name.text(t), checked: held.contains($0)) }
    }

    private func logins(_ req: Request) throws -> SubLogins { try req.subLogins() }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        return id
    }

    private func render(
        _ req: Request, form: [String: String], errors: [String: String], notice: String? = nil,
        newPassword: String? = nil, approval: ApprovalForm? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let t = req.texts
        let admin = try req.requireUser()
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let logins = LoginQueries(database: req.db)
        let result = try await logins.logins(
            of: admin.companyID, by: .email, page: PageRequest(page: page, per: Self.perPage))
        let entries = result.items.map {
            Entry(
                id: $0.id ?? 0, name: $0.name, email: $0.email, role: req.texts["role.\($0.role.rawValue)"],
                active: $0.active,
                isSelf: $0.id == admin.id, invited: $0.signedInAt == nil, holdsAll: $0.role != .resellerUser,
                rights: Self.boxes($0.rights, t))
        }
        // Read afresh: the signed-in user carries the company as it was when the request began.
        let company = try await logins.company(admin.companyID)
        let rule = company?.submitApproval ?? .none
        let content = Content(
            users: entries, form: form, errors: errors, notice: notice, newPassword: newPassword,
            previousPage: page > 1 ? SitePath.users(page: page - 1).path : nil,
            nextPage: result.metadata.pageCount > page ? SitePath.users(page: page + 1).path : nil,
            rights: UserRight.allCases.map {
                RightExplained(value: $0.rawValue, name: $0.name.text(t), explanation: $0.explanation.text(t))
            },
            newRights: Self.boxes(
                form["rights"].flatMap { UserRight.parse($0.split(separator: ",").map(String.init)) }
                    ?? UserRight.defaultForUsers, t),
            approval: approval
                ?? ApprovalForm(
                    kind: rule.kind.rawValue, amount: rule.amount.map(req.language.decimal) ?? ""))
        return try await req.renderPage(
            "users", title: req.texts["users.title"], nav: "users", content: content, status: status)
    }
}

extension Request {
    /// The signed-in user's steps on logins (a reseller admin's own company's; the distributor's
    /// administrator's any reseller's), over this request's database.
    func subLogins() throws -> SubLogins {
        SubLogins(
            admin: try requireUser().login, store: DatabaseSubLoginStore(database: db), now: now,
            hashPassword: { [password = password.async] typed in
                guard let typed else { return AccountLinks.unusablePassword }
                return try await password.hash(typed)
            },
            makePassword: { randomToken(bytes: 12) })
    }
}
