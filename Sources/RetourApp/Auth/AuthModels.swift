import Fluent
import Foundation
import RetourCore

/// A bearer token for the API. Only its SHA-256 is stored.
final class APIToken: Model, @unchecked Sendable {
    static let schema = "api_tokens"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Parent(key: "user_id") var user: User
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "expires_at") var expiresAt: Date
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A failed login, kept for throttling. Shared by all `serve` processes through the database.
final class LoginFailure: Model, @unchecked Sendable {
    static let schema = "login_failures"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "subject") var subject: String
    @Field(key: "at") var at: Int64

    init() {}

    init(subject: String, at: Int64) {
        self.subject = subject
        self.at = at
    }
}

/// A signed-in browser. Only the SHA-256 of the session id is stored, so a copy of the database
/// does not let anyone take over a session; the user id is a column, so all of a user's
/// sessions can be ended at once.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "id_hash") var idHash: String
    @OptionalField(key: "user_id") var userID: Int?
    @Field(key: "data") var data: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
}
