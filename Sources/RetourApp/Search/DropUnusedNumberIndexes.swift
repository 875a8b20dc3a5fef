import Fluent
import SQLKit

/// Migration 017 — every search by number compares upper-cased values (migrations 008 and 015), so
/// the plain indexes of migration 002 on the same numbers are never read; each still cost every
/// imported line a write into it. They go.
struct DropUnusedNumberIndexes: AsyncMigration {
    var name: String { "RetourApp.DropUnusedNumberIndexes" }

    static let indexes: [(name: String, table: String, column: String)] = [
        ("lines_invoice_number", "invoice_lines", "invoice_number"),
        ("lines_customer_order", "invoice_lines", "customer_order_number"),
        ("lines_delivery_note", "invoice_lines", "delivery_note_number"),
        ("lines_order_number", "invoice_lines", "order_number"),
        ("serials_number", "serial_numbers", "number"),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes { try await sql.drop(index: index.name).run() }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            try await sql.create(index: index.name).on(index.table).column(index.column).run()
        }
    }
}
