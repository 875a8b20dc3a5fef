import Fluent
import SQLKit

/// Migration 012 — the JSON documents of cart positions, requests and their events become JSONB on
/// PostgreSQL (the rows keep their content); SQLite keeps JSON as text, so nothing changes there.
struct CreateJSONColumns: AsyncMigration {
    var name: String { "RetourApp.CreateJSONColumns" }

    static let columns: [(table: String, column: String)] = [
        ("cart_positions", "serials"), ("cart_positions", "fields"), ("cart_positions", "attachments"),
        ("cart_positions", "return_address"), ("requests", "serials"), ("requests", "fields"),
        ("requests", "attachments"), ("requests", "return_address"), ("requests", "received_serials"),
        ("request_events", "attachments"),
    ]

    func prepare(on database: any Database) async throws {
        guard !database.isSQLite else { return }
        let sql = database.sql
        for (table, column) in Self.columns {
            try await sql.raw(
                "ALTER TABLE \(ident: table) ALTER COLUMN \(ident: column) TYPE jsonb USING \(ident: column)::jsonb"
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        guard !database.isSQLite else { return }
        let sql = database.sql
        for (table, column) in Self.columns {
            try await sql.raw(
                "ALTER TABLE \(ident: table) ALTER COLUMN \(ident: column) TYPE text USING \(ident: column)::text"
            ).run()
        }
    }
}
