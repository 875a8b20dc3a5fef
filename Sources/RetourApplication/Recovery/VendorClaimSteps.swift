import Foundation
import RetourCore

/// An agent's steps on a vendor claim: send it, record what the vendor paid, write off the rest.
/// Each runs in one transaction on the claim as stored, its row locked, so two agents cannot both
/// send a claim or book the same credit twice over a stale total.
public struct VendorClaimSteps: Sendable {
    public static let maximumReference = 100
    public static let maximumReason = 500

    public var store: any VendorRecoveryStore
    public var actorID: Int?
    public var today: CalendarDay
    public var now: Date

    public init(store: any VendorRecoveryStore, actorID: Int?, today: CalendarDay, now: Date) {
        self.store = store
        self.actorID = actorID
        self.today = today
        self.now = now
    }

    public func send(_ number: String, vendorRmaNumber: String) async throws -> VendorClaim {
        let rma = try Self.text(vendorRmaNumber, field: "vendorRmaNumber", maximum: Self.maximumReference)
        return try await step(number, .send) { work, claim, _ in
            try await work.markSent(claimNumber: number, vendorRmaNumber: rma, on: today)
            try await work.audit(
                "vendor_claim.send", subject: "vendor claim \(number)", detail: "vendor RMA \(rma)", actorID: actorID,
                at: now)
            try await work.announce(.sent, claimNumber: number, today: today, at: now)
        }
    }

    public func credit(_ number: String, amount: Money, reference: String) async throws -> VendorClaim {
        let reference = try Self.text(reference, field: "reference", maximum: Self.maximumReference, required: false)
        return try await step(number, .credit(amount)) { work, claim, next in
            try await work.addCredit(
                claimNumber: number, amount: amount, reference: reference, status: next, at: now, by: actorID)
            try await work.audit(
                "vendor_claim.credit", subject: "vendor claim \(number)",
                detail: "\(amount.decimalString) \(reference)".trimmingCharacters(in: .whitespaces), actorID: actorID,
                at: now)
            try await work.announce(.credited, claimNumber: number, today: today, at: now)
            if next == .settled { try await work.announce(.settled, claimNumber: number, today: today, at: now) }
        }
    }

    public func writeOff(_ number: String, reason: String) async throws -> VendorClaim {
        let reason = try Self.text(reason, field: "reason", maximum: Self.maximumReason)
        return try await step(number, .writeOff) { work, claim, _ in
            try await work.writeOff(claimNumber: number, reason: reason, at: now)
            try await work.audit(
                "vendor_claim.write_off", subject: "vendor claim \(number)",
                detail: "\(claim.outstanding.decimalString): \(reason)", actorID: actorID, at: now)
        }
    }

    private func step(
        _ number: String, _ step: VendorClaimStep,
        apply: @escaping @Sendable (any VendorRecoveryWork, VendorClaim, VendorClaimStatus) async throws -> Void
    ) async throws -> VendorClaim {
        let today = self.today
        try await store.transaction { work in
            guard let claim = try await work.lockClaim(number: number, today: today) else { throw Refusal.notFound() }
            switch step.next(
                from: claim.status, units: claim.units.count, expected: claim.expectedCredit,
                received: claim.receivedCredit)
            {
            case .success(let next): try await apply(work, claim, next)
            case .failure(let refusal):
                if refusal.isInputError {
                    throw Refusal(
                        .invalid, detail: refusal.message, errors: [FieldError("amount", message: refusal.message)])
                }
                throw Refusal(.conflict, detail: refusal.message)
            }
        }
        guard let claim = try await store.claim(number: number, today: today) else { throw Refusal.notFound() }
        return claim
    }

    /// A trimmed text of at most `maximum` characters; empty only where it is not required.
    static func text(_ text: String, field: String, maximum: Int, required: Bool = true) throws -> String {
        try Refusal.refuseUnstorable(text)
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if required && trimmed.isEmpty {
            throw Refusal.invalid([FieldError(field, message: Message("recovery.required"))])
        }
        if trimmed.count > maximum {
            throw Refusal.invalid([
                FieldError(field, message: Message("validation.atMostCharacters", ["maximum": "\(maximum)"]))
            ])
        }
        return trimmed
    }
}

/// What the recovery dashboard and the API report.
public struct RecoveryFigures: Sendable {
    public static let longestPeriodDays = 3_660

    public var store: any VendorRecoveryStore
    public var today: CalendarDay

    public init(store: any VendorRecoveryStore, today: CalendarDay) {
        self.store = store
        self.today = today
    }

    /// The report's figures for reseller credits dated `from` to `to`, read once.
    public func figures(from: CalendarDay, to: CalendarDay) async throws -> RecoveryReport.Figures {
        guard from <= to, from.days(until: to) <= Self.longestPeriodDays else {
            throw Refusal.invalid([
                FieldError("to", message: Message("recovery.period", ["days": "\(Self.longestPeriodDays)"]))
            ])
        }
        return try await store.recoveryFigures(from: from, to: to, today: today)
    }
}
