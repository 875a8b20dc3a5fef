import Fluent
import Foundation
import RetourCore

/// Migration 004 — versioned policies, seeded with the rulebook's values, and the audit log.
struct CreatePolicyVersions: AsyncMigration {
    /// Stable: databases record migrations by this name.
    var name: String { "RetourApp.CreatePolicyVersions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("policy_versions")
            .field("id", .int, .identifier(auto: true))
            .field("version", .int, .required)
            .field("effective_from", .string, .required)
            .field("document", .string, .required)
            .field("note", .string)
            .field("created_by", .int)
            .field("created_at", .datetime, .required)
            .unique(on: "version")
            .create()

        try await database.schema("audit_events")
            .field("id", .int, .identifier(auto: true))
            .field("at", .datetime, .required)
            .field("actor_id", .int)
            .field("action", .string, .required)
            .field("subject", .string, .required)
            .field("detail", .string, .required)
            .create()

        let standard = PolicyVersion()
        standard.version = Self.standardVersion
        standard.effectiveFrom = "2000-01-01"
        standard.document = try PolicyStore.encode(.standard)
        standard.note = Self.standardNote
        standard.createdAt = Date(timeIntervalSince1970: 0)
        try await standard.create(on: database)
    }

    /// The first version, the rulebook's own values; its note is shown in the reader's language.
    static let standardVersion = 1
    static let standardNote = "Rulebook values"

    func revert(on database: any Database) async throws {
        try await database.schema("audit_events").delete()
        try await database.schema("policy_versions").delete()
    }
}
