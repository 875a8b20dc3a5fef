import Fluent
import SQLKit

/// Migration 013 — a foreign key on every reference the first migrations left without one, so that
/// no row can name a company, user, line or position that does not exist. PostgreSQL adds them in
/// place; SQLite only takes them in `CREATE TABLE`, so each table is rebuilt (SQLite's own
/// twelve-step procedure), keeping every row and index.
struct AddForeignKeys: AsyncMigration {
    var name: String { "RetourApp.AddForeignKeys" }

    struct Reference: Sendable {
        enum OnDelete: String, Sendable {
            /// The row must not outlive what it names (users and companies are deactivated, not deleted).
            case restrict = "NO ACTION"
            /// The row belongs to what it names: sessions, tokens and answers of a user.
            case cascade = "CASCADE"
            /// A record that keeps its history when the person is gone; a phone link that outlives
            /// its position (`CartChanges.remove` ends it first).
            case setNull = "SET NULL"
        }

        let table: String
        let column: String
        let parent: String
        let onDelete: OnDelete

        var constraintName: String { "fk:\(table).\(column)" }
        var clause: String {
            "CONSTRAINT \"\(constraintName)\" FOREIGN KEY (\"\(column)\") REFERENCES \"\(parent)\" (\"id\") "
                + "ON DELETE \(onDelete.rawValue)"
        }
    }

    static let references: [Reference] = [
        Reference(table: "policy_versions", column: "created_by", parent: "users", onDelete: .setNull),
        Reference(table: "audit_events", column: "actor_id", parent: "users", onDelete: .setNull),
        Reference(table: "attachments", column: "company_id", parent: "companies", onDelete: .restrict),
        Reference(table: "attachments", column: "user_id", parent: "users", onDelete: .restrict),
        Reference(table: "cart_positions", column: "company_id", parent: "companies", onDelete: .restrict),
        Reference(table: "requests", column: "company_id", parent: "companies", onDelete: .restrict),
        Reference(table: "requests", column: "user_id", parent: "users", onDelete: .restrict),
        Reference(table: "claimed_serials", column: "line_id", parent: "invoice_lines", onDelete: .restrict),
        Reference(table: "idempotency_keys", column: "user_id", parent: "users", onDelete: .cascade),
        Reference(table: "upload_tokens", column: "user_id", parent: "users", onDelete: .cascade),
        Reference(table: "upload_tokens", column: "company_id", parent: "companies", onDelete: .restrict),
        Reference(table: "upload_tokens", column: "line_id", parent: "invoice_lines", onDelete: .restrict),
        Reference(table: "upload_tokens", column: "position_id", parent: "cart_positions", onDelete: .setNull),
        Reference(table: "request_events", column: "actor_id", parent: "users", onDelete: .setNull),
        Reference(table: "web_sessions", column: "user_id", parent: "users", onDelete: .cascade),
    ]

    func prepare(on database: any Database) async throws {
        try await database.transaction { db in
            let sql = db.sql
            try await Self.releaseDanglingReferences(sql)
            if db.isSQLite {
                try await Self.rebuildOnSQLite(sql) { table, create in
                    let clauses = Self.references.filter { $0.table == table }.map(\.clause)
                    return try Self.insertingBeforeClosingParenthesis(
                        ", " + clauses.joined(separator: ", "), into: create)
                }
            } else {
                for reference in Self.references {
                    try await sql.raw("ALTER TABLE \(ident: reference.table) ADD \(unsafeRaw: reference.clause)").run()
                }
            }
        }
    }

    func revert(on database: any Database) async throws {
        try await database.transaction { db in
            let sql = db.sql
            if db.isSQLite {
                try await Self.rebuildOnSQLite(sql) { table, create in
                    Self.references.filter { $0.table == table }.reduce(create) { text, reference in
                        text.replacingOccurrences(of: ", " + reference.clause, with: "")
                    }
                }
            } else {
                for reference in Self.references {
                    try await sql.raw(
                        "ALTER TABLE \(ident: reference.table) DROP CONSTRAINT \(ident: reference.constraintName)"
                    ).run()
                }
            }
        }
    }

