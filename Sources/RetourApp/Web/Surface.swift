import Vapor

/// Who a route answers: people (pages: HTML, sessions, the language cookie), programs (the JSON API:
/// problem+json, `Accept-Language`, never cached) or the operators' probes. A property of the route,
/// set where it is registered (`RoutePattern.surface`), not read from its address.
enum Surface: Sendable {
    case pages, api, operations

    static let userInfoKey = "surface"

    /// Whether errors are answered as problem+json and a wrong method as 405.
    var answersMachines: Bool { self != .pages }

    /// An address that matches no route has no group: it belongs to the surface whose routes share
    /// its first segment (`/api/v1/nothing` is the API's 404), else to the pages.
    init(unmatchedPath path: String) {
        let first = path.split(separator: "/", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        if Self.apiRoots.contains(first) {
            self = .api
        } else if Self.operationsRoots.contains(first) {
            self = .operations
        } else {
            self = .pages
        }
    }

    /// The first segments of the API's and the operators' routes, read once from their enums.
    private static let apiRoots = roots(of: APIRoute.allCases)
    private static let operationsRoots = roots(of: OperationsRoute.allCases)

    private static func roots(of routes: [some RoutePattern]) -> Set<String> {
        Set(routes.compactMap { $0.components.first?.description })
    }
}

extension Route {
    var surface: Surface? { userInfo[Surface.userInfoKey] as? Surface }
}

extension Request {
    /// The surface of the route that answers this request.
    var surface: Surface { route?.surface ?? Surface(unmatchedPath: url.path) }
}

/// The operators' probes and metrics.
enum OperationsRoute: String, RoutePattern, Sendable {
    case healthz = "/healthz"
    case readyz = "/readyz"
    case metrics = "/metrics"

    static let surface = Surface.operations
}
