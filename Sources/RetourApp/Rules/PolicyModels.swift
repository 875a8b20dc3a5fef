import Fluent
import Foundation
import RetourApplication

/// One version of the rules. The newest version whose `effective_from` has come is in force;
/// older versions stay, so every decision can name the version it was made under.
final class PolicyVersion: Model, @unchecked Sendable {
    static let schema = "policy_versions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "version") var version: Int
    @Field(key: "effective_from") var effectiveFrom: String
    @Field(key: "document") var document: String
    @OptionalField(key: "note") var note: String?
    @OptionalField(key: "created_by") var createdBy: Int?
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// Who changed what, when: the audit log.
final class AuditEvent: Model, @unchecked Sendable {
    static let schema = "audit_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: Int?
    @Field(key: "action") var action: String
    @Field(key: "subject") var subject: String
    @Field(key: "detail") var detail: String

    init() {}

    init(at: Date, actorID: Int?, action: String, subject: String, detail: String) {
        self.at = at
        self.actorID = actorID
        self.action = action
        self.subject = subject
        self.detail = detail
    }

    /// The line a use case of the application layer wrote.
    convenience init(_ entry: AuditEntry) {
        self.init(
            at: entry.at, actorID: entry.actorID, action: entry.action, subject: entry.subject, detail: entry.detail)
    }
}
