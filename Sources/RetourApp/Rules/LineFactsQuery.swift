import Fluent
import RetourCore
import SQLKit

/// Loads what the rules need to know of invoice lines.
enum LineFactsQuery {
    struct Row: Decodable {
        var id: Int
        var company_id: Int
        var invoice_date: String
        var delivery_note_date: String?
        var quantity: Int
        var unit_price_cents: Int64
        var article_number: String
        var kind: ArticleKind
        var special_order: Bool
        var returnable: Bool
        var article_warranty: Int?
        var brand: String
        var doa_days: Int?
        var brand_warranty: Int?
        var warranty_handling: Handling
        var doa_handling: Handling
        var service_company: String?
        var service_street: String?
        var service_postcode: String?
        var service_city: String?
        var service_url: String?

        var facts: LineFacts? {
            guard let invoiceDate = CalendarDay(iso: invoice_date) else { return nil }
            var centre: ServiceCentre?
            if let service_company {
                centre = ServiceCentre(
                    company: service_company, street: service_street ?? "", postcode: service_postcode ?? "",
                    city: service_city ?? "", url: service_url)
            }
            return LineFacts(
                invoiceDate: invoiceDate, deliveryDate: delivery_note_date.flatMap(CalendarDay.init(iso:)),
                quantity: quantity, claimedQuantity: 0, unitPrice: Money(cents: unit_price_cents),
                article: ArticleFacts(
                    number: article_number, kind: kind, specialOrder: special_order,
                    returnable: returnable,
                    warrantyMonths: article_warranty),
                brand: BrandFacts(
                    name: brand, doaDays: doa_days, warrantyMonths: brand_warranty,
                    warrantyHandling: warranty_handling, doaHandling: doa_handling, serviceCentre: centre))
        }
    }

    static let select: SQLQueryString = """
        SELECT l.id, l.company_id, l.invoice_date, l.delivery_note_date, l.quantity, l.unit_price_cents,
               a.number AS article_number, a.kind, a.special_order, a.returnable, a.warranty_months AS article_warranty,
               b.name AS brand, b.doa_days, b.warranty_months AS brand_warranty, b.warranty_handling, b.doa_handling,
               b.service_company, b.service_street, b.service_postcode, b.service_city, b.service_url
        FROM invoice_lines l
        JOIN articles a ON a.id = l.article_id
        JOIN brands b ON b.id = a.brand_id
        """

    /// One line's facts, if `scope` may see it.
    static func line(_ id: Int, scope: CompanyScope, on database: any Database) async throws -> LineFacts? {
        let sql = database.sql
        guard let row = try await sql.raw(select + " WHERE l.id = \(bind: id)").first(decoding: Row.self),
            scope.allows(row.company_id)
        else { return nil }
        return row.facts
    }

    /// The facts of the company's lines among `ids`, by line id.
    static func lines(_ ids: [Int], companyID: Int, on database: any Database) async throws -> [Int: LineFacts] {
        let sql = database.sql
        var found: [Int: LineFacts] = [:]
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = Array(ids[start..<min(start + 500, ids.count)])
            let rows = try await sql.raw(
                select + " WHERE l.id IN (\(binds: chunk)) AND l.company_id = \(bind: companyID)"
            ).all(decoding: Row.self)
            for row in rows { found[row.id] = row.facts }
        }
        return found
    }

    /// The facts of every line invoiced from `since` on, at most `limit`, with their line ids.
    static func invoiced(since: CalendarDay, limit: Int, on database: any Database) async throws
        -> (ids: [Int], facts: [LineFacts])
    {
        let sql = database.sql
        let rows = try await sql.raw(
            select + " WHERE l.invoice_date >= \(bind: since.iso) ORDER BY l.id LIMIT \(literal: limit)"
        ).all(decoding: Row.self)
        let read = rows.compactMap { row in row.facts.map { (row.id, $0) } }
        return (read.map(\.0), read.map(\.1))
    }

    struct ExampleRow: Decodable {
        var id: Int
        var invoice: String
        var article: String
        var description: String
        var company: String
    }

    /// What names lines for an administrator: invoice, article and reseller.
    static func examples(_ ids: [Int], on database: any Database) async throws -> [Int: ExampleRow] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await database.sql.raw(
            """
            SELECT l.id, i.number AS invoice, a.number AS article, a.description, c.name AS company
            FROM invoice_lines l JOIN invoices i ON i.id = l.invoice_id JOIN articles a ON a.id = l.article_id
            JOIN companies c ON c.id = l.company_id WHERE l.id IN (\(binds: ids))
            """
        ).all(decoding: ExampleRow.self)
        return Dictionary(rows.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }
}
