import Foundation
import RetourCore

/// The agent says what becomes of a request's units, from goods receipt until their vendor claim is
/// sent. Units marked for the vendor join the brand's open claim with the credit the vendor owes.
public struct RecordDisposition: Sendable {
    public struct UnitInput: Sendable, Hashable {
        public var serial: String?
        public var quantity: Int
        public var disposition: Disposition
        public var grade: Grade?
        public var note: String?

        public init(serial: String?, quantity: Int, disposition: Disposition, grade: Grade?, note: String?) {
            self.serial = serial
            self.quantity = quantity
            self.disposition = disposition
            self.grade = grade
            self.note = note
        }
    }

    public static let maximumUnits = 1_000
    public static let maximumNote = 500

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

    /// Replaces the units of request `number` that are not yet with the vendor by `units`.
    @discardableResult
    public func callAsFunction(request number: String, units: [UnitInput]) async throws -> [StoredUnit] {
        guard (1...Self.maximumUnits).contains(units.count) else {
            throw Refusal.invalid([
                FieldError("units", message: Message("recovery.unitsCount", ["maximum": "\(Self.maximumUnits)"]))
            ])
        }
        for unit in units { try Refusal.refuseUnstorable(unit.serial, unit.note) }
        let (today, now, actorID) = (self.today, self.now, self.actorID)
        try await store.transaction { work in
            guard let subject = try await work.lockSubject(requestNumber: number) else { throw Refusal.notFound() }
            guard let received = subject.receivedQuantity else {
                throw Refusal(.conflict, detail: Message("recovery.notReceived", ["number": .text(number)]))
            }
            let locked = subject.units.filter(\.isLocked)
            let newUnits = try Self.check(units, for: subject, received: received, locked: locked, today: today)
            var claimID: Int?
            if newUnits.contains(where: { $0.disposition == .returnToVendor }) {
                claimID = try await work.openClaim(brandID: subject.brandID, today: today, now: now)
            }
            try await work.replaceUnits(
                ofRequest: subject.requestID, keeping: Set(locked.map(\.id)),
                with: newUnits.map { unit in
                    var unit = unit
                    if unit.disposition == .returnToVendor { unit.claimID = claimID }
                    return unit
                })
            try await work.dropEmptyOpenClaims(brandID: subject.brandID)
            let summary = newUnits.map { "\($0.serial ?? "×\($0.quantity)") \($0.disposition.rawValue)" }
            try await work.audit(
                "disposition.record", subject: "request \(number)", detail: summary.joined(separator: ", "),
                actorID: actorID, at: now)
        }
        return try await store.dispositions(ofRequest: number) ?? []
    }

    /// The units to store, each checked against what arrived and against the vendor's terms.
    static func check(
        _ units: [UnitInput], for subject: DispositionSubject, received: Int, locked: [StoredUnit], today: CalendarDay
    ) throws -> [NewUnit] {
        var errors: [FieldError] = []
        let knownSerials = Set(subject.receivedSerials.isEmpty ? subject.requestedSerials : subject.receivedSerials)
        let lockedSerials = Dictionary(
            locked.compactMap { unit in unit.serial.map { ($0, unit.claimNumber ?? "") } },
            uniquingKeysWith: { first, _ in first })
        var seen: Set<String> = []
        var result: [NewUnit] = []
        for (index, input) in units.enumerated() {
            let at = "units/\(index)"
            let serial = input.serial?.trimmingCharacters(in: .whitespaces)
            if let serial, !serial.isEmpty {
                if input.quantity != 1 {
                    errors.append(FieldError(at + "/quantity", message: Message("recovery.serialIsOneUnit")))
                }
                if let claim = lockedSerials[serial] {
                    throw Refusal(
                        .conflict,
                        detail: Message("recovery.unitWithVendor", ["serial": .text(serial), "claim": .text(claim)]))
                }
                if !knownSerials.contains(serial) {
                    errors.append(
                        FieldError(
                            at + "/serial", message: Message("recovery.unknownSerial", ["serial": .text(serial)])))
                }
                if !seen.insert(serial).inserted {
                    errors.append(
                        FieldError(at + "/serial", message: Message("recovery.serialTwice", ["serial": .text(serial)])))
                }
            } else if !(1...Limits.quantity.upperBound).contains(input.quantity) {
                errors.append(
                    FieldError(
                        at + "/quantity",
                        message: Message("recovery.quantityRange", ["maximum": "\(Limits.quantity.upperBound)"])))
            }
            if let note = input.note, note.count > Self.maximumNote {
                errors.append(
                    FieldError(
                        at + "/note",
                        message: Message("validation.atMostCharacters", ["maximum": "\(Self.maximumNote)"])))
            }
            var markedOn = today
            var expected: Money?
            if input.disposition == .returnToVendor {
                // Marked before and still marked so: the window was judged on that day.
                if let earlier = subject.units.first(where: {
                    !$0.isLocked && $0.disposition == .returnToVendor
                        && $0.serial == (serial?.isEmpty == false ? serial : nil)
                }) {
                    markedOn = earlier.markedOn
                }
                if let refusal = subject.terms.refusal(invoiceDate: subject.invoiceDate, markedOn: markedOn) {
                    errors.append(FieldError(at + "/disposition", message: refusal.message(brand: subject.brandName)))
                } else {
                    do {
                        expected = try subject.terms.expectedCredit(prices: subject.prices, quantity: input.quantity)
                    } catch {
                        errors.append(FieldError(at + "/quantity", message: Message("recovery.amountTooLarge")))
                    }
                }
            }
            let note = input.note?.trimmingCharacters(in: .whitespacesAndNewlines)
            result.append(
                NewUnit(
                    serial: serial?.isEmpty == false ? serial : nil, quantity: input.quantity,
                    disposition: input.disposition, grade: input.grade, note: note?.isEmpty == false ? note : nil,
                    markedOn: markedOn, expectedCredit: expected, claimID: nil))
        }
        let total = result.reduce(0) { $0 + $1.quantity } + locked.reduce(0) { $0 + $1.quantity }
        if errors.isEmpty && total > received {
            errors.append(
                FieldError(
                    "units",
                    message: Message("recovery.moreThanReceived", ["total": "\(total)", "received": "\(received)"])
                ))
        }
        guard errors.isEmpty else {
            let rule = errors.first { $0.field.hasSuffix("/disposition") }
            throw Refusal(.invalid, detail: rule?.message ?? Message("app.api.theInputIsNotValid"), errors: errors)
        }
        return result
    }
}
