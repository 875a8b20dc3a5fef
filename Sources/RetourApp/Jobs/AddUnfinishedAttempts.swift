import Fluent
import Foundation
import SQLKit

/// Migration 020 — the outboxes count attempts that started and never ended.
struct AddUnfinishedAttempts: AsyncMigration {
    var name: String { "RetourApp.AddUnfinishedAttempts" }

    func prepare(on database: any Database) async throws {
        for table in [OutboxMail.schema, WebhookDelivery.schema] {
            try await database.schema(table).field("unfinished_attempts", .int, .required, .sql(.default(0))).update()
        }
    }

    func revert(on database: any Database) async throws {
        for table in [OutboxMail.schema, WebhookDelivery.schema] {
            try await database.schema(table).deleteField("unfinished_attempts").update()
        }
    }
}
