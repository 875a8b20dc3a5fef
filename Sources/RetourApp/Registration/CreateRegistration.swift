import Fluent
import SQLKit

/// Migration 005 — attachments, carts, requests with their claimed serials, idempotency keys,
/// number sequences, the mail outbox and phone-upload tokens.
struct CreateRegistration: AsyncMigration {
    /// Stable: databases record migrations by this name.
    var name: String { "RetourApp.CreateRegistration" }

    func prepare(on database: any Database) async throws {
        try await database.schema("attachments")
            .field("id", .string, .identifier(auto: false))
            .field("company_id", .int)
            .field("user_id", .int, .required)
            .field("upload_token", .string)
            .field("sha256", .string, .required)
            .field("filename", .string, .required)
            .field("size", .int, .required)
            .field("content_type", .string, .required)
            .field("is_image", .bool, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema("cart_positions")
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("company_id", .int, .required)
            .field("line_id", .int, .required, .references("invoice_lines", "id"))
            .field("reason", .string, .required)
            .field("quantity", .int, .required)
            .field("serials", .string, .required)
            .field("fields", .string, .required)
            .field("attachments", .string, .required)
            .field("return_address", .string, .required)
            .field("created_at", .datetime, .required)
            .create()

        try await database.schema("requests")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("rma_number", .string)
            .field("valid_until", .string)
            .field("status", .string, .required)
            .field("outcome", .string, .required)
            .field("reason", .string, .required)
            .field("line_id", .int, .required, .references("invoice_lines", "id"))
            .field("company_id", .int, .required)
            .field("user_id", .int, .required)
            .field("quantity", .int, .required)
            .field("serials", .string, .required)
            .field("fields", .string, .required)
            .field("attachments", .string, .required)
            .field("return_address", .string, .required)
            .field("policy_version", .int, .required)
            .field("submitted_at", .datetime, .required)
            .field("submitted_on", .string, .required)
            .unique(on: "number")
            .create()

        // One row per claimed serial: the unique key makes a double claim impossible even if two
        // submissions race past every other check.
        try await database.schema("claimed_serials")
            .field("line_id", .int, .required)
            .field("serial", .string, .required)
            .field("request_id", .int, .required, .references("requests", "id", onDelete: .cascade))
            .unique(on: "line_id", "serial")
            .create()

        try await database.schema("idempotency_keys")
            .field("user_id", .int, .required)
            .field("key", .string, .required)
            .field("status", .int, .required)
            .field("response", .string, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "user_id", "key")
            .create()

        try await database.schema("number_sequences")
            .field("name", .string, .required)
            .field("value", .int64, .required)
            .unique(on: "name")
            .create()

        try await database.schema("mail_outbox")
            .field("id", .int, .identifier(auto: true))
            .field("recipient", .string, .required)
            .field("subject", .string, .required)
            .field("body", .string, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("last_error", .string)
            .field("created_at", .datetime, .required)
            .field("sent_at", .datetime)
            .create()

        try await database.schema("upload_tokens")
            .field("id", .int, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("user_id", .int, .required)
            .field("company_id", .int, .required)
            .field("line_id", .int, .required)
            .field("expires_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()

        let sql = database.sql
        for (name, table, columns) in [
            ("attachments_user", "attachments", ["user_id"]), ("attachments_token", "attachments", ["upload_token"]),
            ("cart_user", "cart_positions", ["user_id"]), ("cart_line", "cart_positions", ["line_id"]),
            ("requests_company_status", "requests", ["company_id", "status"]),
            ("requests_line_status", "requests", ["line_id", "status"]), ("requests_rma", "requests", ["rma_number"]),
            ("outbox_due", "mail_outbox", ["status", "next_attempt_at"]),
            ("outbox_created", "mail_outbox", ["created_at"]),
        ] {
            var builder = sql.create(index: name).on(table)
            for column in columns { builder = builder.column(column) }
            try await builder.run()
        }
        for name in ["request", "rma"] {
            try await sql.insert(into: "number_sequences").columns("name", "value").values(SQLBind(name), SQLBind(0))
                .run()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [
            "upload_tokens", "mail_outbox", "number_sequences", "idempotency_keys", "claimed_serials", "requests",
            "cart_positions", "attachments",
        ] {
            try await database.schema(table).delete()
        }
    }
}
