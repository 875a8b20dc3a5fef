import Fluent
import RetourApplication
import RetourCore
import Vapor

/// The lines behind `SearchLines`: `LineQuery`'s statements, prepared on PostgreSQL when allowed.
struct DatabaseLineSearchStore: LineSearchStore {
    let database: any Database
    /// Whether PostgreSQL may run the searches as prepared statements (`RETOUR_PG_PREPARED`).
    let prepared: Bool

    func search(_ search: LineSearch, scope: CompanyScope) async throws -> LineSearchResult {
        try await LineQuery.run(search, scope: scope, on: database, prepared: prepared)
    }

    func line(id: Int, scope: CompanyScope) async throws -> LineView? {
        try await LineQuery.line(id: id, scope: scope, on: database)
    }
}

extension Request {
    /// The search, as the signed-in user may run it today.
    func searchLines() throws -> SearchLines {
        SearchLines(
            store: DatabaseLineSearchStore(database: db, prepared: application.config.preparedStatements),
            scope: try requireUser().companyScope(), today: today)
    }
}
