import Fluent
import RetourApplication
import RetourCore
import SQLKit

/// Whether a line's brand offers advance replacement and its company may use it.
enum ReplacementOfferQuery {
    typealias Terms = ReplacementTerms

    static func terms(onLine lineID: Int, on db: any Database) async throws -> Terms {
        struct Row: Decodable {
            var brand: Bool?
            var company: Bool?
        }
        let row = try await db.sql.raw(
            """
            SELECT b.advance_replacement AS brand, c.advance_replacement AS company
            FROM invoice_lines l JOIN articles a ON a.id = l.article_id JOIN brands b ON b.id = a.brand_id
                 JOIN companies c ON c.id = l.company_id
            WHERE l.id = \(bind: lineID)
            """
        ).first(decoding: Row.self)
        // A brand offers it only when it says so; a company may use it unless it was switched off.
        return Terms(brandOffers: row?.brand ?? false, companyMayUse: row?.company ?? true)
    }
}
