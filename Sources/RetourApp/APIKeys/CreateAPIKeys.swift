import Fluent
import Foundation
import RetourCore
import SQLKit

/// Migration 018 — API keys, listed by company.
struct CreateAPIKeys: AsyncMigration {
    var name: String { "RetourApp.CreateAPIKeys" }

    func prepare(on database: any Database) async throws {
        try await database.schema(APIKey.schema)
            .field("id", .int, .identifier(auto: true))
            .field("company_id", .int, .references("companies", "id"))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("key_prefix", .string, .required)
            .field("scopes", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .int64)
            .field("revoked_at", .datetime)
            .field("window_start", .int64, .required)
            .field("window_count", .int, .required)
            .unique(on: "key_hash")
            .create()
        let sql = database.sql
        try await sql.create(index: "api_keys_company").on(APIKey.schema).column("company_id").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIKey.schema).delete()
    }
}
