import Fluent
import Foundation
import RetourCore

/// Migration 023 — the fingerprint of the password an import last set.
struct AddPasswordFingerprint: AsyncMigration {
    var name: String { "RetourApp.AddPasswordFingerprint" }

    func prepare(on database: any Database) async throws {
        try await database.schema(User.schema).field("password_fingerprint", .string).update()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(User.schema).deleteField("password_fingerprint").update()
    }
}
