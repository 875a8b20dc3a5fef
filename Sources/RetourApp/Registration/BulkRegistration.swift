import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Many positions into the cart at once, from a spreadsheet (`AddPositions.add(rows:)`), answered
/// row by row in the reader's words.
struct BulkRegistration {
    var texts: Translations
    var dryRun: Bool

    struct Outcome: Content {
        var row: Int
        var invoice: String
        var position: Int?
        var reason: String
        /// `added` (or, in a dry run, would be), or `refused`.
        var status: String
        /// The cart position made; nil in a dry run and when refused.
        var cartPosition: Int?
        var message: String?
        var errors: [ProblemDocument.Item]
    }

    struct Answer: Content {
        var dryRun: Bool
        var added: Int
        var refused: Int
        var rows: [Outcome]
    }

    func run(_ rows: [BulkRow], adding: AddPositions) async throws -> Answer {
        let outcomes = try await adding.add(rows: rows, dryRun: dryRun).map { outcome in
            Outcome(
                row: outcome.row.row, invoice: outcome.row.invoice, position: outcome.row.position,
                reason: outcome.row.reason, status: outcome.added ? "added" : "refused",
                cartPosition: outcome.cartPosition, message: outcome.refusal.map { texts.text($0.detail) },
                errors: (outcome.refusal?.errors ?? []).map { .init(field: $0.field, message: texts.text($0.message)) })
        }
        let added = outcomes.filter { $0.status == "added" }.count
        return Answer(dryRun: dryRun, added: added, refused: outcomes.count - added, rows: outcomes)
    }
}
