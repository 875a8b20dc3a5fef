import Fluent
import RetourCore
import Vapor

/// `GET /api/v1/lines` and `GET /api/v1/lines/{id}`.
struct LinesController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.lines, use: search)
        routes.get(APIRoute.line, use: show)
    }

    @Sendable func search(req: Request) async throws -> LineSearchResult {
        let user = try req.requireUser()
        // The API's page and per are numbers when given (the search page's blank fields are not).
        for name in ["page", "per"] where req.query[String.self, at: name]?.trimmingWhitespace().isEmpty == true {
            throw Refusal.invalid([WholeNumber.error(.notWhole, field: name)])
        }
        let search = try LineSearchInput(query: req).validated(today: req.today).orProblem()
        return try await LineQuery.run(
            search, scope: try user.companyScope(), on: req.db, prepared: req.application.config.preparedStatements)
    }

    @Sendable func show(req: Request) async throws -> LineView {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let line = try await LineQuery.line(id: id, scope: try user.companyScope(), on: req.db)
        else { throw Refusal.notFound() }
        return line
    }
}

extension LineSearchInput {
    init(query req: Request) {
        func text(_ key: String) -> String? { req.query[String.self, at: key] }
        self.init(
            period: text("period"), from: text("from"), to: text("to"), number: text("number"),
            numberType: text("numberType"), kind: text("kind"), page: text("page"), per: text("per"))
    }
}

extension Result where Failure == ValidationErrors {
    /// The value, or a 422 naming every invalid field.
    func orProblem() throws -> Success {
        switch self {
        case .success(let value): return value
        case .failure(let errors): throw Refusal.invalid(errors.errors)
        }
    }
}
