import Fluent
import Foundation
import RetourCore

/// An administrator changes a brand's DOA days, warranty months and who handles its warranty and
/// DOA cases, with an audit entry — a use case. The numbers come as typed; empty means "none" (DOA)
/// or "the policy's default" (warranty).
struct UpdateBrand {
    var actor: User
    var now: Date

    struct Change {
        var doaDays: String?
        var warrantyMonths: String?
        var warrantyHandling: String?
        var doaHandling: String?
    }

    func run(brandID: Int, _ change: Change, on database: any Database) async throws -> Brand {
        guard let brand = try await Brand.find(brandID, on: database) else { throw Refusal.notFound() }
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
        if let warrantyHandling, let doaHandling, brand.serviceCompany == nil,
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
        let before = Self.summary(brand.doaDays, brand.warrantyMonths, brand.warrantyHandling, brand.doaHandling)
        brand.doaDays = doaDays
        brand.warrantyMonths = warrantyMonths
        brand.warrantyHandling = warrantyHandling.rawValue
        brand.doaHandling = doaHandling.rawValue
        let after = Self.summary(doaDays, warrantyMonths, warrantyHandling.rawValue, doaHandling.rawValue)
        let actorID = actor.id
        let now = now
        try await database.writeTransaction { db in
            try await brand.save(on: db)
            try await AuditEvent(
                at: now, actorID: actorID, action: "brand.update", subject: "brand \(brand.name)",
                detail: "\(before) → \(after)"
            ).create(on: db)
        }
        return brand
    }

    private static func summary(_ doa: Int?, _ warranty: Int?, _ warrantyHandling: String, _ doaHandling: String)
        -> String
    {
        "doa \(doa.map(String.init) ?? "none"), warranty \(warranty.map(String.init) ?? "default"), "
            + "\(warrantyHandling)/\(doaHandling)"
    }
}
