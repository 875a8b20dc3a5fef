import Fluent
import Foundation
import RetourCore
import SQLKit

/// Migration 025 — rights per user, the four-eyes rule per company, and waiting submissions.
struct CreateRightsAndApprovals: AsyncMigration {
    var name: String { "RetourApp.CreateRightsAndApprovals" }

    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("rights", .string).update()
        try await database.schema(Company.schema).field("submit_approval", .string).update()
        try await database.schema(Company.schema).field("approval_amount_cents", .int64).update()
        try await database.schema(Approval.schema)
            .field("id", .int, .identifier(auto: true))
            .field("company_id", .int, .required, .references("companies", "id"))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("status", .string, .required)
            .field("amount_cents", .int64, .required)
            .field("created_at", .datetime, .required)
            .field("decided_at", .datetime)
            .field("decided_by", .int)
            .field("message", .string)
            .field("submission", .string)
            .create()
        let sql = database.sql
        try await sql.create(index: "approvals_company_status").on(Approval.schema)
            .column("company_id").column("status").column("created_at").run()
        try await sql.create(index: "approvals_user").on(Approval.schema).column("user_id").column("status").run()
        try await database.schema(CartPosition.schema).field("approval_id", .int).update()
        try await sql.create(index: "cart_positions_approval").on(CartPosition.schema).column("approval_id").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "cart_positions_approval").run()
        try await database.schema(CartPosition.schema).deleteField("approval_id").update()
        try await database.schema(Approval.schema).delete()
        try await database.schema(Company.schema).deleteField("approval_amount_cents").update()
        try await database.schema(Company.schema).deleteField("submit_approval").update()
        try await database.schema(User.schema).deleteField("rights").update()
    }
}
