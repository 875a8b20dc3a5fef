import Fluent
import Foundation
import SQLKit

/// Something that happened to a request, as other systems learn of it: by the events feed and by
/// webhooks. Written in the transaction of the change itself; `sequence` numbers events in the
/// order their transactions committed (see `IntegrationEvents.record`).
final class IntegrationEvent: Model, @unchecked Sendable {
    static let schema = "integration_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "sequence") var sequence: Int64
    /// nil for events of the distributor's own (a vendor claim), which no reseller sees.
    @OptionalField(key: "company_id") var companyID: Int?
    @OptionalField(key: "request_id") var requestID: Int?
    @Field(key: "type") var type: String
    @Field(key: "occurred_at") var occurredAt: Date
    /// The event as JSON, exactly as the feed and the webhooks send it.
    @Field(key: "body") var body: String

    init() {}
}

/// A subscription: where to send which events, signed with its secret.
final class Webhook: Model, @unchecked Sendable {
    static let schema = "webhooks"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// The reseller whose requests it hears of; nil: every company's (an administrator's).
    @OptionalField(key: "company_id") var companyID: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "url") var url: String
    /// Space-separated event types.
    @Field(key: "events") var eventList: String
    @Field(key: "secret") var secret: String
    /// After a rotation the old secret signs too for a day, so the receiver can switch over.
    @OptionalField(key: "previous_secret") var previousSecret: String?
    @OptionalField(key: "previous_until") var previousUntil: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "deleted_at") var deletedAt: Date?

    init() {}

    var events: [String] { eventList.split(separator: " ").map(String.init) }
}

/// One event on its way to one webhook: the outbox row and the delivery log in one.
final class WebhookDelivery: Model, @unchecked Sendable {
    static let schema = "webhook_deliveries"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "webhook_id") var webhookID: Int
    @Field(key: "event_id") var eventID: Int
    /// Deliveries of one request to one webhook go out in order: the request's id, or minus the
    /// vendor claim's id for an event of a claim.
    @Field(key: "request_id") var requestID: Int
    @Field(key: "status") var status: Status

    /// Waiting, delivered, or given up (after a day of retries, or parked by `JobClaims`, whose
    /// claim queries name the same words in SQL).
    enum Status: String, Codable, Sendable {
        case pending, delivered, failed
    }
    @Field(key: "attempts") var attempts: Int
    /// Claims that ended without a result since the last one that did (`JobClaims`).
    @Field(key: "unfinished_attempts") var unfinishedAttempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @Field(key: "give_up_at") var giveUpAt: Date
    @OptionalField(key: "last_attempt_at") var lastAttemptAt: Date?
    @OptionalField(key: "response_status") var responseStatus: Int?
    @OptionalField(key: "last_error") var lastError: String?
    @OptionalField(key: "delivered_at") var deliveredAt: Date?

    init() {}
}

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
