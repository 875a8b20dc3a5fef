import Fluent
import Foundation
import RetourCore

/// A one-time link sent by e-mail (`AccountLinks` in the application layer says when): its token is
/// 256 random bits, shown only in the mail and kept only as its SHA-256.
final class AccountLink: Model, @unchecked Sendable {
    static let schema = "account_links"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "purpose") var purpose: AccountLinkPurpose
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "expires_at") var expiresAt: Date
    @OptionalField(key: "used_at") var usedAt: Date?

    init() {}
}
