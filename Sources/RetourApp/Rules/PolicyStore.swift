import Fluent
import Foundation
import RetourCore

/// Reads and writes policy versions.
enum PolicyStore {
    static func encode(_ policy: Policy) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(policy), as: UTF8.self)
    }

    static func decode(_ document: String) throws -> Policy {
        try JSONDecoder().decode(Policy.self, from: Data(document.utf8))
    }

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
