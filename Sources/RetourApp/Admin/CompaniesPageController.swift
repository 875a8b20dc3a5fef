import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The distributor's administrator reads the reseller companies the ERP loaded and their logins:
/// finds a company by number or name, disables or enables a login, and sends an invitation again
/// to a login that never signed in — the same steps (`SubLogins`) a reseller's own admin takes.
struct CompaniesPageController: RouteCollection {
    static let perPage = 50
    static let maximumQuery = 100

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminCompanies, use: list)
        routes.get(PageRoute.adminCompany, use: detail)
        routes.post(PageRoute.adminCompanyUserDisable, use: disable)
        routes.post(PageRoute.adminCompanyUserEnable, use: enable)
        routes.post(PageRoute.adminCompanyUserInvite, use: invite)
    }

    struct ListContent: Encodable {
        var query: String
        var companies: [LoginQueries.CompanyRow]
        var total: Int
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        let query = String((req.query[String.self, at: "q"] ?? "").trimmingWhitespace().prefix(Self.maximumQuery))
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let (rows, total) = try await LoginQueries(database: req.db).companies(
            matching: query, page: page, per: Self.perPage)
        let content = ListContent(
            query: query, companies: rows, total: total,
            previousPage: page > 1 ? SitePath.adminCompanies(query: query, page: page - 1).path : nil,
            nextPage: total > page * Self.perPage ? SitePath.adminCompanies(query: query, page: page + 1).path : nil)
        return try await req.renderPage(
            "companies", title: req.texts["admin.companies.title"], nav: "companies", content: content)
    }

    struct UserRow: Encodable {
        var id: Int
        var name: String
        var email: String
        var role: String
        var active: Bool
        var invited: Bool
        var lastSignIn: String
    }

    struct DetailContent: Encodable {
        var id: Int
        var number: String
        var name: String
        var email: String
        var address: String
        var approval: String
        var users: [UserRow]
        var notice: String?
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func detail(req: Request) async throws -> Response {
        let company = try await company(req)
        let id = try company.requireID()
        let t = req.texts
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let logins = LoginQueries(database: req.db)
        let users = try await logins.logins(of: id, by: .name, page: PageRequest(page: page, per: Self.perPage))
        var notice: String?
        if let done = req.query[String.self, at: "done"].flatMap({ Self.doneTexts[$0] }),
            let userID = req.query[Int.self, at: "user"], let user = try await logins.login(userID, of: id)
        {
            notice = t(done, ["email": user.email])
        }
        let rule = company.submitApproval
        let approval =
            switch rule.kind {
            case .none: t["users.approval.none"]
            case .always: t["users.approval.always"]
            case .aboveAmount:
                t["users.approval.above_amount"] + " "
                    + (rule.amount.map { req.language.format($0, currency: "EUR") } ?? "")
            }
        let address = [
            company.street, [company.postcode, company.city].compactMap { $0 }.joined(separator: " "), company.country,
        ]
        .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ", ")
        let content = DetailContent(
            id: id, number: company.number, name: company.name, email: company.email ?? "", address: address,
            approval: approval,
            users: users.items.map {
                UserRow(
                    id: $0.id ?? 0, name: $0.name, email: $0.email, role: t["role.\($0.role.rawValue)"],
                    active: $0.active, invited: $0.signedInAt == nil,
                    lastSignIn: $0.signedInAt.map(req.localTime) ?? t["admin.companies.never"])
            },
            notice: notice,
            previousPage: page > 1 ? SitePath.adminCompany(id, page: page - 1).path : nil,
            nextPage: users.metadata.pageCount > page ? SitePath.adminCompany(id, page: page + 1).path : nil)
        return try await req.renderPage(
            "company", title: company.name, nav: "companies", content: content)
    }

    /// What the page says after a step, by the step's name in the address.
    static let doneTexts = [
        "disabled": "admin.companies.done.disabled", "enabled": "admin.companies.done.enabled",
        "invited": "admin.companies.done.invited",
    ]

    @Sendable func disable(req: Request) async throws -> Response {
        try await act(req, done: "disabled") { logins, user in _ = try await logins.setActive(user, false) }
    }

    @Sendable func enable(req: Request) async throws -> Response {
        try await act(req, done: "enabled") { logins, user in _ = try await logins.setActive(user, true) }
    }

    /// An invitation again, to a login that never signed in; the older link ends.
    @Sendable func invite(req: Request) async throws -> Response {
        try await act(req, done: "invited") { logins, userID in
            let login = try await logins.colleague(userID)
            guard !login.hasSignedIn, login.active else { throw Refusal.notFound() }
            try await req.accountLinks.invite(email: login.email)
        }
    }

    /// One step on a login of the company in the address; a login of another company is not found.
    private func act(
        _ req: Request, done: String, _ step: (SubLogins, Int) async throws -> Void
    ) async throws -> Response {
        let company = try await company(req)
        let companyID = try company.requireID()
        guard let userID = req.parameters.get("user", as: Int.self),
            try await LoginQueries(database: req.db).login(userID, of: companyID) != nil
        else { throw Refusal.notFound() }
        try await step(try req.subLogins(), userID)
        return req.redirect(to: .adminCompany(companyID, done: done, user: userID))
    }

    private func company(_ req: Request) async throws -> Company {
        guard let id = req.parameters.get("id", as: Int.self),
            let company = try await LoginQueries(database: req.db).company(id)
        else { throw Refusal.notFound() }
        return company
    }
}
