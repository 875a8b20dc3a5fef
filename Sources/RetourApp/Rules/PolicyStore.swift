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

    /// Stores `policy` as the next version, in force from `effectiveFrom`, with an audit entry.
    static func create(
        _ policy: Policy, effectiveFrom: CalendarDay, note: String?, actor: User, now: Date, on database: any Database
    ) async throws -> PolicyVersion {
        let document = try encode(policy)
        return try await database.transaction { db in
            let latest = try await PolicyVersion.query(on: db).sort(\.$version, .descending).first()?.version ?? 0
            let record = PolicyVersion()
            record.version = latest + 1
            record.effectiveFrom = effectiveFrom.iso
            record.document = document
            record.note = note
            record.createdBy = try actor.requireID()
            record.createdAt = now
            try await record.create(on: db)
            try await AuditEvent(
                at: now, actorID: actor.id, action: "policy.create", subject: "policy version \(record.version)",
                detail: "effective from \(effectiveFrom.iso)" + (note.map { ": \($0)" } ?? "")
            ).create(on: db)
            return record
        }
    }
}
