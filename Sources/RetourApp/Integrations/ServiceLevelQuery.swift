import Fluent
import Foundation
import RetourCore
import SQLKit

/// The rows behind the service-level report.
enum ServiceLevelQuery {
    struct Row: Decodable {
        var reason: String
        var outcome: String
        var submitted_on: String
        var credit_note_date: String?
        var credit_amount_cents: Int64?
        var credit_kind: String?
        var brand: String?
        var decided_at: Date?
    }

    /// The requests submitted in `range`, with their brand and the first decision on them.
    static func requests(submittedIn range: ClosedRange<CalendarDay>, on db: any Database) async throws -> [Row] {
        try await db.sql.raw(
            """
            SELECT r.reason, r.outcome, r.submitted_on, r.credit_note_date, r.credit_amount_cents, r.credit_kind,
                   b.name AS brand,
                   (SELECT MIN(e.at) FROM request_events e
                     WHERE e.request_id = r.id AND e.action IN ('approve', 'reject')) AS decided_at
              FROM requests r
              LEFT JOIN invoice_lines l ON l.id = r.line_id
              LEFT JOIN articles a ON a.id = l.article_id
              LEFT JOIN brands b ON b.id = a.brand_id
             WHERE r.submitted_on >= \(bind: range.lowerBound.iso) AND r.submitted_on <= \(bind: range.upperBound.iso)
            """
        ).all(decoding: Row.self)
    }

    struct Sold: Decodable {
        var brand: String
        var lines: Int
    }

    /// How many lines of each of `brands` were invoiced in `range`.
    static func linesSold(of brands: Set<String>, invoicedIn range: ClosedRange<CalendarDay>, on db: any Database)
        async throws -> [Sold]
    {
        try await db.sql.raw(
            """
            SELECT b.name AS brand, COUNT(*) AS lines
              FROM brands b JOIN articles a ON a.brand_id = b.id JOIN invoice_lines l ON l.article_id = a.id
             WHERE b.name IN (\(binds: Array(brands).sorted()))
               AND l.invoice_date >= \(bind: range.lowerBound.iso) AND l.invoice_date <= \(bind: range.upperBound.iso)
             GROUP BY b.name
            """
        ).all(decoding: Sold.self)
    }
}
