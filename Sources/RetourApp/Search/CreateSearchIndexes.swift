import Fluent
import SQLKit

/// Migration 002 — one index for every search key the search page and `GET /api/v1/lines` use.
struct CreateSearchIndexes: AsyncMigration {
    /// Stable: databases record migrations by this name.
    var name: String { "RetourApp.CreateSearchIndexes" }

    static let indexes: [(name: String, table: String, columns: [String])] = [
        ("lines_company_invoice_date", "invoice_lines", ["company_id", "invoice_date"]),
        ("lines_company_delivery_date", "invoice_lines", ["company_id", "delivery_note_date"]),
        ("lines_company_order_date", "invoice_lines", ["company_id", "order_date"]),
        ("lines_invoice_date", "invoice_lines", ["invoice_date"]),
        ("lines_delivery_date", "invoice_lines", ["delivery_note_date"]),
        ("lines_order_date", "invoice_lines", ["order_date"]),
        ("lines_invoice_number", "invoice_lines", ["invoice_number"]),
        ("lines_customer_order", "invoice_lines", ["customer_order_number"]),
        ("lines_delivery_note", "invoice_lines", ["delivery_note_number"]),
        ("lines_order_number", "invoice_lines", ["order_number"]),
        ("lines_article", "invoice_lines", ["article_id"]),
        ("articles_model", "articles", ["manufacturer_model"]),
        ("articles_ean", "articles", ["ean"]),
        ("serials_number", "serial_numbers", ["number"]),
        ("invoices_company_date", "invoices", ["company_id", "date"]),
        ("invoices_customer_order", "invoices", ["customer_order_number"]),
        ("users_company", "users", ["company_id"]),
        ("login_failures_subject", "login_failures", ["subject", "at"]),
        ("api_tokens_user", "api_tokens", ["user_id"]),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            var builder = sql.create(index: index.name).on(index.table)
            for column in index.columns { builder = builder.column(column) }
            try await builder.run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            try await sql.drop(index: index.name).run()
        }
    }
}
