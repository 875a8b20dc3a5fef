import RetourCore
import Vapor

/// Who may use a group of routes, checked once for the whole group: 401 without a signed-in user,
/// 403 for another role. Which company's data a user then sees is `CompanyScope`'s business.
struct RoleGuard: AsyncMiddleware {
    /// nil: any signed-in user.
    let roles: Set<Role>?

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        _ = try request.requireUser(roles)
        return try await next.respond(to: request)
    }
}

/// The routes of one surface (the pages or the API), grouped by who uses them, each group behind
/// one guard: a route's group says who may call it.
struct RoleRoutes {
    /// Anyone signed in: the request pages, attachments, search.
    let signedIn: any RoutesBuilder
    /// Resellers of a company: registration and the cart.
    let reseller: any RoutesBuilder
    /// A company's purchasing department, which manages its sub-logins.
    let resellerAdmin: any RoutesBuilder
    /// The distributor's agents and administrators: the queue and the decisions.
    let backOffice: any RoutesBuilder
    /// Administrators: the rules, the mail log, imports, metrics.
    let admin: any RoutesBuilder
    /// Who may make API keys and webhooks: a company's purchasing department for its company, an
    /// administrator for the distributor.
    let keyMakers: any RoutesBuilder

    init(_ base: any RoutesBuilder) {
        signedIn = base.grouped(RoleGuard(roles: nil))
        reseller = base.grouped(RoleGuard(roles: [.resellerUser, .resellerAdmin]))
        resellerAdmin = base.grouped(RoleGuard(roles: [.resellerAdmin]))
        backOffice = base.grouped(RoleGuard(roles: [.agent, .admin]))
        admin = base.grouped(RoleGuard(roles: [.admin]))
        keyMakers = base.grouped(RoleGuard(roles: [.resellerAdmin, .admin]))
    }

    func register(_ collection: some RoleRouteCollection) throws { try collection.boot(self) }
}

/// A feature's routes, each placed in the group of the role that uses it.
protocol RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws
}
