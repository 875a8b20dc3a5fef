import Fluent
import SQLKit

/// Migration 032 — pages that answered a form, waiting for the browser's GET after the redirect.
struct CreateFormAnswers: AsyncMigration {
    var name: String { "RetourApp.CreateFormAnswers" }

    func prepare(on database: any Database) async throws {
        try await database.schema(FormAnswer.schema)
            .field("id", .int, .identifier(auto: true))
            .field("token_hash", .string, .required)
            .field("browser_hash", .string, .required)
            .field("status", .int, .required)
            .field("sealed", .data, .required)
            .field("created_at", .datetime, .required)
            .unique(on: "token_hash")
            .create()
        let sql = database.sql
        try await sql.create(index: "form_answers_browser").on(FormAnswer.schema).column("browser_hash").column("id")
            .run()
        try await sql.create(index: "form_answers_created").on(FormAnswer.schema).column("created_at").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(FormAnswer.schema).delete()
    }
}
