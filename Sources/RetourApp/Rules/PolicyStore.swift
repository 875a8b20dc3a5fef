import Fluent
import Foundation
import NIOConcurrencyHelpers
import RetourCore

/// Reads and writes policy versions.
enum PolicyStore {
    static func encode(_ policy: Policy) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(policy), as: UTF8.self)
    }

    static func decode(_ document: String) throws -> Policy {
        if let known = decoded.withLockedValue({ $0 }), known.document == document { return known.policy }
        let policy = try JSONDecoder().decode(Policy.self, from: Data(document.utf8))
        decoded.withLockedValue { $0 = (document, policy) }
        return policy
    }

    /// The last document read and its policy: every check of a position reads the policy in force,
    /// which changes a few times a year (a bulk upload of 1 000 rows decoded it 1 000 times).
    private static let decoded = NIOLockedValueBox<(document: String, policy: Policy)?>(nil)

    /// The version in force on `day`.
    static func current(on database: any Database, day: CalendarDay) async throws -> (version: Int, policy: Policy) {
        guard
            let record = try await PolicyVersion.query(on: database)
                .filter(\.$effectiveFrom <= day.iso)
                .sort(\.$effectiveFrom, .descending)
                .sort(\.$version, .descending)
                .first()
        else { return (0, .standard) }
        return (record.version, try decode(record.document))
    }
}
