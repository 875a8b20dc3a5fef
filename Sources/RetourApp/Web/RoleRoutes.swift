import RetourCore
import Vapor

/// Who may use a group of routes, checked once for the whole group by the core's `Audience`: 401
/// without a signed-in user, 403 for a role it does not admit. Which company's data a user then
/// sees is `CompanyScope`'s business.
struct RoleGuard: AsyncMiddleware {
    let audience: Audience

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let user = try request.requireUser()
        guard audience.admits(user.role) else {
            throw Refusal(.forbidden, detail: Message("app.auth.yourRoleMayNotDoThis"))
        }
        return try await next.respond(to: request)
    }
}

/// The routes of one surface (the pages or the API), grouped by who uses them, each group behind
/// one guard: a route's group says who may call it.
struct RoleRoutes {
    let signedIn: any RoutesBuilder
    let reseller: any RoutesBuilder
    let resellerAdmin: any RoutesBuilder
    let backOffice: any RoutesBuilder
    let admin: any RoutesBuilder
    let keyMakers: any RoutesBuilder

    init(_ base: any RoutesBuilder) {
        func group(_ audience: Audience) -> any RoutesBuilder { base.grouped(RoleGuard(audience: audience)) }
        signedIn = group(.signedIn)
        reseller = group(.reseller)
        resellerAdmin = group(.resellerAdmin)
        backOffice = group(.backOffice)
        admin = group(.admin)
        keyMakers = group(.keyMakers)
    }

    func register(_ collection: some RoleRouteCollection) throws { try collection.boot(self) }
}

/// A feature's routes, each placed in the group of the role that uses it.
protocol RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws
}
