import Foundation
import RetourCore

/// What the vendor-recovery use cases need from storage. The only code that reads or writes the
/// tables behind it is its implementation; the use cases see these protocols.
public protocol VendorRecoveryStore: Sendable {
    /// Runs `work` in one write transaction: everything it locks stays locked until it returns,
    /// and nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any VendorRecoveryWork) async throws -> T)
        async throws -> T

    func claims(in list: VendorClaimList?, page: Int, per: Int, today: CalendarDay) async throws -> (
        claims: [VendorClaim], total: Int
    )
    func claim(number: String, today: CalendarDay) async throws -> VendorClaim?
    func dispositions(ofRequest number: String) async throws -> [StoredUnit]?
    func brandTerms(brandID: Int) async throws -> BrandTerms?
    /// The newest versions first.
    func termsVersions(brandID: Int, limit: Int) async throws -> [TermsVersion]
    /// The request with what its units' disposition depends on, read without a lock (for a page).
    func subject(requestNumber: String) async throws -> DispositionSubject?
    /// The report's inputs for reseller credits dated `from` to `to`.
    func recoveryFigures(from: CalendarDay, to: CalendarDay, today: CalendarDay) async throws -> RecoveryReport.Figures
}

/// The steps a use case takes inside one transaction of `VendorRecoveryStore`.
public protocol VendorRecoveryWork: Sendable {
    /// The request with everything its units' disposition is decided on, its row locked.
    func lockSubject(requestNumber: String) async throws -> DispositionSubject?
    /// Replaces the request's units that are not in `keeping` by `units`.
    func replaceUnits(ofRequest requestID: Int, keeping: Set<Int>, with units: [NewUnit]) async throws
    /// The brand's open claim (created if there is none), its brand locked so that two agents
    /// never open two.
    func openClaim(brandID: Int, today: CalendarDay, now: Date) async throws -> Int
    /// Removes the brand's open claims that hold no unit any more.
    func dropEmptyOpenClaims(brandID: Int) async throws
    func lockClaim(number: String, today: CalendarDay) async throws -> VendorClaim?
    func markSent(claimNumber: String, vendorRmaNumber: String, on day: CalendarDay) async throws
    func addCredit(
        claimNumber: String, amount: Money, reference: String, status: VendorClaimStatus, at: Date, by actorID: Int?)
        async throws
    func writeOff(claimNumber: String, reason: String, at: Date) async throws
    func lockBrandTerms(brandID: Int) async throws -> BrandTerms?
    /// Puts `terms` in force for the brand and keeps them as a new version.
    func saveBrandTerms(brandID: Int, terms: VendorReturnTerms?, advanceReplacement: Bool, at: Date, by actorID: Int?)
        async throws
    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws
    /// Tells the distributor's systems (the event feed and webhooks), last in the transaction.
    func announce(_ event: VendorClaimEvent, claimNumber: String, today: CalendarDay, at: Date) async throws
}

public enum VendorClaimEvent: String, Sendable, CaseIterable {
    case sent = "vendor_claim.sent"
    case credited = "vendor_claim.credited"
    case settled = "vendor_claim.settled"
}

/// A received request as far as the disposition of its units depends on it.
public struct DispositionSubject: Sendable {
    public var requestID: Int
    public var number: String
    public var reason: ReasonID
    public var requestedSerials: [String]
    public var requestedQuantity: Int
    public var receivedQuantity: Int?
    public var receivedSerials: [String]
    public var receivedCondition: ReceiptCondition?
    public var brandID: Int
    public var brandName: String
    public var terms: VendorReturnTerms
    public var invoiceDate: CalendarDay
    public var prices: UnitPrices
    public var units: [StoredUnit]

    public init(
        requestID: Int, number: String, reason: ReasonID, requestedSerials: [String], requestedQuantity: Int,
        receivedQuantity: Int?, receivedSerials: [String], receivedCondition: ReceiptCondition?, brandID: Int,
        brandName: String, terms: VendorReturnTerms, invoiceDate: CalendarDay, prices: UnitPrices, units: [StoredUnit]
    ) {
        self.requestID = requestID
        self.number = number
        self.reason = reason
        self.requestedSerials = requestedSerials
        self.requestedQuantity = requestedQuantity
        self.receivedQuantity = receivedQuantity
        self.receivedSerials = receivedSerials
        self.receivedCondition = receivedCondition
        self.brandID = brandID
        self.brandName = brandName
        self.terms = terms
        self.invoiceDate = invoiceDate
        self.prices = prices
        self.units = units
    }
}

