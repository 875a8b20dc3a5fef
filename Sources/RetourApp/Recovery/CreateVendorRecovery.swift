import Fluent
import SQLKit

/// Migration 027 — vendor recovery: the manufacturers' return terms on brands, the distributor's
/// purchase price on articles, each unit's disposition, vendor claims and their credits. Events may
/// now concern a vendor claim rather than one request of one company, so an event's company and
/// request may be empty.
struct CreateVendorRecovery: AsyncMigration {
    var name: String { "RetourApp.CreateVendorRecovery" }

    func prepare(on database: any Database) async throws {
        try await database.transaction { try await Self.create(on: $0) }
    }

    private static func create(on database: any Database) async throws {
        try await database.schema("brands").field("vendor_returns", .string).update()
        try await database.schema("brands").field("advance_replacement", .bool).update()
        try await database.schema("articles").field("purchase_price_cents", .int64).update()
        try await database.schema("companies").field("advance_replacement", .bool).update()
        try await database.schema("vendor_claims")
            .field("id", .int, .identifier(auto: true))
            .field("number", .string, .required)
            .field("brand_id", .int, .required, .references("brands", "id"))
            .field("status", .string, .required)
            .field("opened_on", .string, .required)
            .field("opened_at", .datetime, .required)
            .field("vendor_rma_number", .string)
            .field("sent_on", .string)
            .field("write_off_reason", .string)
            .field("closed_at", .datetime)
            .unique(on: "number")
            .create()
        try await database.schema("unit_dispositions")
            .field("id", .int, .identifier(auto: true))
            .field("request_id", .int, .required, .references("requests", "id"))
            .field("serial", .string)
            .field("quantity", .int, .required)
            .field("disposition", .string, .required)
            .field("grade", .string)
            .field("note", .string)
            .field("marked_on", .string, .required)
            .field("expected_credit_cents", .int64)
            .field("vendor_claim_id", .int, .references("vendor_claims", "id"))
            .create()
        try await database.schema("vendor_claim_credits")
            .field("id", .int, .identifier(auto: true))
            .field("vendor_claim_id", .int, .required, .references("vendor_claims", "id"))
            .field("amount_cents", .int64, .required)
            .field("reference", .string, .required)
            .field("at", .datetime, .required)
            .field("actor_id", .int, .references("users", "id", onDelete: .setNull))
            .create()
        let sql = database.sql
        try await sql.create(index: "vendor_claims_status").on("vendor_claims").column("status").column("opened_on")
            .run()
        try await sql.create(index: "vendor_claims_brand").on("vendor_claims").column("brand_id").column("status").run()
        try await sql.create(index: "unit_dispositions_request").on("unit_dispositions").column("request_id").run()
        try await sql.create(index: "unit_dispositions_claim").on("unit_dispositions").column("vendor_claim_id").run()
        try await sql.create(index: "vendor_claim_credits_claim").on("vendor_claim_credits").column("vendor_claim_id")
            .run()
        // The recovery report sums credit notes by the day they were written.
        try await sql.create(index: "requests_credit_note_date").on("requests").column("credit_note_date").run()
        try await sql.insert(into: "number_sequences").columns("name", "value").values(
            SQLBind("vendor_claim"), SQLBind(0)
        ).run()
        try await Self.allowEventsWithoutRequest(database, sql)
    }

    private static func allowEventsWithoutRequest(_ database: any Database, _ sql: any SQLDatabase) async throws {
        if database.isSQLite {
            try await AddForeignKeys.rebuildOnSQLite(sql, tables: ["integration_events"]) { _, create in
                create.replacingOccurrences(of: "\"company_id\" INTEGER NOT NULL", with: "\"company_id\" INTEGER")
                    .replacingOccurrences(of: "\"request_id\" INTEGER NOT NULL", with: "\"request_id\" INTEGER")
            }
        } else {
            try await sql.raw(
                "ALTER TABLE integration_events ALTER COLUMN company_id DROP NOT NULL, ALTER COLUMN request_id DROP NOT NULL"
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.raw("DELETE FROM integration_events WHERE request_id IS NULL").run()
        try await sql.delete(from: "number_sequences").where("name", .equal, "vendor_claim").run()
        try await sql.drop(index: "requests_credit_note_date").run()
        try await database.schema("vendor_claim_credits").delete()
        try await database.schema("unit_dispositions").delete()
        try await database.schema("vendor_claims").delete()
        try await database.schema("companies").deleteField("advance_replacement").update()
        try await database.schema("articles").deleteField("purchase_price_cents").update()
        try await database.schema("brands").deleteField("advance_replacement").update()
        try await database.schema("brands").deleteField("vendor_returns").update()
    }
}
