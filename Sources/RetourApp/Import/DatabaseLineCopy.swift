import FluentPostgresDriver
import Foundation
import NIOCore
import SQLKit

/// On PostgreSQL the invoice lines of a chunk and their serials go in by `COPY` into two staging
/// tables, then one set-wise upsert of the lines and one insert of their serials — instead of
/// multi-row INSERTs of thousands of parameters each. The staging tables are temporary, live in the
/// import's one transaction and are emptied for every chunk, so the import stays all or nothing.
struct DatabaseLineCopy {
    static let lineColumns = [
        "invoice_id", "company_id", "invoice_number", "invoice_date", "customer_order_number", "position",
        "article_id", "quantity", "unit_price_cents", "currency", "customer_item_number", "delivery_note_number",
        "delivery_note_date", "order_number", "order_date", "delivery_street", "delivery_postcode", "delivery_city",
        "delivery_country",
    ]
    /// The staging tables' integer columns; all others are text, as in `invoice_lines`.
    private static let integerColumns: Set = [
        "invoice_id", "company_id", "position", "article_id", "quantity", "unit_price_cents",
    ]
    static let serialColumns = ["invoice_id", "position", "ordinal", "number"]

    let sql: any SQLDatabase
    private let connection: PostgresConnection

    /// The copier of this transaction's connection, or nil when the database is not PostgreSQL.
    static func start(on sql: any SQLDatabase) async throws -> DatabaseLineCopy? {
        guard sql.dialect.name == "postgresql", let postgres = sql as? any PostgresDatabase else { return nil }
        // Inside the import's transaction the database is bound to one connection: this is it.
        let connection = try await postgres.withConnection { $0.eventLoop.makeSucceededFuture($0) }.get()
        let lines = lineColumns.map { "\($0) \(integerColumns.contains($0) ? "BIGINT" : "TEXT")" }
        try await sql.raw(
            "CREATE TEMP TABLE IF NOT EXISTS import_lines (\(unsafeRaw: lines.joined(separator: ", "))) ON COMMIT DROP"
        ).run()
        try await sql.raw(
            """
            CREATE TEMP TABLE IF NOT EXISTS import_serials
              (invoice_id BIGINT, position BIGINT, ordinal BIGINT, number TEXT) ON COMMIT DROP
            """
        ).run()
        return DatabaseLineCopy(sql: sql, connection: connection)
    }

    /// Upserts `lines` (values in the order of `lineColumns`) and makes each line's serials exactly
    /// `serials` (values in the order of `serialColumns`; `ordinal` keeps the document's order).
    /// `newLines`: every line is new (a bulk load into an empty history), so none has serials yet.
    func write(lines: [[String?]], serials: [[String?]], newLines: Bool) async throws {
        try await sql.raw("TRUNCATE import_lines, import_serials").run()
        try await copy(lines, into: "import_lines", columns: Self.lineColumns)
        try await copy(serials, into: "import_serials", columns: Self.serialColumns)
        // Temporary tables have no statistics: without them the planner may join a chunk's few
        // thousand rows to all of invoice_lines by hashing it whole.
        try await sql.raw("ANALYZE import_lines, import_serials").run()
        let columns = Self.lineColumns.joined(separator: ", ")
        let changing = Self.lineColumns.filter { $0 != "invoice_id" && $0 != "position" }
        let updates = changing.map { "\($0) = EXCLUDED.\($0)" }.joined(separator: ", ")
        let stored = changing.map { "invoice_lines.\($0)" }.joined(separator: ", ")
        let imported = changing.map { "EXCLUDED.\($0)" }.joined(separator: ", ")
        // A line the ERP sends again unchanged (most of a daily load) is not written again.
        try await sql.raw(
            """
            INSERT INTO invoice_lines (\(unsafeRaw: columns)) SELECT \(unsafeRaw: columns) FROM import_lines
            ON CONFLICT (invoice_id, position) DO UPDATE SET \(unsafeRaw: updates)
            WHERE (\(unsafeRaw: stored)) IS DISTINCT FROM (\(unsafeRaw: imported))
            """
        ).run()
        // The serials of an imported line are exactly those of the document. Found by line id, so
        // that the delete probes the serials' index instead of joining all of them.
        if !newLines {
            try await sql.raw(
                """
                DELETE FROM serial_numbers WHERE line_id IN
                  (SELECT l.id FROM import_lines i
                   JOIN invoice_lines l ON l.invoice_id = i.invoice_id AND l.position = i.position)
                """
            ).run()
        }
        try await sql.raw(
            """
            INSERT INTO serial_numbers (line_id, number)
            SELECT l.id, s.number FROM import_serials s
            JOIN invoice_lines l ON l.invoice_id = s.invoice_id AND l.position = s.position
            ORDER BY s.ordinal
            """
        ).run()
    }

    private func copy(_ rows: [[String?]], into table: String, columns: [String]) async throws {
        guard !rows.isEmpty else { return }
        let data = Self.copyText(rows)
        try await connection.copyFrom(table: table, columns: columns, logger: connection.logger) { writer in
            try await writer.write(data)
        }
    }

    /// Rows in `COPY`'s text format: tab between values, a line per row, `\N` for null, and the
    /// four characters that would end a value or a row escaped.
    static func copyText(_ rows: [[String?]]) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(rows.count * 256)
        for row in rows {
            for (index, value) in row.enumerated() {
                if index > 0 { buffer.writeInteger(UInt8(ascii: "\t")) }
                guard let value else {
                    buffer.writeStaticString("\\N")
                    continue
                }
                for byte in value.utf8 {
                    switch byte {
                    case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
                    case UInt8(ascii: "\t"): buffer.writeStaticString("\\t")
                    case UInt8(ascii: "\n"): buffer.writeStaticString("\\n")
                    case UInt8(ascii: "\r"): buffer.writeStaticString("\\r")
                    default: buffer.writeInteger(byte)
                    }
                }
            }
            buffer.writeInteger(UInt8(ascii: "\n"))
        }
        return buffer
    }
}
