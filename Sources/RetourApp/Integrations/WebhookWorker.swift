import AsyncHTTPClient
import Foundation
import NIOCore
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
        let store = DatabaseWebhookDeliveryStore(database: app.db)
        let clients = PinnedClients()
        var delivered = 0
        do {
            for _ in 0..<20 {
                let claimed = try await claim(app)
                var down: Set<Int> = []
                var progress = false
                for id in claimed {
                    guard let delivery = try await store.delivery(id) else { continue }
                    if Task.isShuttingDownGracefully || Task.isCancelled || down.contains(delivery.webhookID) {
                        // Not tried: due again at once for whoever takes it next, and the claim
                        // does not count as an attempt that ended without a result.
                        delivery.nextAttemptAt = app.clock.now
                        delivery.unfinishedAttempts = max(0, delivery.unfinishedAttempts - 1)
                        try await store.keep(delivery)
                        continue
                    }
                    if try await deliver(delivery, app: app, store: store, clients: clients) {
                        delivered += 1
                        progress = true
                    } else {
                        down.insert(delivery.webhookID)
                    }
                }
                if !progress || Task.isShuttingDownGracefully || Task.isCancelled { break }
            }
        } catch {
            await clients.shutdown()
            throw error
        }
        await clients.shutdown()
        return delivered
    }

    /// Takes due deliveries for this worker: each claim counts as an attempt that has not yet
    /// ended (`JobClaims`) until its result is saved.
    static func claim(_ app: Application) async throws -> [Int] {
        let (claimed, parked) = try await DatabaseWebhookDeliveryStore(database: app.db).claimDue(
            now: app.clock.now, limit: batchSize, leaseSeconds: leaseSeconds)
        for id in parked { app.logger.error("webhook delivery \(id) parked: two attempts ended without a result") }
        return claimed
    }

    /// One attempt; true when the receiver took it.
    private static func deliver(
        _ delivery: WebhookDelivery, app: Application, store: DatabaseWebhookDeliveryStore, clients: PinnedClients
    ) async throws -> Bool {
        let id = try delivery.requireID()
        guard let (webhook, event) = try await store.target(of: delivery) else {
            delivery.status = .failed
            delivery.lastError = "the webhook was deleted"
            try await store.keep(delivery)
            return false
        }
        let now = app.clock.now
        delivery.attempts += 1
        delivery.lastAttemptAt = now
        var failure: String?
        var status: Int?
        switch WebhookTarget.judge(
            webhook.url, production: app.environment == .production, allowPrivate: app.config.webhookAllowPrivate)
        {
        case .failure(let refusal):
            failure = "refused: \(refusal)"
        case .success(let judged):
            let time = Int64(now.timeIntervalSince1970)
            var secrets = [webhook.secret]
            if let previous = webhook.previousSecret, let until = webhook.previousUntil, until > now {
                secrets.append(previous)
            }
            var request = HTTPClientRequest(url: judged.address.normalized)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Retour-Webhooks/1")
            request.headers.add(name: "Retour-Event", value: event.type.rawValue)
            request.headers.add(name: "Retour-Delivery", value: "\(id)")
            request.headers.add(
                name: WebhookSignature.header,
                value: WebhookSignature.header(body: event.body, at: time, secrets: secrets))
            request.body = .bytes(ByteBuffer(string: event.body))
            do {
                let client = clients.client(for: judged)
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
        delivery.unfinishedAttempts = 0
        if let failure {
            delivery.lastError = failure
            if app.clock.now >= delivery.giveUpAt {
                delivery.status = .failed
            } else {
                let delay = min(3_600.0, 10.0 * pow(2.0, Double(min(delivery.attempts, 20) - 1)))
                delivery.nextAttemptAt = min(app.clock.now.addingTimeInterval(delay), delivery.giveUpAt)
            }
            app.logger.warning(
                "webhook delivery \(id) to \(webhook.url) failed (attempt \(delivery.attempts)): \(failure)")
        } else {
            delivery.status = .delivered
            delivery.deliveredAt = app.clock.now
            delivery.lastError = nil
        }
        try await store.keep(delivery)
        return failure == nil
    }
}

/// One HTTP client per judged host and address within a round: each connects only to the address
/// that was judged (`dnsOverride` keeps the host name for TLS and the `Host` header), never
/// follows a redirect, and gives up after the timeout.
final class PinnedClients: @unchecked Sendable {
    private var clients: [String: HTTPClient] = [:]

    func client(for judged: WebhookTarget.Judged) -> HTTPClient {
        let host = judged.address.host
        let key = host + " " + judged.connectTo
        if let client = clients[key] { return client }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(
                connect: .seconds(WebhookWorker.timeoutSeconds), read: .seconds(WebhookWorker.timeoutSeconds)))
        if !judged.address.hostIsLiteral { configuration.dnsOverride = [host: judged.connectTo] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        clients[key] = client
        return client
    }

    func shutdown() async {
        for client in clients.values { try? await client.shutdown() }
        clients = [:]
    }
}
