import Fluent
import SQLKit

extension Database {
    /// A transaction that holds the write lock from its first statement, so that whatever it reads
    /// it may act on. On PostgreSQL the rows to decide on are locked with `lockForUpdate`; SQLite has
    /// one writer, so the transaction starts with `BEGIN IMMEDIATE` and waits up to the busy timeout
    /// instead of failing half-way with "database is locked". Nested calls join the outer transaction.
    func writeTransaction<T: Sendable>(_ body: @escaping @Sendable (any Database) async throws -> T) async throws -> T {
        if inTransaction { return try await body(self) }
        guard isSQLite else {
            return try await transaction(body)
        }
        // Writers of this process queue here, without holding a connection of the pool while they wait.
        await SQLiteWriters.gate.enter()
        let outcome: Result<T, any Error>
        do {
            outcome = .success(
                try await transaction { db in
                    let connection = db.sql
                    // Fluent began a deferred transaction, which takes the write lock only at the first
                    // write and then fails if another process holds it. Trade it for an immediate one.
                    try await connection.raw("COMMIT").run()
                    try await connection.raw(
                        "PRAGMA busy_timeout = \(unsafeRaw: String(SQLiteWriters.busyTimeoutMilliseconds))"
                    ).run()
                    try await connection.raw("BEGIN IMMEDIATE").run()
                    return try await body(db)
                })
        } catch {
            outcome = .failure(error)
        }
        await SQLiteWriters.gate.leave()
        return try outcome.get()
    }

    /// Locks the rows of `table` with these ids until the transaction ends (PostgreSQL), in id order so
    /// that two transactions never wait for each other in a circle. On SQLite the immediate
    /// transaction already excludes every other writer.
    func lockForUpdate(_ table: String, ids: [Int]) async throws {
        guard !ids.isEmpty, !isSQLite else { return }
        try await sql.raw(
            "SELECT id FROM \(ident: table) WHERE id IN (\(binds: ids.sorted())) ORDER BY id FOR UPDATE"
        ).run()
    }

    /// Whether this is the embedded SQLite database.
    var isSQLite: Bool { sql.dialect.name == "sqlite" }
}

enum SQLiteWriters {
    static let gate = AsyncGate()
    /// How long a writer waits for another process's write to finish before giving up.
    static let busyTimeoutMilliseconds = 15_000
}

/// A first-come, first-served gate for one task at a time.
actor AsyncGate {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func enter() async {
        if !busy {
            busy = true
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            busy = false
        } else {
            waiting.removeFirst().resume()
        }
    }
}
