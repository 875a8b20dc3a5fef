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

    /// One scrape at a time: the registry is one per process, and two scrapes at once (tests with a
    /// database each) would mix one's counts into the other's text.
    private static let scrapes = AsyncGate()

    /// The gauges read from the database at scrape time, then the whole registry as text.
    static func scrape(_ app: Application) async throws -> String {
        await scrapes.enter()
        do {
            let text = try await measure(app)
            await scrapes.leave()
            return text
        } catch {
            await scrapes.leave()
            throw error
        }
    }

    private static func measure(_ app: Application) async throws -> String {
        let now = app.clock.now
        let queries = MetricsQueries(database: app.db)
        let outbox = try await queries.outbox()
        Gauge(label: "retour_outbox_pending").record(outbox?.pending ?? 0)
        Gauge(label: "retour_outbox_failed").record(outbox?.failed ?? 0)
        Gauge(label: "retour_outbox_oldest_pending_seconds")
            .record(outbox?.oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        for (job, count) in try await queries.parked() {
            Gauge(label: "retour_jobs_parked", dimensions: [("job", job)]).record(count)
        }
        Gauge(label: "retour_files_missing").record(try await queries.missingFiles())
        try await recordDatabasePool(app, queries)
        Gauge(label: "retour_requests_in_review").record(try await queries.requestsInReview())
        for (job, last) in lastRounds.withLockedValue({ $0 }) {
            Gauge(label: "retour_job_seconds_since_round", dimensions: [("job", job)])
                .record(max(0, now.timeIntervalSince(last)))
        }
        return registry.emitToString()
    }

    /// How full the database pool is: the connections this process may open, and on PostgreSQL
    /// the server's own count of this database's connections by state (active, idle, idle in
    /// transaction), which is what runs out first when several processes share it.
    private static func recordDatabasePool(_ app: Application, _ queries: MetricsQueries) async throws {
        let sqlite = app.db.isSQLite
        let perLoop = sqlite ? 1 : DatabasePool.maxConnectionsPerEventLoop
        let loops = sqlite ? 1 : app.eventLoopGroup.makeIterator().reduce(0) { count, _ in count + 1 }
        Gauge(label: "retour_db_pool_size").record(perLoop * loops)
        guard !sqlite else { return }
        let counts = try await queries.connectionsByState()
        for state in ["active", "idle", "idle in transaction"] {
            Gauge(label: "retour_db_connections", dimensions: [("state", state)]).record(counts[state] ?? 0)
        }
    }
}

/// The PostgreSQL pool's size per event loop, read by the metrics.
enum DatabasePool {
    static let maxConnectionsPerEventLoop = 4
}

/// `GET /metrics`.
enum MetricsController {
    static func register(on app: Application) {
        app.grouped(BearerAuthenticator(), RoleGuard(audience: .admin)).get(OperationsRoute.metrics) {
            req async throws -> Response in
            let text = try await RetourMetrics.scrape(req.application)
            let response = Response(status: .ok, body: .init(string: text))
            response.headers.replaceOrAdd(name: .contentType, value: "text/plain; version=0.0.4; charset=utf-8")
            response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
            return response
        }
    }
}
