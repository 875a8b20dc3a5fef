import AsyncHTTPClient
import Fluent
import Foundation
import NIOCore
import SQLKit
import ServiceLifecycle
import Vapor

/// Delivers webhook events from their outbox (`webhook_deliveries`), never inside the request that
/// caused them: claims due deliveries so that several processes never send the same one, sends
/// each signed, and retries failures (a non-2xx answer, no answer within 10 s) with a growing
/// delay for a day. A request's events reach a webhook in order: a delivery waits while an
/// earlier one of the same request to the same webhook is still pending.
enum WebhookWorker {
    static let retrySeconds: TimeInterval = 24 * 3_600
    static let timeoutSeconds: Int64 = 10
    static let batchSize = 20
    /// How long a claimed delivery is reserved for its worker: longer than one attempt can take.
    static let leaseSeconds: TimeInterval = 60

    /// Rounds while deliveries succeed and more are due (at most 20, so one busy webhook cannot
    /// hold the job); returns how many deliveries succeeded. A receiver that does not answer costs
    /// one timeout per round, not one per event: its other deliveries wait for the next round. When
    /// the server stops, no new attempt starts.
    @discardableResult
    static func runOnce(_ app: Application) async throws -> Int {
        let client = HTTPClient(
            eventLoopGroupProvider: .singleton,
            configuration: .init(
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(timeoutSeconds), read: .seconds(timeoutSeconds))))
        var delivered = 0
        do {
            for _ in 0..<20 {
                let claimed = try await claim(app)
                var down: Set<Int> = []
                var progress = false
                for id in claimed {
                    guard let delivery = try await WebhookDelivery.find(id, on: app.db) else { continue }
                    if Task.isShuttingDownGracefully || Task.isCancelled || down.contains(delivery.webhookID) {
                        // Not tried: due again at once for whoever takes it next.
                        delivery.nextAttemptAt = app.clock.now
                        try await delivery.save(on: app.db)
                        continue
                    }
                    if try await deliver(delivery, app: app, client: client) {
                        delivered += 1
                        progress = true
                    } else {
                        down.insert(delivery.webhookID)
                    }
                }
                if !progress || Task.isShuttingDownGracefully || Task.isCancelled { break }
            }
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        return delivered
    }

    private static func claim(_ app: Application) async throws -> [Int] {
        let now = app.clock.now
        let sql = app.db as! any SQLDatabase
        let skipLocked = app.db.isSQLite ? "" : " FOR UPDATE SKIP LOCKED"
        struct Row: Decodable { var id: Int }
        return try await sql.raw(
            """
            UPDATE webhook_deliveries SET next_attempt_at = \(bind: now.addingTimeInterval(leaseSeconds))
            WHERE id IN (SELECT d.id FROM webhook_deliveries d
                          WHERE d.status = 'pending' AND d.next_attempt_at <= \(bind: now)
                            AND NOT EXISTS (SELECT 1 FROM webhook_deliveries e
                                             WHERE e.webhook_id = d.webhook_id AND e.request_id = d.request_id
                                               AND e.status = 'pending' AND e.id < d.id)
                          ORDER BY d.id LIMIT \(literal: batchSize)\(unsafeRaw: skipLocked))
            RETURNING id
            """
        ).all(decoding: Row.self).map(\.id).sorted()
    }

    /// One attempt; true when the receiver took it.
    private static func deliver(_ delivery: WebhookDelivery, app: Application, client: HTTPClient) async throws
        -> Bool
    {
        let id = try delivery.requireID()
        guard let webhook = try await Webhook.find(delivery.webhookID, on: app.db), webhook.deletedAt == nil,
            let event = try await IntegrationEvent.find(delivery.eventID, on: app.db)
        else {
            delivery.status = "failed"
            delivery.lastError = "the webhook was deleted"
            try await delivery.save(on: app.db)
            return false
        }
        let now = app.clock.now
        delivery.attempts += 1
        delivery.lastAttemptAt = now
        var failure: String?
        var status: Int?
        if let refusal = WebhookTarget.check(
            webhook.url, production: app.environment == .production, allowPrivate: app.config.webhookAllowPrivate)
        {
            failure = "refused: \(refusal)"
        } else {
            let time = Int64(now.timeIntervalSince1970)
            var secrets = [webhook.secret]
            if let previous = webhook.previousSecret, let until = webhook.previousUntil, until > now {
                secrets.append(previous)
            }
            var request = HTTPClientRequest(url: webhook.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Retour-Webhooks/1")
            request.headers.add(name: "Retour-Event", value: event.type)
            request.headers.add(name: "Retour-Delivery", value: "\(id)")
            request.headers.add(
                name: WebhookSignature.header,
                value: WebhookSignature.header(body: event.body, at: time, secrets: secrets))
            request.body = .bytes(ByteBuffer(string: event.body))
            do {
                let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
                status = Int(response.status.code)
                // Read (and drop) a little of the answer so the connection can be reused.
                _ = try? await response.body.collect(upTo: 64 * 1024)
                if !(200..<300).contains(response.status.code) { failure = "answered \(response.status.code)" }
            } catch {
                failure = String(describing: error).prefix(300).description
            }
        }
        delivery.responseStatus = status
        if let failure {
            delivery.lastError = failure
            if app.clock.now >= delivery.giveUpAt {
                delivery.status = "failed"
            } else {
                let delay = min(3_600.0, 10.0 * pow(2.0, Double(min(delivery.attempts, 20) - 1)))
                delivery.nextAttemptAt = min(app.clock.now.addingTimeInterval(delay), delivery.giveUpAt)
            }
            app.logger.warning(
                "webhook delivery \(id) to \(webhook.url) failed (attempt \(delivery.attempts)): \(failure)")
        } else {
            delivery.status = "delivered"
            delivery.deliveredAt = app.clock.now
            delivery.lastError = nil
        }
        try await delivery.save(on: app.db)
        return failure == nil
    }
}