    /// Rows that point nowhere cannot take a foreign key. History keeps its row without the person;
    /// sessions, tokens and stored answers of a user that does not exist are of no use to anyone.
    /// What must not dangle (a request's company or line) is left for the check to report.
    static func releaseDanglingReferences(_ sql: any SQLDatabase) async throws {
        for reference in references where reference.onDelete != .restrict {
            let dangling: SQLQueryString =
                "\(ident: reference.column) IS NOT NULL AND \(ident: reference.column) NOT IN (SELECT id FROM \(ident: reference.parent))"
            if reference.onDelete == .setNull {
                try await sql.raw(
                    "UPDATE \(ident: reference.table) SET \(ident: reference.column) = NULL WHERE " + dangling
                ).run()
            } else {
                try await sql.raw("DELETE FROM \(ident: reference.table) WHERE " + dangling).run()
            }
        }
    }

    /// Rebuilds `tables` (by default every table named in `references`) from its own `CREATE TABLE` text as `change`
    /// rewrites it, copying every row and recreating its indexes. Foreign keys are off while tables
    /// are swapped — dropping the old `requests` must not cascade to its events — and checked as a
    /// whole before the transaction commits.
    static func rebuildOnSQLite(
        _ sql: any SQLDatabase, tables: Set<String> = Set(references.map(\.table)),
        change: @escaping @Sendable (String, String) throws -> String
    ) async throws {
        struct Schema: Decodable { var sql: String }
        // `PRAGMA foreign_keys` is ignored inside a transaction: end Fluent's, switch, begin our own.
        try await sql.raw("COMMIT").run()
        try await sql.raw("PRAGMA foreign_keys = OFF").run()
        try await sql.raw("BEGIN IMMEDIATE").run()
        do {
            for table in tables.sorted() {
                guard
                    let create = try await sql.raw(
                        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = \(bind: table)"
                    ).first(decoding: Schema.self)?.sql
                else { continue }
                let indexes = try await sql.raw(
                    "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = \(bind: table) AND sql IS NOT NULL"
                ).all(decoding: Schema.self)
                let rebuilt = try change(table, create)
                guard let nameRange = rebuilt.range(of: "\"\(table)\"") else { throw RebuildError.unexpected(table) }
                let staging = rebuilt.replacingCharacters(in: nameRange, with: "\"\(table)_rebuild\"")
                try await sql.raw("\(unsafeRaw: staging)").run()
                try await sql.raw("INSERT INTO \(ident: table + "_rebuild") SELECT * FROM \(ident: table)").run()
                try await sql.raw("DROP TABLE \(ident: table)").run()
                try await sql.raw("ALTER TABLE \(ident: table + "_rebuild") RENAME TO \(ident: table)").run()
                for index in indexes { try await sql.raw("\(unsafeRaw: index.sql)").run() }
            }
            struct Violation: Decodable { var table: String }
            if let violation = try await sql.raw("PRAGMA foreign_key_check").first(decoding: Violation.self) {
                throw RebuildError.danglingReference(violation.table)
            }
            try await sql.raw("COMMIT").run()
        } catch {
            try? await sql.raw("ROLLBACK").run()
            try? await sql.raw("PRAGMA foreign_keys = ON").run()
            try? await sql.raw("BEGIN").run()
            throw error
        }
        try await sql.raw("PRAGMA foreign_keys = ON").run()
        // Fluent commits the transaction it began; give it one.
        try await sql.raw("BEGIN").run()
    }

    static func insertingBeforeClosingParenthesis(_ text: String, into create: String) throws -> String {
        guard let close = create.lastIndex(of: ")") else { throw RebuildError.unexpected(create) }
        var result = create
        result.insert(contentsOf: text, at: close)
        return result
    }

    enum RebuildError: Error, CustomStringConvertible {
        case unexpected(String)
        case danglingReference(String)

        var description: String {
            switch self {
            case .unexpected(let table): "Unexpected table definition: \(table)"
            case .danglingReference(let table):
                "Table \(table) has rows that name a row that does not exist; fix them, then migrate again."
            }
        }
    }
}
