import Fluent
import SQLKit

/// The first import into an empty history — a distributor's years of invoices, millions of lines —
/// writes its lines without their secondary indexes and builds those once at the end, sorted, which
/// both databases do many times faster than keeping a dozen indexes up to date row by row. Index
/// changes are part of the import's transaction on both databases: an import that fails leaves the
/// indexes as they were. The unique indexes stay: the upserts need them. While it runs, the lines are
/// locked for others — and there are none yet to search.
///
/// On PostgreSQL the foreign keys of the lines and serials go the same way: checked row by row (a
/// lookup per reference, three per line) they were the largest part of the database's work in a
/// first import; added again at the end, each is checked once over all rows in one join. The import
/// has resolved every reference before it writes, so that check finds nothing. Until the import
/// ends, the companies, articles and invoices the keys refer to take no writes from others (reads go
/// on): a first load is the only writer there is.
struct DatabaseBulkLoad {
    static let tables = ["invoice_lines", "serial_numbers"]

    /// The secondary indexes dropped, as the statements that create them again.
    let definitions: [String]

    /// The foreign keys dropped (PostgreSQL), to be added again as they were.
    let foreignKeys: [ForeignKey]

    struct ForeignKey: Decodable {
        var table: String
        var name: String
        var definition: String
    }

    /// Drops the secondary indexes of the lines and serials when no line is stored yet; nil otherwise.
    static func startIfEmpty(on sql: any SQLDatabase) async throws -> DatabaseBulkLoad? {
        struct Line: Decodable { var id: Int }
        guard try await sql.raw("SELECT id FROM invoice_lines LIMIT 1").first(decoding: Line.self) == nil else {
            return nil
        }
        struct Index: Decodable {
            var name: String
            var definition: String
        }
        let indexes: [Index]
        if sql.dialect.name == "sqlite" {
            // Indexes SQLite made itself (for UNIQUE and the primary key) have no SQL of their own.
            indexes = try await sql.raw(
                """
                SELECT name, sql AS definition FROM sqlite_master
                WHERE type = 'index' AND tbl_name IN (\(binds: tables)) AND sql IS NOT NULL
                """
            ).all(decoding: Index.self)
        } else {
            indexes = try await sql.raw(
                """
                SELECT indexname AS name, indexdef AS definition FROM pg_indexes
                WHERE schemaname = current_schema() AND tablename IN (\(binds: tables))
                """
            ).all(decoding: Index.self)
        }
        let secondary = indexes.filter { !$0.definition.uppercased().contains("UNIQUE") }
        for index in secondary { try await sql.drop(index: index.name).run() }
        var foreignKeys: [ForeignKey] = []
        if sql.dialect.name != "sqlite" {
            foreignKeys = try await sql.raw(
                """
                SELECT c.conrelid::regclass::text AS "table", c.conname AS name,
                       pg_get_constraintdef(c.oid) AS definition
                FROM pg_constraint c
                WHERE c.contype = 'f' AND c.connamespace = current_schema()::regnamespace
                  AND c.conrelid::regclass::text IN (\(binds: tables))
                """
            ).all(decoding: ForeignKey.self)
            for key in foreignKeys {
                try await sql.raw("ALTER TABLE \(ident: key.table) DROP CONSTRAINT \(ident: key.name)").run()
            }
        }
        return DatabaseBulkLoad(definitions: secondary.map(\.definition), foreignKeys: foreignKeys)
    }

    /// Builds the dropped indexes again, once, over everything loaded, and adds the foreign keys
    /// again, each checked once over every row.
    func finish(on sql: any SQLDatabase) async throws {
        for definition in definitions { try await sql.raw("\(unsafeRaw: definition)").run() }
        for key in foreignKeys {
            try await sql.raw(
                "ALTER TABLE \(ident: key.table) ADD CONSTRAINT \(ident: key.name) \(unsafeRaw: key.definition)"
            ).run()
        }
    }
}
