import Fluent
import Foundation
import SQLKit

/// What `/metrics` reads from the database at scrape time.
struct MetricsQueries {
    let database: any Database

    struct Outbox: Decodable {
        var pending: Int
        var failed: Int
        var oldest: Date?
    }

    func outbox() async throws -> Outbox? {
        try await database.sql.raw(
            """
            SELECT (SELECT COUNT(*) FROM mail_outbox WHERE status = 'pending') AS pending,
                   (SELECT COUNT(*) FROM mail_outbox WHERE status = 'failed') AS failed,
                   (SELECT MIN(created_at) FROM mail_outbox WHERE status = 'pending') AS oldest
            """
        ).first(decoding: Outbox.self)
    }

    /// Parked rows by job: the mail outbox's and the webhook deliveries'.
    func parked() async throws -> [(job: String, count: Int)] {
        var counts: [(job: String, count: Int)] = []
        for (job, table) in [("mail", OutboxMail.schema), ("webhook", WebhookDelivery.schema)] {
            counts.append((job, try await JobClaims.parkedCount(in: table, on: database.sql)))
        }
        return counts
    }

    func missingFiles() async throws -> Int { try await MissingFiles.count(on: database) }

    func requestsInReview() async throws -> Int {
        try await ReturnRequest.query(on: database).filter(\.$status == .inReview).count()
    }

    /// On PostgreSQL, the server's own count of this database's connections by state (active,
    /// idle, idle in transaction); nothing on SQLite.
    func connectionsByState() async throws -> [String: Int] {
        guard !database.isSQLite else { return [:] }
        struct Row: Decodable {
            var state: String?
            var count: Int
        }
        let rows = try await database.sql.raw(
            """
            SELECT state, COUNT(*) AS count FROM pg_stat_activity
            WHERE datname = current_database() AND pid <> pg_backend_pid() GROUP BY state
            """
        ).all(decoding: Row.self)
        return Dictionary(rows.compactMap { row in row.state.map { ($0, row.count) } }, uniquingKeysWith: +)
    }
}
