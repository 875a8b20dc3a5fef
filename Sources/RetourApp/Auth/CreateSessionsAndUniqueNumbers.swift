import Fluent
import SQLKit

/// Migration 007 — unique RMA and credit-note numbers, and web sessions kept by the hash of their id.
struct CreateSessionsAndUniqueNumbers: AsyncMigration {
    /// The name every database already records for this step: it stays.
    var name: String { "RetourApp.CreateHardening" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        // A number handed out twice would send two resellers' goods to one box; the database refuses it.
        try await sql.create(index: "requests_rma_unique").on("requests").column("rma_number").unique().run()
        try await sql.create(index: "requests_credit_note_unique").on("requests").column("credit_note_number")
            .unique().run()
        try await database.schema("web_sessions")
            .field("id", .int, .identifier(auto: true))
            .field("id_hash", .string, .required)
            .field("user_id", .int)
            .field("data", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_seen_at", .datetime, .required)
            .unique(on: "id_hash")
            .create()
        try await sql.create(index: "web_sessions_user").on("web_sessions").column("user_id").run()
        try await sql.create(index: "web_sessions_seen").on("web_sessions").column("last_seen_at").run()
        // Claims that send nothing back never held serials (rulebook §4.6, revised): release them.
        try await sql.raw(
            """
            DELETE FROM claimed_serials WHERE request_id IN
                (SELECT id FROM requests WHERE reason IN ('wrong_invoicing', 'missing_accessories', 'too_much_delivered'))
            """
        ).run()
        // A phone link follows its form into the cart, and ends with the position.
        try await database.schema("upload_tokens").field("position_id", .int).update()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await database.schema("web_sessions").delete()
        try await database.schema("upload_tokens").deleteField("position_id").update()
        try await sql.drop(index: "requests_credit_note_unique").run()
        try await sql.drop(index: "requests_rma_unique").run()
    }
}
