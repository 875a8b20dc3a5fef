import Foundation
import RetourCore

/// What an agent found in a returned parcel.
public struct GoodsReceipt: Sendable, Hashable {
    public var quantity: Int
    public var serials: [String]
    /// Nil where the agent's choice is not one of the conditions.
    public var condition: ReceiptCondition?
    public var note: String?

    public init(quantity: Int, serials: [String], condition: ReceiptCondition?, note: String?) {
        self.quantity = quantity
        self.serials = serials
        self.condition = condition
        self.note = note
    }
}

extension RequestSteps {
    /// Records what arrived and flags every difference with the request, re-checked against the
    /// rules; the timeline and the reseller's mail name the differences in the reseller's language.
    @discardableResult
    public func receive(_ receipt: GoodsReceipt, on id: Int) async throws -> StoredRequest {
        var errors: [FieldError] = []
        if !Limits.quantity.contains(receipt.quantity) {
            errors.append(
                WholeNumber.error(
                    .outOfRange(Int64(Limits.quantity.lowerBound)...Int64(Limits.quantity.upperBound)),
                    field: "quantity"))
        }
        if receipt.condition == nil {
            let choices = ReceiptCondition.allCases.map(\.rawValue).joined(separator: ", ")
            errors.append(
                FieldError("condition", message: Message("app.followup.chooseOneOf", ["choices": "\(choices)"])))
        }
        guard errors.isEmpty, let condition = receipt.condition else { throw Refusal.invalid(errors) }
        try Refusal.refuseUnstorable(receipt.note)
        let today = today
        return try await store.transaction { work in
            guard let request = try await work.lockRequest(id: id) else { throw Refusal.notFound() }
            let received = Set(receipt.serials.map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
            let differences = try await differences(
                between: request, and: receipt, serials: received, condition: condition, work: work)
            let summary =
                differences.isEmpty
                ? nil
                : try await work.resellerTexts(of: request).text(
                    Message("receipt.heading", ["differences": .message(Discrepancy.summary(differences))]))
            let message = [receipt.note, summary].compactMap { $0 }.joined(separator: "\n")
            return try await apply(.receive, to: request, message: message.isEmpty ? nil : message, work: work) {
                request, _ in
                request.receipt = .init(
                    quantity: receipt.quantity, serials: received.sorted(), condition: condition, note: receipt.note,
                    differences: differences.isEmpty ? nil : .found(differences))
                // The defective unit is back in time: the replacement is paid for by it.
                if request.replacement?.status == .shipped, let returnBy = request.replacement?.returnBy,
                    today <= returnBy
                {
                    request.replacement?.status = .returned
                }
            }
        }
    }

    private func differences(
        between request: StoredRequest, and receipt: GoodsReceipt, serials received: Set<String>,
        condition: ReceiptCondition, work: any RequestWork
    ) async throws -> [Discrepancy] {
        let expected = Set(request.serials)
        var differences: [Discrepancy] = []
        if receipt.quantity != request.quantity {
            differences.append(.quantity(received: receipt.quantity, requested: request.quantity))
        }
        let missing = expected.subtracting(received).sorted()
        let unexpected = received.subtracting(expected).sorted()
        if !missing.isEmpty { differences.append(.serialsNotReceived(missing)) }
        if !unexpected.isEmpty { differences.append(.serialsNotRequested(unexpected)) }
        // Sealed returns must come back unopened; anything else is not as requested.
        if condition != .asExpected {
            differences.append(.condition(condition, sealed: Reason.named(request.reason).mustArriveSealed))
        }
        // Goods must be sent within the RMA number's days; they may travel a few days more.
        let grace = try await work.policy(on: today).transitGrace
        if let last = request.validUntil, today > last.adding(days: grace) {
            differences.append(.late(arrived: today, lastDay: last, transitDays: grace))
        }
        return differences
    }
}