/// A unit's disposition as stored.
public struct StoredUnit: Sendable, Hashable {
    public var id: Int
    public var serial: String?
    public var quantity: Int
    public var disposition: Disposition
    public var grade: Grade?
    public var note: String?
    public var markedOn: CalendarDay
    public var expectedCredit: Money?
    public var claimNumber: String?
    public var claimStatus: VendorClaimStatus?

    public init(
        id: Int, serial: String?, quantity: Int, disposition: Disposition, grade: Grade?, note: String?,
        markedOn: CalendarDay, expectedCredit: Money?, claimNumber: String?, claimStatus: VendorClaimStatus?
    ) {
        self.id = id
        self.serial = serial
        self.quantity = quantity
        self.disposition = disposition
        self.grade = grade
        self.note = note
        self.markedOn = markedOn
        self.expectedCredit = expectedCredit
        self.claimNumber = claimNumber
        self.claimStatus = claimStatus
    }

    /// Sent to the vendor (or closed): the disposition is history.
    public var isLocked: Bool { claimStatus.map { !$0.collects } ?? false }
}

/// A unit's disposition to store.
public struct NewUnit: Sendable, Hashable {
    public var serial: String?
    public var quantity: Int
    public var disposition: Disposition
    public var grade: Grade?
    public var note: String?
    public var markedOn: CalendarDay
    public var expectedCredit: Money?
    /// The open claim it joins (return to vendor only).
    public var claimID: Int?

    public init(
        serial: String?, quantity: Int, disposition: Disposition, grade: Grade?, note: String?,
        markedOn: CalendarDay, expectedCredit: Money?, claimID: Int?
    ) {
        self.serial = serial
        self.quantity = quantity
        self.disposition = disposition
        self.grade = grade
        self.note = note
        self.markedOn = markedOn
        self.expectedCredit = expectedCredit
        self.claimID = claimID
    }
}

/// A claim to a manufacturer for the units it takes back.
public struct VendorClaim: Sendable, Hashable {
    public struct Unit: Sendable, Hashable {
        public var request: String
        public var serial: String?
        public var quantity: Int
        public var disposition: Disposition
        public var grade: Grade?
        public var expectedCredit: Money

        public init(
            request: String, serial: String?, quantity: Int, disposition: Disposition, grade: Grade?,
            expectedCredit: Money
        ) {
            self.request = request
            self.serial = serial
            self.quantity = quantity
            self.disposition = disposition
            self.grade = grade
            self.expectedCredit = expectedCredit
        }
    }

    public struct Credit: Sendable, Hashable {
        public var amount: Money
        public var reference: String
        public var at: Date

        public init(amount: Money, reference: String, at: Date) {
            self.amount = amount
            self.reference = reference
            self.at = at
        }
    }

    public var number: String
    public var brand: String
    public var status: VendorClaimStatus
    public var units: [Unit]
    public var vendorRmaNumber: String?
    public var openedOn: CalendarDay
    public var sentOn: CalendarDay?
    public var credits: [Credit]
    public var writeOffReason: String?
    public var vendorAddress: VendorAddress?
    public var ageDays: Int

    public init(
        number: String, brand: String, status: VendorClaimStatus, units: [Unit], vendorRmaNumber: String?,
        openedOn: CalendarDay, sentOn: CalendarDay?, credits: [Credit], writeOffReason: String?,
        vendorAddress: VendorAddress?, ageDays: Int
    ) {
        self.number = number
        self.brand = brand
        self.status = status
        self.units = units
        self.vendorRmaNumber = vendorRmaNumber
        self.openedOn = openedOn
        self.sentOn = sentOn
        self.credits = credits
        self.writeOffReason = writeOffReason
        self.vendorAddress = vendorAddress
        self.ageDays = ageDays
    }

    public var expectedCredit: Money { Money(cents: units.reduce(0) { $0 + $1.expectedCredit.cents }) }
    public var receivedCredit: Money { Money(cents: credits.reduce(0) { $0 + $1.amount.cents }) }
    /// What the vendor still owes, while it owes anything.
    public var outstanding: Money {
        status.isClosed ? .zero : Money(cents: max(0, expectedCredit.cents - receivedCredit.cents))
    }
}
