import Fluent
import Foundation
import RetourCore

/// An uploaded file. Its bytes live outside the web root under their SHA-256.
final class Attachment: Model, @unchecked Sendable {
    static let schema = "attachments"

    @ID(custom: "id", generatedBy: .user) var id: String?
    @Field(key: "company_id") var companyID: Int?
    @Field(key: "user_id") var userID: Int
    @OptionalField(key: "upload_token") var uploadToken: String?
    @Field(key: "sha256") var sha256: String
    @Field(key: "filename") var filename: String
    @Field(key: "size") var size: Int
    @Field(key: "content_type") var contentType: String
    @Field(key: "is_image") var isImage: Bool
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A position waiting in a user's cart.
final class CartPosition: Model, @unchecked Sendable {
    static let schema = "cart_positions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "user_id") var userID: Int
    @Field(key: "company_id") var companyID: Int
    @Field(key: "line_id") var lineID: Int
    @Field(key: "reason") var reason: ReasonID
    @Field(key: "quantity") var quantity: Int
    @Field(key: "serials") var serialsColumn: JSONColumn<[String]>
    var serials: [String] {
        get { serialsColumn.value }
        set { serialsColumn = JSONColumn(newValue) }
    }
    @Field(key: "fields") var fieldsColumn: JSONColumn<[String: JSONValue]>
    var fields: [String: JSONValue] {
        get { fieldsColumn.value }
        set { fieldsColumn = JSONColumn(newValue) }
    }
    @Field(key: "attachments") var attachmentsColumn: JSONColumn<[String]>
    var attachments: [String] {
        get { attachmentsColumn.value }
        set { attachmentsColumn = JSONColumn(newValue) }
    }
    @Field(key: "return_address") var returnAddressColumn: JSONColumn<Address>
    var returnAddress: Address {
        get { returnAddressColumn.value }
        set { returnAddressColumn = JSONColumn(newValue) }
    }
    @Field(key: "created_at") var createdAt: Date

    init() {}
}

/// A submitted position: a return or claim with its own number.
final class ReturnRequest: Model, @unchecked Sendable {
    static let schema = "requests"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "number") var number: String
    @OptionalField(key: "rma_number") var rmaNumber: String?
    @OptionalField(key: "valid_until") var validUntil: String?
    @Field(key: "status") var status: RequestStatus
    @Field(key: "outcome") var outcome: Outcome
    @Field(key: "reason") var reason: ReasonID
    @Field(key: "line_id") var lineID: Int
    @Field(key: "company_id") var companyID: Int
    @Field(key: "user_id") var userID: Int
    @Field(key: "quantity") var quantity: Int
    @Field(key: "serials") var serialsColumn: JSONColumn<[String]>
    var serials: [String] {
        get { serialsColumn.value }
        set { serialsColumn = JSONColumn(newValue) }
    }
    @Field(key: "fields") var fieldsColumn: JSONColumn<[String: JSONValue]>
    var fields: [String: JSONValue] {
        get { fieldsColumn.value }
        set { fieldsColumn = JSONColumn(newValue) }
    }
    @Field(key: "attachments") var attachmentsColumn: JSONColumn<[String]>
    var attachments: [String] {
        get { attachmentsColumn.value }
        set { attachmentsColumn = JSONColumn(newValue) }
    }
    @Field(key: "return_address") var returnAddressColumn: JSONColumn<Address>
    var returnAddress: Address {
        get { returnAddressColumn.value }
        set { returnAddressColumn = JSONColumn(newValue) }
    }
    @Field(key: "policy_version") var policyVersion: Int
    @Field(key: "submitted_at") var submittedAt: Date
    @Field(key: "submitted_on") var submittedOn: String
    @OptionalField(key: "received_quantity") var receivedQuantity: Int?
    @OptionalField(key: "received_serials") var receivedSerialsColumn: JSONColumn<[String]>?
    var receivedSerials: [String]? {
        get { receivedSerialsColumn?.value }
        set { receivedSerialsColumn = newValue.map(JSONColumn.init) }
    }
    @OptionalField(key: "received_condition") var receivedCondition: String?
    @OptionalField(key: "receipt_note") var receiptNote: String?
    @OptionalField(key: "discrepancy") var discrepancy: String?
    @OptionalField(key: "credit_note_number") var creditNoteNumber: String?
    @OptionalField(key: "credit_amount_cents") var creditAmountCents: Int64?
    @OptionalField(key: "credit_kind") var creditKind: String?
    @OptionalField(key: "credit_reason") var creditReason: String?
    @OptionalField(key: "credit_note_date") var creditNoteDate: String?
    @OptionalField(key: "closed_on") var closedOn: String?
    @OptionalField(key: "reseller_extensions") var resellerExtensions: Int?
    @OptionalField(key: "reminder_sent") var reminderSent: Bool?
    /// The agent asked the reseller for information and waits for the answer.
    @OptionalField(key: "information_requested") var informationRequested: Bool?
    /// When the reseller answered such a question; cleared by the agent's next step.
    @OptionalField(key: "answered_at") var answeredAt: Date?
    @OptionalField(key: "last_change_at") var lastChangeAt: Date?
    /// The number of the first request of the submission this one was part of.
    @OptionalField(key: "submission") var submission: String?

    init() {}
}

/// One step in a request's life: who did what, when, from which status to which, with a message.
final class RequestEvent: Model, @unchecked Sendable {
    static let schema = "request_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "request_id") var requestID: Int
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: Int?
    @Field(key: "actor") var actor: String
    @Field(key: "action") var action: String
    @Field(key: "from_status") var fromStatus: String
    @Field(key: "to_status") var toStatus: String
    @OptionalField(key: "message") var message: String?
    @Field(key: "attachments") var attachmentsColumn: JSONColumn<[String]>
    var attachments: [String] {
        get { attachmentsColumn.value }
        set { attachmentsColumn = JSONColumn(newValue) }
    }

    init() {}
}

/// A message waiting to be sent (the transactional outbox), then its delivery record.
final class OutboxMail: Model, @unchecked Sendable {
    static let schema = "mail_outbox"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "recipient") var recipient: String
    @Field(key: "subject") var subject: String
    @Field(key: "body") var body: String
    @Field(key: "status") var status: String
    @Field(key: "attempts") var attempts: Int
    @Field(key: "next_attempt_at") var nextAttemptAt: Date
    @OptionalField(key: "last_error") var lastError: String?
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "sent_at") var sentAt: Date?
    /// JSON `[MailAttachment]`: documents rendered when the mail is sent.
    @OptionalField(key: "attachments") var attachments: String?

    init() {}

    init(recipient: String, subject: String, body: String, now: Date) {
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.status = "pending"
        self.attempts = 0
        self.nextAttemptAt = now
        self.createdAt = now
    }
}

/// A short-lived key that lets a phone upload files for one registration without logging in.
final class UploadToken: Model, @unchecked Sendable {
    static let schema = "upload_tokens"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "token_hash") var tokenHash: String
    @Field(key: "user_id") var userID: Int
    @Field(key: "company_id") var companyID: Int
    @Field(key: "line_id") var lineID: Int
    @Field(key: "expires_at") var expiresAt: Date
    /// The cart position the form became; files sent later are added to it.
    @OptionalField(key: "position_id") var positionID: Int?

    init() {}
}
