import Fluent
import Foundation
import RetourApplication
import SQLKit

/// Something that happened to a request, as other systems learn of it: by the events feed and by
/// webhooks. Written in the transaction of the change itself; `sequence` numbers events in the
/// order their transactions committed (see `DatabaseEventOutbox.record`).
final class IntegrationEvent: Model, @unchecked Sendable {
    static let schema = "integration_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "sequence") var sequence: Int64
    /// nil for events of the distributor's own (a vendor claim), which no reseller sees.
    @OptionalField(key: "company_id") var companyID: Int?
    @OptionalField(key: "request_id") var requestID: Int?
    @Field(key: "type") var type: EventType
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
    /// Space-separated event types (`events`).
    @Field(key: "events") var eventList: String
    @Field(key: "secret") var secret: String
    /// After a rotation the old secret signs too for a day, so the receiver can switch over.
    @OptionalField(key: "previous_secret") var previousSecret: String?
    @OptionalField(key: "previous_until") var previousUntil: Date?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "deleted_at") var deletedAt: Date?

    init() {}

    /// The types it listens to; a name the portal no longer knows is left out.
    var events: [EventType] {
        get { eventList.split(separator: " ").compactMap { EventType(rawValue: String($0)) } }
        set { eventList = newValue.map(\.rawValue).joined(separator: " ") }
    }
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
    enum Status: String, Codable, Sendable, CaseIterable {
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
