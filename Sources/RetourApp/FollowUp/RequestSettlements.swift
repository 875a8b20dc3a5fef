import Fluent
import Foundation
import RetourApplication
import RetourCore

/// What the pages and documents show of a request's settlement, computed as the credit computes it.
enum RequestSettlements {
    /// The default settlement of a request, under the policy version it was decided under.
    static func settlement(for record: ReturnRequest, db: any Database) async throws -> Settlement {
        let price = Money(cents: try await RequestQueries.unitPrice(ofLine: record.lineID, on: db) ?? 0)
        return try RequestSettlement.compute(
            for: try StoredRequest(record),
            policy: try await PolicyQueries(database: db).policy(version: record.policyVersion),
            unitPrice: price)
    }

    /// The return fee the request's policy sets, in basis points, where its reason is credited less
    /// a fee; nil for every other settlement.
    static func feeBasisPoints(for record: ReturnRequest, db: any Database) async throws -> Int? {
        RequestSettlement.feeBasisPoints(
            for: try StoredRequest(record),
            policy: try await PolicyQueries(database: db).policy(version: record.policyVersion))
    }

    /// The stored differences of a receipt in the reader's words.
    static func discrepancyText(_ stored: JSONColumn<ReceiptDifferences>?, texts t: Translations) -> String? {
        stored?.value.text(t)
    }
}
