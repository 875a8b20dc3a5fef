import Fluent
import SQLKit

/// Migration 010 — which requests were submitted together, so that their confirmation can be
/// opened again: every request of one submission carries the number of its first request.
struct CreateSubmissionGroups: AsyncMigration {
    var name: String { "RetourApp.CreateSubmissionGroups" }

    func prepare(on database: any Database) async throws {
        try await database.schema("requests").field("submission", .string).update()
        let sql = database.sql
        // Requests from before: each is its own submission.
        try await sql.raw("UPDATE requests SET submission = number WHERE submission IS NULL").run()
        try await sql.create(index: "requests_company_submission").on("requests").column("company_id")
            .column("submission").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(index: "requests_company_submission").run()
        try await database.schema("requests").deleteField("submission").update()
    }
}
