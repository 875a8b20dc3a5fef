import FluentKit
import SQLKit

extension Database {
    /// The database as SQL. Retour configures only SQLite and PostgreSQL, whose Fluent drivers are both
    /// SQL databases, so the one cast that says so lives here and nowhere else (`LayerTests`).
    var sql: any SQLDatabase {
        guard let sql = self as? any SQLDatabase else {
            preconditionFailure("Retour runs on SQLite or PostgreSQL, both SQL databases; \(type(of: self)) is not one")
        }
        return sql
    }
}
