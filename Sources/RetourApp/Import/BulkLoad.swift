import Fluent
import SQLKit

/// The first import into an empty history — a distributor's years of invoices, millions of lines —
/// writes its lines without their secondary indexes and builds those once at the end, sorted, which
/// both databases do many times faster than keeping a dozen indexes up to date row by row. Index
/// changes are part of the import's transaction on both databases: an import that fails leaves the
/// indexes as they were. The unique indexes stay: the upserts need them. While it runs, the lines are
/// locked for others — and there are none yet to search.
struct BulkLoad {
    static let tables = ["invoice_lines", "serial_numbers"]

    /// The secondary indexes dropped, as the statements that create them again.
    let definitions: [String]

    /// Drops the secondary indexes of the lines and serials when no line is stored yet; nil otherwise.
    static func startIfEmpty(on sql: any SQLDatabase) async throws -> BulkLoad? {
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
        return BulkLoad(definitions: secondary.map(\.definition))
    }

    /// Builds the dropped indexes again, once, over everything loaded.
    func finish(on sql: any SQLDatabase) async throws {
        for definition in definitions { try await sql.raw("\(unsafeRaw: definition)").run() }
    }
}
