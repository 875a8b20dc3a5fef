import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Migration 026 — sign-ins on their way through the identity provider.
struct CreateOIDCSignIns: AsyncMigration {
    var name: String { "RetourApp.CreateOIDCSignIns" }

    func prepare(on database: any Database) async throws {
        try await database.schema(OIDCSignIn.schema)
            .field("id", .int, .identifier(auto: true))
            .field("state_hash", .string, .required)
            .field("nonce", .string, .required)
            .field("verifier", .string, .required)
            .field("next", .string, .required)
            .field("created_at", .datetime, .required)
            .field("used_at", .datetime)
            .unique(on: "state_hash")
            .create()
        try await database.sql.create(index: "oidc_sign_ins_created").on(OIDCSignIn.schema)
            .column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(OIDCSignIn.schema).delete()
    }
}
