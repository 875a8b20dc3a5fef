import Fluent
import SQLKit

/// Migration 006 — the request timeline (events), goods receipt, credit notes, expiry bookkeeping.
struct CreateFollowUp: AsyncMigration {
    var name: String { "RetourApp.CreateFollowUp" }

    static let requestColumns: [(String, DatabaseSchema.DataType)] = [
        ("received_quantity", .int), ("received_serials", .string), ("received_condition", .string),
        ("receipt_note", .string), ("discrepancy", .string), ("credit_note_number", .string),
        ("credit_amount_cents", .int64), ("credit_kind", .string), ("credit_reason", .string),
        ("credit_note_date", .string), ("closed_on", .string), ("reseller_extensions", .int), ("reminder_sent", .bool),
        ("last_change_at", .datetime),
    ]

    func prepare(on database: any Database) async throws {
        try await database.schema("request_events")
            .field("id", .int, .identifier(auto: true))
            .field("request_id", .int, .required, .references("requests", "id", onDelete: .cascade))
            .field("at", .datetime, .required)
            .field("actor_id", .int)
            .field("actor", .string, .required)
            .field("action", .string, .required)
            .field("from_status", .string, .required)
            .field("to_status", .string, .required)
            .field("message", .string)
            .field("attachments", .string, .required)
            .create()

        for (name, type) in Self.requestColumns {
            // One column per statement: SQLite adds columns one at a time.
            try await database.schema("requests").field(FieldKey(stringLiteral: name), type).update()
        }

        let sql = database.sql
        for (name, table, columns) in [
            ("events_request", "request_events", ["request_id", "at"]),
            ("requests_status_valid", "requests", ["status", "valid_until"]),
            ("requests_company_closed", "requests", ["company_id", "closed_on"]),
            ("requests_credit_note", "requests", ["credit_note_number"]),
            ("requests_status_submitted", "requests", ["status", "submitted_at"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
        try await sql.insert(into: "number_sequences").columns("name", "value").values(
            SQLBind("credit_note"), SQLBind(0)
        ).run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await database.schema("request_events").delete()
        for index in [
            "requests_status_valid", "requests_company_closed", "requests_credit_note", "requests_status_submitted",
        ] {
            try await sql.drop(index: index).run()
        }
        for column in Self.requestColumns.map(\.0).reversed() {
            try await database.schema("requests").deleteField(FieldKey(stringLiteral: column)).update()
        }
        try await sql.delete(from: "number_sequences").where("name", .equal, "credit_note").run()
    }
}
