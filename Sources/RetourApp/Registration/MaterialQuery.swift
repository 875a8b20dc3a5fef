import Fluent
import RetourCore
import SQLKit

extension Material {
    /// The article whose EAN, manufacturer model or number is `code`, whatever its case.
    static func find(_ code: String, on database: any Database) async throws -> Article? {
        let code = code.trimmingWhitespace().uppercased()
        guard !code.isEmpty, code.count <= 64 else { return nil }
        struct Row: Decodable { var id: Int }
        // Each comparison has its index on UPPER(column) (`CreateCaseInsensitiveNumbers`); a code
        // that is one article's EAN and another's article number finds the EAN first.
        let found = try await database.sql.raw(
            """
            SELECT id FROM articles
            WHERE UPPER(ean) = \(bind: code) OR UPPER(manufacturer_model) = \(bind: code) OR UPPER(number) = \(bind: code)
            ORDER BY CASE WHEN UPPER(ean) = \(bind: code) THEN 0 WHEN UPPER(manufacturer_model) = \(bind: code) THEN 1
                          ELSE 2 END, id
            LIMIT 1
            """
        ).first(decoding: Row.self)
        guard let found else { return nil }
        return try await Article.query(on: database).filter(\.$id == found.id).with(\.$brand).first()
    }
}
