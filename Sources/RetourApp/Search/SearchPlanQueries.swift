import Fluent
import Foundation
import RetourCore
import SQLKit

/// The searches `retour explain` and `make bench` measure, and their plans as the database makes them.
enum SearchPlanQueries {
    /// A search of each shape, with numbers from the newest of the company's lines that have them.
    static func searches(of companyID: Int, today: CalendarDay, on db: any Database) async throws
        -> [(String, LineSearch)]
    {
        struct Sample: Decodable {
            var invoice_number: String?
            var customer_order_number: String?
            var delivery_note_number: String?
            var order_number: String?
            var article: String?
            var ean: String?
            var manufacturer_model: String?
            var serial: String?
        }
        let sample =
            try await db.sql.raw(
                """
                SELECT l.invoice_number, l.customer_order_number, l.delivery_note_number, l.order_number,
                       a.number AS article, a.ean, a.manufacturer_model,
                       (SELECT MIN(s.number) FROM serial_numbers s WHERE s.line_id = l.id) AS serial
                FROM invoice_lines l JOIN articles a ON a.id = l.article_id
                WHERE l.company_id = \(bind: companyID)
                ORDER BY (SELECT COUNT(*) FROM serial_numbers s WHERE s.line_id = l.id) DESC, l.invoice_date DESC
                LIMIT 1
                """
            ).first(decoding: Sample.self)
        func period(_ days: Int) -> LineSearch {
            LineSearch(
                dates: today.adding(days: -days)...today, number: nil, numberType: nil, kind: .invoice, page: 1,
                per: LineSearch.defaultPer)
        }
        var searches: [(String, LineSearch)] = [("week", period(6)), ("two months", period(61))]
        let numbers: [(NumberType, String?)] = [
            (.invoice, sample?.invoice_number), (.customerOrder, sample?.customer_order_number),
            (.deliveryNote, sample?.delivery_note_number), (.order, sample?.order_number),
            (.article, sample?.article), (.ean, sample?.ean), (.manufacturerModel, sample?.manufacturer_model),
            (.serial, sample?.serial),
        ]
        for case (let type, let number?) in numbers {
            searches.append(
                (
                    "by \(type.rawValue) \(number)",
                    LineSearch(
                        dates: nil, number: number, numberType: type, kind: .invoice, page: 1,
                        per: LineSearch.defaultPer)
                ))
        }
        return searches
    }

    /// The plan's lines as the database writes them.
    static func plan(_ statement: SQLQueryString, on db: any Database) async throws -> [String] {
        let sql = db.sql
        if sql.dialect.name == "sqlite" {
            struct Step: Decodable { var detail: String }
            return try await sql.raw("EXPLAIN QUERY PLAN " + statement).all(decoding: Step.self).map(\.detail)
        }
        struct Step: Decodable {
            var plan: String
            enum CodingKeys: String, CodingKey { case plan = "QUERY PLAN" }
        }
        return try await sql.raw("EXPLAIN " + statement).all(decoding: Step.self).map(\.plan)
    }
}
