import Fluent
import SQLKit

/// Migration 031 — the distributor's data as the administrator sets it (`DistributorSettings`):
/// one row, made empty here so that a change can always lock it.
struct CreateDistributorSettings: AsyncMigration {
    var name: String { "RetourApp.CreateDistributorSettings" }

    func prepare(on database: any Database) async throws {
        try await database.schema(DistributorSettings.schema)
            .field("id", .int, .identifier(auto: false))
            .field("return_address", .string)
            .field("seller_name", .string)
            .field("seller_street", .string)
            .field("seller_postcode", .string)
            .field("seller_city", .string)
            .field("seller_country", .string)
            .field("seller_vat", .string)
            .field("seller_email", .string)
            .field("updated_at", .datetime)
            .field("updated_by", .int, .references("users", "id", onDelete: .setNull))
            .create()
        try await database.sql.insert(into: DistributorSettings.schema).columns("id")
            .values(SQLBind(DistributorSettings.rowID)).run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(DistributorSettings.schema).delete()
    }
}
