import Fluent
import Foundation
import RetourCore
import SQLKit

/// A named key a machine uses instead of a person's token. It acts for the person who made it,
/// within its scopes; only its SHA-256 is stored, and it is shown once, when made.
final class APIKey: Model, @unchecked Sendable {
    static let schema = "api_keys"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// The reseller the key belongs to; nil for the distributor's own keys.
    @OptionalField(key: "company_id") var companyID: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "name") var name: String
    @Field(key: "key_hash") var keyHash: String
    /// The first characters of the key, so that people can tell their keys apart.
    @Field(key: "key_prefix") var keyPrefix: String
    /// Space-separated `APIScope` values.
    @Field(key: "scopes") var scopeList: String
    @Field(key: "created_at") var createdAt: Date
    /// Unix seconds; written by the authentication's own statement on every use.
    @OptionalField(key: "last_used_at") var lastUsedAt: Int64?
    @OptionalField(key: "revoked_at") var revokedAt: Date?
    /// The current minute of the rate limit and the requests counted in it.
    @Field(key: "window_start") var windowStart: Int64
    @Field(key: "window_count") var windowCount: Int

    init() {}

    var scopes: Set<APIScope> { Set(scopeList.split(separator: " ").compactMap { APIScope(rawValue: String($0)) }) }
}

/// Migration 018 — API keys, listed by company.
struct CreateAPIKeys: AsyncMigration {
    var name: String { "RetourApp.CreateAPIKeys" }

    func prepare(on database: any Database) async throws {
        try await database.schema(APIKey.schema)
            .field("id", .int, .identifier(auto: true))
            .field("company_id", .int, .references("companies", "id"))
            .field("user_id", .int, .required, .references("users", "id", onDelete: .cascade))
            .field("name", .string, .required)
            .field("key_hash", .string, .required)
            .field("key_prefix", .string, .required)
            .field("scopes", .string, .required)
            .field("created_at", .datetime, .required)
            .field("last_used_at", .int64)
            .field("revoked_at", .datetime)
            .field("window_start", .int64, .required)
            .field("window_count", .int, .required)
            .unique(on: "key_hash")
            .create()
        let sql = database as! any SQLDatabase
        try await sql.create(index: "api_keys_company").on(APIKey.schema).column("company_id").column("id").run()
    }

    func revert(on database: any Database) async throws {
        try await database.schema(APIKey.schema).delete()
    }
}
