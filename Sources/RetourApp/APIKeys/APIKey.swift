import Fluent
import Foundation
import RetourCore
import SQLKit

/// A named key a machine uses instead of a person's token. It belongs to the company and the role
/// it was made for and acts within its scopes; it ends when its maker no longer holds that role in
/// that company (`APIScope.keyStands`). Only its SHA-256 is stored, and it is shown once, when made.
final class APIKey: Model, @unchecked Sendable {
    static let schema = "api_keys"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    /// The reseller the key belongs to; nil for the distributor's own keys.
    @OptionalField(key: "company_id") var companyID: Int?
    @Field(key: "user_id") var userID: Int
    /// The role its maker had when it was made. Keys made before roles were kept got their maker's
    /// role at the upgrade, or none when the maker had left the key's company: such a key stands for
    /// nobody.
    @OptionalField(key: "role") var role: Role?
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
    /// The current minute of the rate limit and the requests counted in it, and those of the
    /// minute before (`SlidingWindow`).
    @Field(key: "window_start") var windowStart: Int64
    @Field(key: "window_count") var windowCount: Int
    @Field(key: "previous_count") var previousCount: Int

    init() {}

    var scopes: Set<APIScope> { Set(scopeList.split(separator: " ").compactMap { APIScope(rawValue: String($0)) }) }

    /// Whether the key still stands for `maker` (its maker as now stored).
    func stands(for maker: User?) -> Bool {
        guard let maker, let role, revokedAt == nil else { return false }
        return APIScope.keyStands(
            madeAs: role, for: companyID, makerRole: maker.role, makerCompany: maker.companyID,
            makerActive: maker.active)
    }
}
