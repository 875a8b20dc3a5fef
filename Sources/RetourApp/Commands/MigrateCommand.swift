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
    struct Signature: CommandSignature {}
    var help: String { "Brings the database schema up to date (also done by serve)." }

    func run(using context: CommandContext, signature: Signature) async throws {
        try await migrateGuarded(context.application)
        context.console.print("Database schema is up to date.")
    }
}

/// Runs pending migrations while holding a lock, so two processes starting at the same moment
/// never run the same migration twice: a PostgreSQL advisory lock, or a file lock beside the
/// SQLite file.
public func migrateGuarded(_ app: Application) async throws {
    if app.config.databaseURL != nil {
        // Session-level advisory locks belong to one connection: hold one for the whole run.
        try await app.db.withConnection { connection in
            let locked = connection as! any SQLDatabase
            try await locked.raw("SELECT pg_advisory_lock(7204161)").run()
            do {
                try await app.autoMigrate()
            } catch {
                try? await locked.raw("SELECT pg_advisory_unlock(7204161)").run()
                throw error
            }
            try await locked.raw("SELECT pg_advisory_unlock(7204161)").run()
        }
    } else if app.config.sqlitePath == ":memory:" {
        try await app.autoMigrate()
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
        try await app.autoMigrate()
    }
}
