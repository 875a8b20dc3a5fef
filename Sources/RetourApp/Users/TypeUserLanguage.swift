import Fluent
import SQLKit

/// Migration 033 — a user's language is one of the portal's (`User.language` is a `Language`): a
/// value no version wrote through the language switch, but an older database might hold, is
/// forgotten rather than make the login unreadable; pages then follow the company's country.
struct TypeUserLanguage: AsyncMigration {
    var name: String { "RetourApp.TypeUserLanguage" }

    func prepare(on database: any Database) async throws {
        try await database.sql.raw(
            "UPDATE users SET language = NULL WHERE language IS NOT NULL AND language NOT IN ('nl', 'en')"
        ).run()
    }

    func revert(on database: any Database) async throws {}
}
