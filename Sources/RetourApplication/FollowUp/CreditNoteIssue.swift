import Foundation
import RetourCore

extension RequestSteps {
    /// Issues the credit note: the computed amount, or the agent's own with a reason; numbered
    /// without gaps. The amount is checked against the request as locked for the credit: from 0 up
    /// to the goods' value, more only when `mayExceedValue` (administrators).
    @discardableResult
    public func credit(amount: Money?, reason rawReason: String?, mayExceedValue: Bool, on id: Int) async throws
        -> StoredRequest
    {
        let reason = rawReason?.trimmingWhitespace()
        let given = reason.flatMap { $0.isEmpty ? nil : $0 }
        let today = today
        return try await perform(.credit, on: id, message: given) { request, work in
            // A charged replacement is the request's note already.
            if let note = request.creditNote {
                throw Refusal(.conflict, detail: Message("replacement.alreadyNoted", ["number": .text(note.number)]))
            }
            let computed = try await RequestSettlement.of(request, work: work)
            try RequestSettlement.check(amount, reason: reason, computed: computed, mayExceedValue: mayExceedValue)
            let number = CreditNotes.number(year: today.year, sequence: try await work.next(.creditNote))
            request.creditNote = .init(
                number: number, amount: amount ?? computed.amount, kind: computed.kind, reason: given, date: today)
        }
    }
}

/// What a request is settled with.
public enum RequestSettlement {
    /// The default settlement of a request, under the policy version it was decided under.
    public static func compute(for request: StoredRequest, policy: Policy, unitPrice: Money) throws -> Settlement {
        let quantity = request.receipt?.quantity.map { min($0, request.quantity) } ?? request.quantity
        var settlement = try Settlement.compute(
            reason: request.reason, fields: request.fields, unitPrice: unitPrice, quantity: quantity, policy: policy)
        // A reseller who got a replacement is settled with it, not with money.
        if let replacement = request.replacement?.status, replacement != .waitingApproval {
            settlement.amount = .zero
        }
        return settlement
    }

    /// The return fee the request's policy sets, in basis points, where its reason is credited less
    /// a fee; nil for every other settlement.
    public static func feeBasisPoints(for request: StoredRequest, policy: Policy) -> Int? {
        guard Reason.named(request.reason).settlement.method(given: request.fields) == .creditValueLessReturnFee
        else { return nil }
        return policy[request.reason].returnFeeBasisPoints ?? 0
    }

    static func of(_ request: StoredRequest, work: any RequestWork) async throws -> Settlement {
        try compute(
            for: request, policy: try await work.policy(version: request.policyVersion),
            unitPrice: try await work.unitPrice(lineID: request.lineID))
    }

    /// Refuses an amount below 0 or above the goods' value, and a changed amount without a reason.
    public static func check(_ amount: Money?, reason: String?, computed: Settlement, mayExceedValue: Bool) throws {
        guard let amount else { return }
        var errors: [FieldError] = []
        let ceiling = max(computed.value, computed.amount)
        if amount.cents < 0 {
            errors.append(FieldError("amount", message: Message("app.followup.anAmountIsNotNegative")))
        } else if amount > ceiling && !mayExceedValue {
            errors.append(
                FieldError(
                    "amount", message: Message("app.followup.theAmountIsAtMostThe", ["decimalString": .money(ceiling)])
                ))
        }
        if amount != computed.amount && (reason ?? "").isEmpty {
            errors.append(
                FieldError(
                    "reason",
                    message: Message("app.followup.giveAReasonForAnAmount", ["decimalString": .money(computed.amount)]))
            )
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
    }
}
