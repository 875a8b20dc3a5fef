import Fluent
import Foundation
import RetourCore
import SQLKit

/// The rows the worker's housekeeping removes: links, failures and answers past their life, what
/// the retention settings no longer keep, uploads nothing refers to.
struct DatabaseHousekeepingStore {
    let database: any Database
    static let retentionBatch = 1_000

    /// Deletes what `query` finds; how many rows that was.
    static func deleted<M: Model>(_ query: QueryBuilder<M>) async throws -> Int {
        let count = try await query.count()
        if count > 0 { try await query.delete() }
        return count
    }

    func pruneUploadLinks(expiredBefore date: Date) async throws -> Int {
        try await Self.deleted(UploadToken.query(on: database).filter(\.$expiresAt < date))
    }

    func pruneLoginFailures(before second: Int64) async throws -> Int {
        try await Self.deleted(LoginFailure.query(on: database).filter(\.$at < second))
    }

    func pruneIdempotencyKeys(before date: Date) async throws {
        try await database.sql.delete(from: "idempotency_keys").where("created_at", .lessThan, date).run()
    }

    /// SQLite plans with the statistics `ANALYZE` keeps; they are refreshed as the data grows.
    func refreshStatistics() async throws {
        if database.isSQLite { try await DatabaseImportStore.refreshStatistics(database) }
    }

    /// Removes up to `limit` uploads older than `before` that no cart position, request or message
    /// refers to; returns how many went.
    func removeUnusedUploads(before: Date, limit: Int) async throws -> Int {
        let candidates = try await Attachment.query(on: database).filter(\.$createdAt < before).sort(\.$createdAt)
            .limit(limit).all()
        let sql = database.sql
        var removed = 0
        for attachment in candidates {
            guard let id = attachment.id else { continue }
            struct Row: Decodable { var used: Int }
            let pattern = "%\"\(id)\"%"
            let used = try await sql.raw(
                """
                SELECT (SELECT COUNT(*) FROM cart_positions WHERE CAST(attachments AS TEXT) LIKE \(bind: pattern))
                     + (SELECT COUNT(*) FROM requests WHERE CAST(attachments AS TEXT) LIKE \(bind: pattern))
                     + (SELECT COUNT(*) FROM request_events WHERE CAST(attachments AS TEXT) LIKE \(bind: pattern))
                     AS used
                """
            ).first(decoding: Row.self)
            if used?.used == 0 {
                try await attachment.delete(on: database)
                removed += 1
            }
        }
        return removed
    }

    /// Of `digests`, those an attachment names.
    func digestsInUse(among digests: [String]) async throws -> [String] {
        try await Attachment.query(on: database).filter(\.$sha256 ~~ digests).all(\.$sha256)
    }

    /// What an installation keeps, and for how long (contract "Data that lasts"): events and their
    /// webhook deliveries `RETOUR_KEEP_EVENTS_DAYS`, sent mail `RETOUR_KEEP_MAIL_DAYS`, requests with
    /// their credit notes (and their units' dispositions) `RETOUR_KEEP_REQUESTS_YEARS` after they
    /// closed. Their files go with the next clean-up, once nothing names them. A bounded batch at a
    /// time; returns how many rows went.
    func applyRetention(config: AppConfig, now: Date, today: CalendarDay) async throws -> Int {
        let sql = database.sql
        var removed = 0
        let eventsBefore = now.addingTimeInterval(-Double(config.keepEventsDays) * 86_400)
        removed += try await deleteEvents(
            "SELECT id FROM integration_events WHERE occurred_at < \(bind: eventsBefore)", on: sql)
        let mailBefore = now.addingTimeInterval(-Double(config.keepMailDays) * 86_400)
        removed +=
            try await sql.raw(
                """
                DELETE FROM mail_outbox WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'sent'
                  AND sent_at < \(bind: mailBefore) ORDER BY id LIMIT \(literal: Self.retentionBatch)) RETURNING id
                """
            ).all().count
        // Requests closed more than the kept years ago, with their events, history and claims.
        let closedBefore = today.adding(months: -12 * config.keepRequestsYears)
        struct ID: Decodable { var id: Int }
        let old = try await sql.raw(
            """
            SELECT id FROM requests WHERE closed_on IS NOT NULL AND closed_on < \(bind: closedBefore.iso)
            ORDER BY id LIMIT \(literal: Self.retentionBatch)
            """
        ).all(decoding: ID.self).map(\.id)
        if !old.isEmpty {
            try await database.writeTransaction { db in
                let sql = db.sql
                while try await deleteEvents(
                    "SELECT id FROM integration_events WHERE request_id IN (\(binds: old))", on: sql) > 0
                {}
                // What became of their units goes with them, and a closed vendor claim with its last unit.
                try await sql.raw("DELETE FROM unit_dispositions WHERE request_id IN (\(binds: old))").run()
                let emptied: SQLQueryString = """
                    SELECT c.id FROM vendor_claims c WHERE c.status IN ('settled', 'written_off')
                      AND NOT EXISTS (SELECT 1 FROM unit_dispositions u WHERE u.vendor_claim_id = c.id)
                    """
                try await sql.raw("DELETE FROM vendor_claim_credits WHERE vendor_claim_id IN (" + emptied + ")").run()
                try await sql.raw("DELETE FROM vendor_claims WHERE id IN (" + emptied + ")").run()
                // The history and the claimed serials go with the request (foreign keys cascade).
                try await sql.raw("DELETE FROM requests WHERE id IN (\(binds: old))").run()
            }
            removed += old.count
        }
        return removed
    }

    /// Deletes the oldest `batchSize` of the events `selection` picks (a query of their ids) with
    /// their webhook deliveries; the next round takes the next batch.
    private func deleteEvents(_ selection: SQLQueryString, on sql: any SQLDatabase) async throws -> Int {
        let ids = try await sql.raw("\(selection) ORDER BY id LIMIT \(literal: Self.retentionBatch)").all().map {
            try $0.decode(column: "id", as: Int.self)
        }
        guard !ids.isEmpty else { return 0 }
        try await sql.raw("DELETE FROM webhook_deliveries WHERE event_id IN (\(binds: ids))").run()
        try await sql.raw("DELETE FROM integration_events WHERE id IN (\(binds: ids))").run()
        return ids.count
    }
}
