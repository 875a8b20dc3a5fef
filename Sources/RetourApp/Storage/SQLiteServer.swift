import Foundation
import SQLKit
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// The embedded SQLite database serves one `retour serve` process. It runs in WAL mode (readers
/// never wait for the writer), and a second `serve` on the same file is refused at start: two
/// servers would each think they are the only writer.
public enum SQLiteServer {
    /// Switches the file to WAL (kept in the file; harmless each time), before any migration.
    static func prepare(_ app: Application) async throws {
        guard app.config.databaseURL == nil, app.config.sqlitePath != ":memory:" else { return }
        let sql = app.db.sql
        try await sql.raw("PRAGMA journal_mode = WAL").run()
    }

    /// Holds a lock on `<file>.serve.lock` for the life of the process, or throws with a message
    /// that points to PostgreSQL.
    public static func claimServeLock(_ app: Application) throws {
        guard app.config.databaseURL == nil, app.config.sqlitePath != ":memory:" else { return }
        let path = app.config.sqlitePath + ".serve.lock"
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw ConfigError("cannot open \(path)") }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ConfigError(
                """
                Another `retour serve` already uses \(app.config.sqlitePath). The embedded SQLite database \
                serves one process; to run several, set DATABASE_URL to a PostgreSQL database.
                """)
        }
        // Deliberately never closed: the lock ends with the process, also when it is killed.
        _ = descriptor
    }
}
