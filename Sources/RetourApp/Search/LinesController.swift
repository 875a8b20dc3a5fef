import Fluent
import RetourApplication
import RetourCore
import Vapor

/// `GET /api/v1/lines` and `GET /api/v1/lines/{id}`.
struct LinesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.lines, use: search)
        routes.get(APIRoute.line, use: show)
    }

    @Sendable func search(req: Request) async throws -> LineSearchResult {
        // The API's page and per are numbers when given (the search page's blank fields are not).
        for name in ["page", "per"] where req.query[String.self, at: name]?.trimmingWhitespace().isEmpty == true {
            throw Refusal.invalid([WholeNumber.error(.notWhole, field: name)])
        }
        return try await req.searchLines().run(LineSearchInput(query: req))
    }

    @Sendable func show(req: Request) async throws -> LineView {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        return try await req.searchLines().line(id: id)
    }
}

extension LineView: Content {}
extension DocumentView: Content {}
extension LineSearchResult: Content {}

extension LineSearchInput {
    init(query req: Request) {
        func text(_ key: String) -> String? { req.query[String.self, at: key] }
        self.init(
            period: text("period"), from: text("from"), to: text("to"), number: text("number"),
            numberType: text("numberType"), kind: text("kind"), page: text("page"), per: text("per"))
    }
}
