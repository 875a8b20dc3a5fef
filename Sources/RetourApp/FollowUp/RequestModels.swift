import Fluent
import Foundation
import RetourApplication
import RetourCore

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
    @OptionalField(key: "received_condition") var receivedCondition: ReceiptCondition?
    @OptionalField(key: "receipt_note") var receiptNote: String?
    @OptionalField(key: "discrepancy") var discrepancy: JSONColumn<ReceiptDifferences>?
    @OptionalField(key: "credit_note_number") var creditNoteNumber: String?
    @OptionalField(key: "credit_amount_cents") var creditAmountCents: Int64?
    @OptionalField(key: "credit_kind") var creditKind: Settlement.Kind?
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
    /// The reseller's own reference of the position, as typed in its form.
    @OptionalField(key: "position_reference") var positionReference: String?
    /// An advance replacement the reseller asked for; nil: none.
    @OptionalField(key: "replacement_status") var replacementStatus: ReplacementStatus?
    @OptionalField(key: "replacement_ship_by") var replacementShipBy: String?
    @OptionalField(key: "replacement_return_by") var replacementReturnBy: String?
    @OptionalField(key: "replacement_tracking") var replacementTracking: String?
    @OptionalField(key: "replacement_reminded") var replacementReminded: Bool?

    init() {}
}

/// One step in a request's life: who did what, when, from which status to which, with a message.
final class RequestEvent: Model, @unchecked Sendable {
    static let schema = "request_events"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "request_id") var requestID: Int
    @Field(key: "at") var at: Date
    @OptionalField(key: "actor_id") var actorID: Int?
    @Field(key: "actor") var actor: Actor
    @Field(key: "action") var action: String
    @Field(key: "from_status") var fromStatus: RequestStatus
    @Field(key: "to_status") var toStatus: RequestStatus
    @OptionalField(key: "message") var message: String?
    @Field(key: "attachments") var attachmentsColumn: JSONColumn<[String]>
    var attachments: [String] {
        get { attachmentsColumn.value }
        set { attachmentsColumn = JSONColumn(newValue) }
    }

    init() {}
}

extension ReturnRequest {
    /// The reseller's reference in a position's fields, trimmed; nil when none was typed.
    static func positionReference(in fields: [String: JSONValue]) -> String? {
        guard case .string(let text) = fields[FormField.reference.name] else { return nil }
        let trimmed = text.trimmingWhitespace()
        return trimmed.isEmpty ? nil : trimmed
    }
}
