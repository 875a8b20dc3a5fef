import Foundation
import RetourCore

/// What the agent sees of a request's units on its page: what may go back to the vendor and what
/// that would recover (before crediting the reseller), and per unit the stored or proposed
/// disposition.
public struct DispositionForm: Sendable, Hashable {
    public struct Row: Sendable, Hashable {
        public var serial: String?
        public var quantity: Int
        public var disposition: Disposition
        public var grade: Grade?
        public var note: String?
        /// The vendor claim it is in, if any.
        public var claim: String?
        /// Sent to the vendor: shown, no longer changed.
        public var locked: Bool
        /// Not stored yet: what the rules propose.
        public var proposed: Bool
    }

    /// Whether the manufacturer takes the goods back, and what it would pay.
    public struct Exposure: Sendable, Hashable {
        public var brand: String
        public var refusal: VendorReturnRefusal?
        /// The last day a unit may be marked for the vendor; nil: no limit (or no rights).
        public var lastDay: CalendarDay?
        /// What the vendor would pay for the request's units, when it takes them.
        public var recoverable: Money?
        public var address: VendorAddress?
    }

    public var exposure: Exposure
    /// nil until goods were received.
    public var rows: [Row]?
    public var choices: [Disposition]

    public static func make(_ subject: DispositionSubject, today: CalendarDay) -> DispositionForm {
        let terms = subject.terms
        let refusal = terms.refusal(invoiceDate: subject.invoiceDate, markedOn: today)
        let quantity = subject.receivedQuantity.map { min($0, subject.requestedQuantity) } ?? subject.requestedQuantity
        let exposure = Exposure(
            brand: subject.brandName, refusal: refusal,
            lastDay: terms.accepts ? terms.withinDays.map { subject.invoiceDate.adding(days: $0) } : nil,
            recoverable: refusal == nil ? try? terms.expectedCredit(prices: subject.prices, quantity: quantity) : nil,
            address: terms.address)
        let choices = Disposition.allCases.filter { $0 != .returnToVendor || refusal == nil }
        guard let received = subject.receivedQuantity else {
            return DispositionForm(exposure: exposure, rows: nil, choices: choices)
        }
        var rows = subject.units.map { unit in
            Row(
                serial: unit.serial, quantity: unit.quantity, disposition: unit.disposition, grade: unit.grade,
                note: unit.note, claim: unit.claimNumber, locked: unit.isLocked, proposed: false)
        }
        let proposal = DispositionRules.propose(
            reason: subject.reason, condition: subject.receivedCondition, vendorTakesIt: refusal == nil)
        let grade = DispositionRules.proposedGrade(reason: subject.reason, condition: subject.receivedCondition)
        if !subject.receivedSerials.isEmpty {
            let covered = Set(rows.compactMap(\.serial))
            for serial in subject.receivedSerials where !covered.contains(serial) {
                rows.append(
                    Row(
                        serial: serial, quantity: 1, disposition: proposal, grade: grade, note: nil, claim: nil,
                        locked: false, proposed: true))
            }
        } else if rows.isEmpty && received > 0 {
            rows.append(
                Row(
                    serial: nil, quantity: received, disposition: proposal, grade: grade, note: nil, claim: nil,
                    locked: false, proposed: true))
        }
        return DispositionForm(exposure: exposure, rows: rows, choices: choices)
    }
}
