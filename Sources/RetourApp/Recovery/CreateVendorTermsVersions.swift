import Fluent
import SQLKit

/// Migration 028 — the history of a brand's return terms: each administrator's change is a version.
struct CreateVendorTermsVersions: AsyncMigration {
    var name: String { "RetourApp.CreateVendorTermsVersions" }

    func prepare(on database: any Database) async throws {
        try await database.schema("vendor_terms_versions")
            .field("id", .int, .identifier(auto: true))
            .field("brand_id", .int, .required, .references("brands", "id"))
            .field("terms", .string)
            .field("advance_replacement", .bool, .required)
            .field("changed_at", .datetime, .required)
            .field("changed_by", .int, .references("users", "id", onDelete: .setNull))
            .create()
        try await database.sql.create(index: "vendor_terms_versions_brand")
            .on("vendor_terms_versions").column("brand_id").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema("vendor_terms_versions").delete()
    }
}
