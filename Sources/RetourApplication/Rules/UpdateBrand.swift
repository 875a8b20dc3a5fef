import Foundation
import RetourCore

/// An administrator changes a brand's DOA days, warranty months and who handles its warranty and
/// DOA cases, with an audit entry — a use case. The numbers come as typed; empty means "none" (DOA)
/// or "the policy's default" (warranty).
public struct UpdateBrand: Sendable {
    public var store: any RulesStore
    public var actorID: Int?
    public var now: Date

    public struct Change: Sendable {
        public var doaDays: String?
        public var warrantyMonths: String?
        public var warrantyHandling: String?
        public var doaHandling: String?

        public init(doaDays: String?, warrantyMonths: String?, warrantyHandling: String?, doaHandling: String?) {
            self.doaDays = doaDays
            self.warrantyMonths = warrantyMonths
            self.warrantyHandling = warrantyHandling
            self.doaHandling = doaHandling
        }
    }

    public init(store: any RulesStore, actorID: Int?, now: Date) {
        self.store = store
        self.actorID = actorID
        self.now = now
    }

    /// The brand as it is now; the row stays locked from reading it to writing it, so two
    /// administrators at once never write over what the other decided on.
    public func run(brandID: Int, _ change: Change) async throws -> BrandSettings {
        let (actorID, now) = (actorID, now)
        return try await store.transaction { work in
            guard let brand = try await work.lockBrand(brandID) else { throw Refusal.notFound() }
            let changed = try Self.apply(change, to: brand)
            try await work.setBrand(changed)
            try await work.audit(
                AuditEntry(
                    at: now, actorID: actorID, action: "brand.update", subject: "brand \(brand.name)",
                    detail: "\(Self.summary(brand)) → \(Self.summary(changed))"))
            return changed
        }
    }

    /// The brand with `change` applied, or every problem with it at once.
    static func apply(_ change: Change, to brand: BrandSettings) throws -> BrandSettings {
        var errors: [FieldError] = []
        func optionalNumber(_ raw: String?, _ field: String, _ range: ClosedRange<Int>) -> Int?? {
            let text = (raw ?? "").trimmingWhitespace()
            if text.isEmpty { return .some(nil) }
            guard let value = Int(text), range.contains(value) else {
                errors.append(
                    FieldError(
                        "brand.\(field)",
                        message: Message(
                            "app.admin.enterToOrLeaveEmpty",
                            [
                                "name": "\(brand.name)", "lowerBound": "\(range.lowerBound)",
                                "upperBound": "\(range.upperBound)",
                            ])))
                return nil
            }
            return .some(value)
        }
        let doaDays = optionalNumber(change.doaDays, "doaDays", BrandRecord.doaDaysRange)
        let warrantyMonths = optionalNumber(change.warrantyMonths, "warrantyMonths", BrandRecord.warrantyMonthsRange)
        let warrantyHandling = Handling(rawValue: change.warrantyHandling ?? "")
        let doaHandling = Handling(rawValue: change.doaHandling ?? "")
        if warrantyHandling == nil || doaHandling == nil {
            errors.append(FieldError("brand.handling", message: Message("app.admin.chooseCreditOrDirectService")))
        }
        if let warrantyHandling, let doaHandling, !brand.hasServiceCentre,
            BrandRecord.needsServiceCentre(warranty: warrantyHandling, doa: doaHandling)
        {
            errors.append(
                FieldError(
                    "brand.handling", message: Message("app.admin.hasNoServiceCentreLoadOne", ["name": "\(brand.name)"])
                ))
        }
        guard errors.isEmpty, let doaDays, let warrantyMonths, let warrantyHandling, let doaHandling else {
            throw Refusal.invalid(errors)
        }
        var changed = brand
        changed.doaDays = doaDays
        changed.warrantyMonths = warrantyMonths
        changed.warrantyHandling = warrantyHandling
        changed.doaHandling = doaHandling
        return changed
    }

    private static func summary(_ brand: BrandSettings) -> String {
        "doa \(brand.doaDays.map(String.init) ?? "none"), warranty \(brand.warrantyMonths.map(String.init) ?? "default"), "
            + "\(brand.warrantyHandling.rawValue)/\(brand.doaHandling.rawValue)"
    }
}
