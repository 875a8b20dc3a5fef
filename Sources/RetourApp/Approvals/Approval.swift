import Fluent
import Foundation
import RetourCore
import SQLKit

/// A submission that waits for a second person: the submitter's cart positions it holds point to
/// it (`cart_positions.approval_id`) until a colleague with the right `approve` decides.
final class Approval: Model, @unchecked Sendable {
    static let schema = "approvals"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "company_id") var companyID: Int
    @Field(key: "user_id") var userID: Int
    @Field(key: "status") var status: ApprovalStatus
    @Field(key: "amount_cents") var amountCents: Int64
    @Field(key: "created_at") var createdAt: Date
    @OptionalField(key: "decided_at") var decidedAt: Date?
    @OptionalField(key: "decided_by") var decidedBy: Int?
    @OptionalField(key: "message") var message: String?
    /// The first request number of the submission an approval made.
    @OptionalField(key: "submission") var submission: String?

    init() {}

    var amount: Money { Money(cents: amountCents) }
}
