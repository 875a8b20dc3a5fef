import Foundation
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
        let store = DatabaseHousekeepingStore(database: db)
        try await store.refreshStatistics()
        rows += try await store.pruneUploadLinks(expiredBefore: now.addingTimeInterval(-86_400))
        let windowStart = Int64(now.timeIntervalSince1970) - Int64(app.config.loginThrottle.windowSeconds)
        rows += try await store.pruneLoginFailures(before: windowStart)
        try await store.pruneIdempotencyKeys(before: now.addingTimeInterval(-7 * 86_400))
        rows += try await store.applyRetention(config: app.config, now: now, today: app.today)
        rows += try await store.removeUnusedUploads(
            before: now.addingTimeInterval(-unusedUploadSeconds), limit: batchSize)
        let files = try await removeOrphanFiles(app, now: now, store: store)
        return (files, rows)
    }

    /// Stored files that no attachment names, and temporary files a crash left behind. Only the
    /// digests of old files are looked up, not every attachment there is; recent files may belong to
    /// an upload still being stored.
    private static func removeOrphanFiles(_ app: Application, now: Date, store: DatabaseHousekeepingStore) async throws
        -> Int
    {
        let before = now.addingTimeInterval(-temporarySeconds)
        let manager = FileManager.default
        let temporary = AttachmentStore.temporaryDirectory(app.config)
        var leftovers = 0
        for name in (try? manager.contentsOfDirectory(atPath: temporary)) ?? [] {
            let path = temporary + "/" + name
            let modified = (try? manager.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? now
            if modified < before, (try? manager.removeItem(atPath: path)) != nil { leftovers += 1 }
        }
        let files = app.fileStore
        var orphans = Set(try await files.digests(writtenBefore: before, on: store.database))
        for chunk in Array(orphans).chunked(batchSize) {
            for digest in try await store.digestsInUse(among: Array(chunk)) { orphans.remove(digest) }
        }
        for digest in orphans { try await files.remove(digest, writtenBefore: before, on: store.database) }
        return leftovers + orphans.count
    }
}
