import Fluent
import Foundation
import Metrics
import NIOConcurrencyHelpers
import Prometheus
import SQLKit
import Vapor

/// What operators watch (contract "Operations"): `GET /metrics` in the Prometheus text format, for
/// an administrator's token. Requests and their latency per route come from Vapor itself; Retour
/// adds submissions and conflicts, login failures, the outbox and the background jobs.
enum RetourMetrics {
    /// One registry per process: swift-metrics can be bootstrapped only once.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()

    static func submissions(_ outcome: String) -> Metrics.Counter {
        _ = registry
        return Metrics.Counter(label: "retour_submissions_total", dimensions: [("outcome", outcome)])
    }

    static var loginFailures: Metrics.Counter {
        _ = registry
        return Metrics.Counter(label: "retour_login_failures_total")
    }

    /// When a background job last finished a round, per job, for the job-lag gauge.
    private static let lastRounds = NIOLockedValueBox<[String: Date]>([:])

    static func roundFinished(_ job: String, at now: Date) {
        lastRounds.withLockedValue { $0[job] = now }
    }

    /// The gauges read from the database at scrape time, then the whole registry as text.
    static func scrape(_ app: Application) async throws -> String {
        let now = app.clock.now
        struct Outbox: Decodable {
            var pending: Int
            var failed: Int
            var oldest: Date?
        }
        let sql = app.db as! any SQLDatabase
        let outbox = try await sql.raw(
            """
            SELECT (SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending') AS pending,
                   (SELECT COUNT(*) FROM mail_outbox WHERE status = 'failed') AS failed,
                   (SELECT MIN(created_at) FROM mail_outbox WHERE status = 'pending') AS oldest
            """
        ).first(decoding: Outbox.self)
        Gauge(label: "retour_outbox_pending").record(outbox?.pending ?? 0)
        Gauge(label: "retour_outbox_failed").record(outbox?.failed ?? 0)
        Gauge(label: "retour_outbox_oldest_pending_seconds")
            .record(outbox?.oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        let inReview = try await ReturnRequest.query(on: app.db).filter(\.$status == "in_review").count()
        Gauge(label: "retour_requests_in_review").record(inReview)
        for (job, last) in lastRounds.withLockedValue({ $0 }) {
            Gauge(label: "retour_job_seconds_since_round", dimensions: [("job", job)])
                .record(max(0, now.timeIntervalSince(last)))
        }
        return registry.emitToString()
    }
}

/// `GET /metrics`.
enum MetricsController {
    static func register(on app: Application) {
        app.grouped(BearerAuthenticator()).get("metrics") { req async throws -> Response in
            _ = try req.requireUser([.admin])
            let text = try await RetourMetrics.scrape(req.application)
            let response = Response(status: .ok, body: .init(string: text))
            response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }
}
