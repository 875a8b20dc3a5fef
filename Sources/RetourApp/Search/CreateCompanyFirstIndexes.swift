import Fluent
import SQLKit

/// Migration 015 — a reseller's search by number or article starts at its own company: indexes
/// that put the company first, so that neither database walks all of a large reseller's lines
/// (or all resellers' lines of a popular article) to find one number. Agents, who search every
/// company, keep the number-only indexes of migration 008.
struct CreateCompanyFirstIndexes: AsyncMigration {
    var name: String { "RetourApp.CreateCompanyFirstIndexes" }

    static let indexes: [(name: String, expression: String)] = [
        ("lines_company_article", #""company_id", "article_id""#),
        ("lines_company_invoice_number_upper", #""company_id", UPPER("invoice_number")"#),
        ("lines_company_customer_order_upper", #""company_id", UPPER("customer_order_number")"#),
        ("lines_company_delivery_note_upper", #""company_id", UPPER("delivery_note_number")"#),
        ("lines_company_order_number_upper", #""company_id", UPPER("order_number")"#),
    ]

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes {
            try await sql.raw(
                "CREATE INDEX \(ident: index.name) ON invoice_lines (\(unsafeRaw: index.expression))"
            ).run()
        }
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        for index in Self.indexes { try await sql.drop(index: index.name).run() }
    }
}
