import Fluent
import SQLKit

/// Migration 006 — the request timeline (events), goods receipt, credit notes, expiry bookkeeping.
struct CreateFollowUp: AsyncMigration {
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

        for (name, type) in [
            ("received_quantity", DatabaseSchema.DataType.int), ("received_serials", .string),
            ("received_condition", .string),
            ("receipt_note", .string), ("discrepancy", .string), ("credit_note_number", .string),
            ("credit_amount_cents", .int64),
            ("credit_kind", .string), ("credit_reason", .string), ("credit_note_date", .string), ("closed_on", .string),
            ("reseller_extensions", .int), ("reminder_sent", .bool), ("last_change_at", .datetime),
        ] {
            // One column per statement: SQLite adds columns one at a time.
            try await database.schema("requests").field(FieldKey(stringLiteral: name), type).update()
        }

        let sql = database as! any SQLDatabase
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
        try await database.schema("request_events").delete()
    }
}
