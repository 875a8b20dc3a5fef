import Fluent
import Foundation
import RetourCore
import SQLKit

/// Migration 021 — a key remembers the role it was made for and counts the minute before.
struct BindAPIKeysToTheirRole: AsyncMigration {
    var name: String { "RetourApp.BindAPIKeysToTheirRole" }

    func prepare(on database: any Database) async throws {
        // One column a statement: SQLite alters one at a time.
        try await database.schema(APIKey.schema).field("role", .string).update()
        try await database.schema(APIKey.schema).field("previous_count", .int, .required, .sql(.default(0))).update()
        // Keys made before: the role their maker has now, if the maker is still in the key's
        // company (or, for the distributor's keys, in none); otherwise none, so they end.
        try await database.sql.raw(
            """
            UPDATE api_keys SET role = (SELECT u.role FROM users u WHERE u.id = api_keys.user_id
                AND ((api_keys.company_id IS NULL AND u.company_id IS NULL) OR u.company_id = api_keys.company_id))
            """
        ).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIKey.schema).deleteField("role").update()
        try await database.schema(APIKey.schema).deleteField("previous_count").update()
    }
}
