import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// Reverts the last batch of migrations under the same lock as `migrateGuarded`; returns their names.
func revertGuarded(_ app: Application) async throws -> [String] {
    try await withMigrationLock(app) {
        struct Row: Decodable { var name: String }
        try await app.migrator.setupIfNeeded().get()
        let sql = app.db.sql
        let names = try await sql.raw(
            "SELECT name FROM _fluent_migrations WHERE batch = (SELECT MAX(batch) FROM _fluent_migrations) ORDER BY name"
        ).all(decoding: Row.self).map(\.name)
        try await app.migrator.revertLastBatch().get()
        return names
    }
}

/// Runs pending migrations while holding a lock, so two processes starting at the same moment
/// never run the same migration twice: a PostgreSQL advisory lock, or a file lock beside the
/// SQLite file.
public func migrateGuarded(_ app: Application) async throws {
    try await withMigrationLock(app) {
        try await app.autoMigrate()
        try await settleFiles(app)
    }
}

/// Finds this installation's own files directory (`FileRoot`) and, on PostgreSQL, copies in the
/// files the database names but lacks from the directory as it was before (an upgrade from files
/// on disk) — or from `takingFrom`, an operator's explicit move.
func settleFiles(_ app: Application, takingFrom: String? = nil) async throws {
    // A schema older than the installation row (a test that migrates part of the list) has no
    // marked directory to settle.
    guard let installation = try? await Installation.current(app) else { return }
    let base = app.config.filesDirectory
    let sqlite = app.config.databaseURL == nil
    let db = app.db
    app.config.filesDirectory = try await FileRoot.claim(base: base, installation: installation.id) { digests in
        // Only the local store adopts unmarked files — its own from before directories were marked —
        // and only when its database names them; it records those, once, as files it wrote.
        guard sqlite else { return false }
        let legacy = LocalFileStore(root: base)
        var adopted = false
        for chunk in digests.chunked(500) {
            for digest in Set(try await Attachment.query(on: db).filter(\.$sha256 ~~ Array(chunk)).all(\.$sha256)) {
                let size = (try? FileManager.default.attributesOfItem(atPath: legacy.path(digest))[.size] as? Int) ?? 0
                try await LocalFileStore.record(
                    digest, size: size, at: legacy.modified(digest) ?? Date(timeIntervalSince1970: 0), on: db)
                adopted = true
            }
        }
        return adopted
    }
    if !sqlite {
        var copied = try await DatabaseFileStore.takeOver(LocalFileStore(root: base), on: db)
        if let takingFrom { copied += try await DatabaseFileStore.takeOver(LocalFileStore(root: takingFrom), on: db) }
        if copied > 0 { app.logger.notice("copied \(copied) stored files from the disk into PostgreSQL") }
    }
}

private func withMigrationLock<T: Sendable>(_ app: Application, _ work: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    if app.config.databaseURL != nil {
        // Session-level advisory locks belong to one connection: hold one for the whole run.
        return try await app.db.withConnection { connection in
            let locked = connection.sql
            try await locked.raw("SELECT pg_advisory_lock(7204161)").run()
            do {
                let result = try await work()
                try await locked.raw("SELECT pg_advisory_unlock(7204161)").run()
                return result
            } catch {
                try? await locked.raw("SELECT pg_advisory_unlock(7204161)").run()
                throw error
            }
        }
    } else if app.config.sqlitePath == ":memory:" {
        return try await work()
    } else {
        let path = app.config.sqlitePath + ".migrate.lock"
        let descriptor = open(path, O_CREAT | O_RDWR, 0o644)
        guard descriptor >= 0 else { throw ConfigError("cannot open \(path)") }
        defer { close(descriptor) }
        // Poll rather than block: a blocked thread would be one of the few the async runtime has.
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        defer { flock(descriptor, LOCK_UN) }
        try await SQLiteServer.prepare(app)
        return try await work()
    }
}
