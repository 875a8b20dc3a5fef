import Fluent
import Foundation
import SQLKit

/// The webhook deliveries as the worker takes and settles them.
struct DatabaseWebhookDeliveryStore {
    let database: any Database

    /// Takes up to `limit` due deliveries for one worker, reserving each for `leaseSeconds`; each
    /// claim counts as an attempt that has not yet ended (`JobClaims`) until its result is saved. A
    /// request's deliveries to one webhook go in order: one waits while an earlier one is pending.
    /// Rows whose claims ended twice without a result are parked first and returned as `parked`.
    func claimDue(now: Date, limit: Int, leaseSeconds: TimeInterval) async throws -> (claimed: [Int], parked: [Int]) {
        let sql = database.sql
        let parked = try await JobClaims.parkUnfinished(in: WebhookDelivery.schema, now: now, on: sql)
        let skipLocked = database.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
        struct Row: Decodable { var id: Int }
        let claimed = try await sql.raw(
            """
            UPDATE webhook_deliveries SET next_attempt_at = \(bind: now.addingTimeInterval(leaseSeconds)),
                   unfinished_attempts = unfinished_attempts + 1
            WHERE id IN (SELECT d.id FROM webhook_deliveries d
                          WHERE d.status = 'pending' AND d.next_attempt_at <= \(bind: now)
                            AND d.unfinished_attempts < \(literal: JobClaims.parkAfter)
                            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                             WHERE e.webhook_id = d.webhook_id AND e.request_id = d.request_id
                                               AND e.status = 'pending' AND e.id < d.id)
                          ORDER BY d.id LIMIT \(literal: limit)\(unsafeRaw: skipLocked))
            RETURNING id
            """
        ).all(decoding: Row.self).map(\.id).sorted()
        return (claimed, parked)
    }

    func delivery(_ id: Int) async throws -> WebhookDelivery? { try await WebhookDelivery.find(id, on: database) }

    /// The live webhook and the event of a delivery; nil when the webhook was deleted.
    func target(of delivery: WebhookDelivery) async throws -> (webhook: Webhook, event: IntegrationEvent)? {
        guard let webhook = try await Webhook.find(delivery.webhookID, on: database), webhook.deletedAt == nil,
            let event = try await IntegrationEvent.find(delivery.eventID, on: database)
        else { return nil }
        return (webhook, event)
    }

    /// Keeps the result of an attempt, or that it was not tried.
    func keep(_ delivery: WebhookDelivery) async throws { try await delivery.save(on: database) }
}
