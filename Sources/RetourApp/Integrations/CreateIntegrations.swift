import Fluent
import Foundation
import SQLKit

/// Migration 019 — events, webhooks and their deliveries; the event sequence.
struct CreateIntegrations: AsyncMigration {
    var name: String { "RetourApp.CreateIntegrations" }

    func prepare(on database: any Database) async throws {
        try await database.schema(IntegrationEvent.schema)
            .field("id", .int, .identifier(auto: true))
            .field("sequence", .int64, .required)
            .field("company_id", .int, .required, .references("companies", "id"))
            .field("request_id", .int, .required, .references("requests", "id"))
            .field("type", .string, .required)
            .field("occurred_at", .datetime, .required)
            .field("body", .string, .required)
            .unique(on: "sequence")
            .create()
        try await database.schema(Webhook.schema)
            .field("id", .int, .identifier(auto: true))
            .field("company_id", .int, .references("companies", "id"))
            .field("user_id", .int, .required, .references("users", "id"))
            .field("url", .string, .required)
            .field("events", .string, .required)
            .field("secret", .string, .required)
            .field("previous_secret", .string)
            .field("previous_until", .datetime)
            .field("created_at", .datetime, .required)
            .field("deleted_at", .datetime)
            .create()
        try await database.schema(WebhookDelivery.schema)
            .field("id", .int, .identifier(auto: true))
            .field("webhook_id", .int, .required, .references("webhooks", "id"))
            .field("event_id", .int, .required, .references("integration_events", "id"))
            .field("request_id", .int, .required)
            .field("status", .string, .required)
            .field("attempts", .int, .required)
            .field("next_attempt_at", .datetime, .required)
            .field("give_up_at", .datetime, .required)
            .field("last_attempt_at", .datetime)
            .field("response_status", .int)
            .field("last_error", .string)
            .field("delivered_at", .datetime)
            .create()
        let sql = database.sql
        try await sql.create(index: "integration_events_company").on(IntegrationEvent.schema)
            .column("company_id").column("sequence").run()
        try await sql.create(index: "webhooks_company").on(Webhook.schema).column("company_id").column("id").run()
        try await sql.create(index: "webhook_deliveries_due").on(WebhookDelivery.schema)
            .column("status").column("next_attempt_at").run()
        try await sql.create(index: "webhook_deliveries_request").on(WebhookDelivery.schema)
            .column("webhook_id").column("request_id").column("id").run()
        try await sql.raw("INSERT INTO number_sequences (name, value) VALUES ('event', 0)").run()
        // The SLA dashboard reads requests by the day they came in.
        try await sql.create(index: "requests_submitted_on").on("requests").column("submitted_on").run()
    }

    func revert(on database: any Database) async throws {
        try await database.sql.drop(index: "requests_submitted_on").run()
        try await database.schema(WebhookDelivery.schema).delete()
        try await database.schema(Webhook.schema).delete()
        try await database.schema(IntegrationEvent.schema).delete()
        let sql = database.sql
        try await sql.raw("DELETE FROM number_sequences WHERE name = 'event'").run()
    }
}
