import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Migration 024 — one-time links; when a login first signed in.
struct CreateAccountLinks: AsyncMigration {
    var name: String { "RetourApp.CreateAccountLinks" }

    func prepare(on database: any Database) async throws {
        try await database.schema(AccountLink.schema)
            .field("id", .int, .identifier(auto: true))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("purpose", .string, .required)
            .field("token_hash", .string, .required)
            .field("created_at", .datetime, .required)
            .field("expires_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "token_hash")
            .create()
        try await database.sql.create(index: "account_links_user").on(AccountLink.schema)
            .column("user_id").column("purpose").run()
        try await database.schema(User.schema).field("signed_in_at", .datetime).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("signed_in_at").update()
        try await database.schema(AccountLink.schema).delete()
    }
}
