import Foundation
import RetourCore

/// A brand's return terms as the administrator keeps them, with their history.
public struct BrandTerms: Sendable, Hashable {
    public var brandID: Int
    public var brand: String
    /// nil: the manufacturer takes nothing back.
    public var terms: VendorReturnTerms?
    public var advanceReplacement: Bool

    public init(brandID: Int, brand: String, terms: VendorReturnTerms?, advanceReplacement: Bool) {
        self.brandID = brandID
        self.brand = brand
        self.terms = terms
        self.advanceReplacement = advanceReplacement
    }
}

/// One earlier state of a brand's terms: what they became, when and by whom.
public struct TermsVersion: Sendable, Hashable {
    public var terms: VendorReturnTerms?
    public var advanceReplacement: Bool
    public var at: Date
    public var by: String?

    public init(terms: VendorReturnTerms?, advanceReplacement: Bool, at: Date, by: String?) {
        self.terms = terms
        self.advanceReplacement = advanceReplacement
        self.at = at
        self.by = by
    }
}

/// An administrator changes what a manufacturer takes back. Each change is a new version (the
/// brand row holds the one in force) and an audit entry; saving the same terms again changes nothing.
public struct ChangeVendorTerms: Sendable {
    public var store: any VendorRecoveryStore
    public var actorID: Int?
    public var now: Date

    public init(store: any VendorRecoveryStore, actorID: Int?, now: Date) {
        self.store = store
        self.actorID = actorID
        self.now = now
    }

    /// Returns whether anything changed.
    @discardableResult
    public func callAsFunction(brandID: Int, terms: VendorReturnTerms?, advanceReplacement: Bool) async throws -> Bool {
        if let terms {
            try Refusal.refuseUnstorable(
                terms.address?.company, terms.address?.street, terms.address?.postcode, terms.address?.city,
                terms.address?.country)
            try Self.check(terms)
        }
        let (actorID, now) = (self.actorID, self.now)
        return try await store.transaction { work in
            guard let current = try await work.lockBrandTerms(brandID: brandID) else { throw Refusal.notFound() }
            guard current.terms != terms || current.advanceReplacement != advanceReplacement else { return false }
            try await work.saveBrandTerms(
                brandID: brandID, terms: terms, advanceReplacement: advanceReplacement, at: now, by: actorID)
            try await work.audit(
                "brand.vendor_returns", subject: "brand \(current.brand)",
                detail:
                    "\(Self.summary(current.terms, current.advanceReplacement)) → \(Self.summary(terms, advanceReplacement))",
                actorID: actorID, at: now)
            return true
        }
    }

    static func check(_ terms: VendorReturnTerms) throws {
        var errors: [FieldError] = []
        if let days = terms.withinDays, !VendorReturnTerms.withinDaysRange.contains(days) {
            errors.append(
                FieldError(
                    "withinDays",
                    message: Message(
                        "recovery.terms.days", ["maximum": "\(VendorReturnTerms.withinDaysRange.upperBound)"])
                ))
        }
        if !VendorReturnTerms.handlingFeeRange.contains(terms.handlingFeeBasisPoints) {
            errors.append(FieldError("handlingFeePercent", message: Message("recovery.terms.fee")))
        }
        if let address = terms.address,
            [address.company, address.street, address.postcode, address.city].contains(where: \.isEmpty)
        {
            errors.append(FieldError("address", message: Message("recovery.terms.address")))
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
    }

    static func summary(_ terms: VendorReturnTerms?, _ advance: Bool) -> String {
        guard let terms, terms.accepts else { return "no returns" + (advance ? ", advance replacement" : "") }
        return "returns \(terms.withinDays.map { "within \($0) days" } ?? "always"), "
            + "\(terms.creditBasis.rawValue) less \(terms.handlingFeeBasisPoints) bp"
            + (advance ? ", advance replacement" : "")
    }
}
