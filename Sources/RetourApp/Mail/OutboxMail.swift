import Fluent
import Foundation
import RetourCore

/// A message waiting to be sent (the transactional outbox), then its delivery record.
final class OutboxMail: Model, @unchecked Sendable {
    static let schema = "mail_outbox"

    /// Waiting to be sent, sent, or given up (and shown on the mail log to be sent again). The
    /// claim queries of `JobClaims` and `MailWorker` name the same words in SQL.
    enum Status: String, Codable, Sendable {
        case pending, sent, failed
    }

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: Status
    @Field(key: "attempts") var attempts: Int
    /// Claims that ended without a result since the last one that did (`JobClaims`).
    @Field(key: "unfinished_attempts") var unfinishedAttempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// JSON `[MailAttachment]`: documents rendered when the mail is sent.
    @OptionalField(key: "attachments") var attachments: JSONColumn<[MailAttachment]>?

    init() {}

    init(recipient: String, subject: String, body: String, now: Date) {
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.status = .pending
        self.attempts = 0
        self.unfinishedAttempts = 0
        self.nextAttemptAt = now
        self.createdAt = now
    }
}
