import Fluent
import SQLKit

/// Migration 008 — numbers are found whatever their case (`2119lz90x2v9` finds `2119LZ90X2V9`):
/// an index on the upper-cased value of every number the search looks up, so that the
/// case-insensitive comparison is still an index lookup.
struct CreateCaseInsensitiveNumbers: AsyncMigration {
    var name: String { "RetourApp.CreateCaseInsensitiveNumbers" }

    static let indexes: [(name: String, table: String, column: String)] = [
        ("lines_invoice_number_upper", "invoice_lines", "invoice_number"),
        ("lines_customer_order_upper", "invoice_lines", "customer_order_number"),
        ("lines_delivery_note_upper", "invoice_lines", "delivery_note_number"),
        ("lines_order_number_upper", "invoice_lines", "order_number"),
        ("articles_number_upper", "articles", "number"),
        ("articles_model_upper", "articles", "manufacturer_model"),
        ("articles_ean_upper", "articles", "ean"),
        ("serials_number_upper", "serial_numbers", "number"),
        ("requests_number_upper", "requests", "number"),
        ("requests_rma_upper", "requests", "rma_number"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            try await sql.raw(
                "CREATE INDEX \(ident: index.name) ON \(ident: index.table) (UPPER(\(ident: index.column)))"
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes { try await sql.drop(index: index.name).run() }
    }
}
