import Fluent
import Foundation
import SQLKit

/// The outboxes' claims (mails, webhook deliveries): a claim records that an attempt started
/// (`unfinished_attempts` + 1) before anything is tried, and every attempt that ends with a result,
/// good or bad, sets it back to 0. A row whose claims twice ended without a result took its worker
/// down with it (a crash, a kill): it is parked as failed with the reason instead of being tried
/// blindly again, so one poisoned row cannot crash every process that picks it up, forever.
enum JobClaims {
    /// Claims that ended without a result before a row is parked.
    static let parkAfter = 2

    /// The sentence a parked row carries in its `last_error`, shown on the admin's pages.
    static let parkedReason =
        "parked: two attempts ended without a result (the process stopped while trying); fix the cause, then send again"

    /// Parks the due rows of `table` whose claims ended without a result `parkAfter` times.
    @discardableResult
    static func parkUnfinished(in table: String, now: Date, on sql: any SQLDatabase) async throws -> [Int] {
        struct Row: Decodable { var id: Int }
        return try await sql.raw(
            """
            UPDATE \(ident: table) SET status = 'failed', last_error = \(bind: parkedReason)
            WHERE status = 'pending' AND next_attempt_at <= \(bind: now)
              AND unfinished_attempts >= \(literal: parkAfter)
            RETURNING id
            """
        ).all(decoding: Row.self).map(\.id)
    }

    /// How many rows of `table` are parked, for `/metrics`.
    static func parkedCount(in table: String, on sql: any SQLDatabase) async throws -> Int {
        struct Row: Decodable { var total: Int }
        return try await sql.raw(
            """
            SELECT COUNT(*) AS total FROM \(ident: table)
            WHERE status = 'failed' AND unfinished_attempts >= \(literal: parkAfter)
            """
        ).first(decoding: Row.self)?.total ?? 0
    }
}
