import Fluent
import SQLKit

/// Migration 009 — whether the agent waits for the reseller's answer, and when the reseller answered
/// (the agent's queue puts answered requests on top).
struct CreateInformationRequested: AsyncMigration {
    var name: String { "RetourApp.CreateInformationRequested" }

    func prepare(on database: any Database) async throws {
        try await database.schema("requests").field("information_requested", .bool).update()
        try await database.schema("requests").field("answered_at", .datetime).update()
        // Requests asked for information before this migration, and not answered since.
        let sql = database.sql
        try await sql.raw(
            """
            UPDATE requests SET information_requested = \(bind: true) WHERE status = 'in_review' AND EXISTS
              (SELECT 1 FROM request_events e WHERE e.request_id = requests.id AND e.action = 'request_info'
               AND NOT EXISTS (SELECT 1 FROM request_events later WHERE later.request_id = requests.id
                               AND later.actor = 'reseller' AND later.action = 'message' AND later.id > e.id))
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("requests").deleteField("answered_at").update()
        try await database.schema("requests").deleteField("information_requested").update()
    }
}
