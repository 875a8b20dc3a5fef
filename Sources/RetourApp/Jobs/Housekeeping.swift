import Fluent
import Foundation
import SQLKit
import Vapor

/// What the worker tidies each round: sessions and tokens past their life, old login failures and
/// idempotency answers, upload links that ended, what the retention settings no longer keep, and
/// files nothing refers to any more.
enum Housekeeping {
    /// An upload that never became part of a position or request is kept this long for the form.
    static let unusedUploadSeconds: TimeInterval = 2 * 86_400
    /// A temporary upload file older than this was left by a crash.
    static let temporarySeconds: TimeInterval = 3_600
    static let batchSize = 200
    /// Housekeeping inside the worker loop runs this often, not every round: it walks the files
    /// directory and scans for unused uploads, which the seconds-apart rounds need not repeat.
    static let intervalSeconds: TimeInterval = 3_600

    private struct LastRunKey: StorageKey {
        typealias Value = Date
    }

    /// Runs a round when the last one is `intervalSeconds` ago (or there was none in this process).
    static func runIfDue(_ app: Application) async throws {
        let now = app.clock.now
        if let last = app.storage[LastRunKey.self], now.timeIntervalSince(last) < intervalSeconds { return }
        try await runOnce(app)
        app.storage[LastRunKey.self] = now
    }

    @discardableResult
    static func runOnce(_ app: Application) async throws -> (files: Int, rows: Int) {
        let now = app.clock.now
        let db = app.db
        var rows = 0
        rows += try await DatabaseSessionStore(database: db).prune(
            now: now, idleSeconds: app.config.sessionIdleSeconds, absoluteSeconds: app.config.sessionAbsoluteSeconds)
        rows += try await FormAnswerStore(database: db).prune(now: now)
        if db.isSQLite { try await Importer.refreshStatistics(db) }
        rows += try await deleted(UploadToken.query(on: db).filter(\.$expiresAt < now.addingTimeInterval(-86_400)))
        let windowStart = Int64(now.timeIntervalSince1970) - Int64(app.config.loginThrottle.windowSeconds)
        rows += try await deleted(LoginFailure.query(on: db).filter(\.$at < windowStart))
        let sql = db.sql
        try await sql.delete(from: "idempotency_keys").where(
            "created_at", .lessThan, now.addingTimeInterval(-7 * 86_400)
        )
        .run()
        rows += try await Retention.apply(config: app.config, now: now, today: app.today, on: db)
        rows += try await unusedUploads(before: now.addingTimeInterval(-unusedUploadSeconds), on: db)
        let files = try await removeOrphanFiles(app, now: now, on: db)
        return (files, rows)
    }

    /// Deletes what `query` finds; how many rows that was.
    static func deleted<M: Model>(_ query: QueryBuilder<M>) async throws -> Int {
        let count = try await query.count()
        if count > 0 { try await query.delete() }
        return count
    }

    /// Uploads older than `before` that no cart position, request or message refers to.
    private static func unusedUploads(before: Date, on db: any Database) async throws -> Int {
        let candidates = try await Attachment.query(on: db).filter(\.$createdAt < before).sort(\.$createdAt)
            .limit(batchSize).all()
        let sql = db.sql
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
                try await attachment.delete(on: db)
                removed += 1
            }
        }
        return removed
    }

    /// Stored files that no attachment names, and temporary files a crash left behind. Only the
    /// digests of old files are looked up, not every attachment there is; recent files may belong to
    /// an upload still being stored.
    private static func removeOrphanFiles(_ app: Application, now: Date, on db: any Database) async throws -> Int {
        let before = now.addingTimeInterval(-temporarySeconds)
        let manager = FileManager.default
        let temporary = AttachmentStore.temporaryDirectory(app.config)
        var leftovers = 0
        for name in (try? manager.contentsOfDirectory(atPath: temporary)) ?? [] {
            let path = temporary + "/" + name
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? now
            if modified < before, (try? manager.removeItem(atPath: path)) != nil { leftovers += 1 }
        }
        let store = app.fileStore
        var orphans = Set(try await store.digests(writtenBefore: before, on: db))
        for chunk in Array(orphans).chunked(batchSize) {
            for digest in try await Attachment.query(on: db).filter(\.$sha256 ~~ chunk).all(\.$sha256) {
                orphans.remove(digest)
            }
        }
        for digest in orphans { try await store.remove(digest, writtenBefore: before, on: db) }
        return leftovers + orphans.count
    }
}
