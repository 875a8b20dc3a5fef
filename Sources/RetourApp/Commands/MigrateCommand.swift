import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// `retour migrate`: brings the schema up to date. `serve` does the same before it listens.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Reverts the last batch of migrations instead")
        var revert: Bool
    }

    var help: String { "Brings the database schema up to date (also done by serve); --revert undoes the last batch." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.revert {
            let reverted = try await revertGuarded(context.application)
            context.console.print(
                reverted.isEmpty ? "Nothing to revert." : "Reverted: \(reverted.joined(separator: ", ")).")
        } else {
            try await migrateGuarded(context.application)
            context.console.print("Database schema is up to date.")
        }
    }
}

/// Reverts the last batch of migrations under the same lock as `migrateGuarded`; returns their names.
func revertGuarded(_ app: Application) async throws -> [String] {
    try await withMigrationLock(app) {
        struct Row: Decodable { var name: String }
        try await app.migrator.setupIfNeeded().get()
        let sql = app.db as! any SQLDatabase
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
        if app.config.databaseURL != nil {
            let moved = try await DatabaseFileStore.takeOver(
                LocalFileStore(root: app.config.filesDirectory), on: app.db)
            if moved > 0 { app.logger.notice("moved \(moved) stored files from the disk into PostgreSQL") }
        }
    }
}

private func withMigrationLock<T: Sendable>(_ app: Application, _ work: @escaping @Sendable () async throws -> T)
    async throws -> T
{
    if app.config.databaseURL != nil {
        // Session-level advisory locks belong to one connection: hold one for the whole run.
        return try await app.db.withConnection { connection in
            let locked = connection as! any SQLDatabase
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
