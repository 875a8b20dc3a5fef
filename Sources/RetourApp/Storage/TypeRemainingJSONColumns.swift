import Fluent
import SQLKit

/// Migration 014 — the last JSON kept as plain text becomes typed: a receipt's differences, the
/// documents a mail carries and the answers stored with idempotency keys (JSONB on PostgreSQL).
/// Receipts from before differences were data hold a sentence; it is kept, as `{"written": …}`.
struct TypeRemainingJSONColumns: AsyncMigration {
    var name: String { "RetourApp.TypeRemainingJSONColumns" }

    static let columns: [(table: String, column: String)] = [
        ("requests", "discrepancy"), ("mail_outbox", "attachments"), ("idempotency_keys", "response"),
    ]

    func prepare(on database: any Database) async throws {
        try await database.transaction { db in
            let sql = db.sql
            let wrapped: SQLQueryString =
                db.isSQLite ? "json_object('written', discrepancy)" : "jsonb_build_object('written', discrepancy)::text"
            try await sql.raw(
                "UPDATE requests SET discrepancy = " + wrapped
                    + " WHERE discrepancy IS NOT NULL AND substr(discrepancy, 1, 1) <> '['"
            ).run()
            guard !db.isSQLite else { return }
            for (table, column) in Self.columns {
                try await sql.raw(
                    "ALTER TABLE \(ident: table) ALTER COLUMN \(ident: column) TYPE jsonb USING \(ident: column)::jsonb"
                ).run()
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { db in
            let sql = db.sql
            if db.isSQLite {
                try await sql.raw(
                    "UPDATE requests SET discrepancy = json_extract(discrepancy, '$.written') WHERE json_type(discrepancy) = 'object'"
                ).run()
                return
            }
            for (table, column) in Self.columns {
                try await sql.raw(
                    "ALTER TABLE \(ident: table) ALTER COLUMN \(ident: column) TYPE text USING \(ident: column)::text"
                ).run()
            }
            try await sql.raw(
                "UPDATE requests SET discrepancy = discrepancy::jsonb ->> 'written' WHERE jsonb_typeof(discrepancy::jsonb) = 'object'"
            ).run()
        }
    }
}
