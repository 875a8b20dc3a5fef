import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `/admin/brands/{id}/vendor-returns`: what a manufacturer takes back, kept by the administrator,
/// with the history of its changes.
struct VendorTermsPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminVendorTerms, use: show)
        routes.post(PageRoute.adminVendorTerms, use: save)
    }

    struct Version: Encodable {
        var at: String
        var by: String
        var summary: String
    }

    struct Content: Encodable {
        var id: Int
        var brand: String
        var form: [String: String]
        var bases: [RecoveryPanel.Choice]
        var versions: [Version]
        var errors: [String: String]
        var notice: String?
    }

    private func brandID(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id").flatMap(Int.init), id > 0 else { throw Refusal.notFound() }
        return id
    }

    @Sendable func show(req: Request) async throws -> Response {
        let id = try brandID(req)
        let notice = req.query[String.self, at: "saved"] == "1" ? req.texts["recovery.terms.saved"] : nil
        return try await render(req, id: id, typed: nil, errors: [], notice: notice, status: .ok)
    }

    private func render(
        _ req: Request, id: Int, typed: [String: String]?, errors: [FieldError], notice: String?, status: HTTPStatus
    ) async throws -> Response {
        guard let current = try await req.vendorRecovery.brandTerms(brandID: id) else { throw Refusal.notFound() }
        let t = req.texts
        let form = typed ?? Self.form(current, req.language)
        let content = Content(
            id: id, brand: current.brand, form: form,
            bases: VendorReturnTerms.CreditBasis.allCases.map {
                RecoveryPanel.Choice(
                    value: $0.rawValue, label: Self.label(of: $0, t), selected: form["creditBasis"] == $0.rawValue)
            },
            versions: try await req.vendorRecovery.termsVersions(brandID: id, limit: 20).map {
                Version(
                    at: req.localTime($0.at), by: $0.by ?? "", summary: Self.summary($0.terms, $0.advanceReplacement, t)
                )
            },
            errors: Dictionary(errors.map { ($0.field, $0.message.text(t)) }, uniquingKeysWith: { first, _ in first }),
            notice: notice)
        return try await req.renderPage(
            "vendor-terms", title: t("recovery.terms.title", ["brand": current.brand]), nav: "admin", content: content,
            status: status)
    }

    static func label(of basis: VendorReturnTerms.CreditBasis, _ t: Translations) -> String {
        switch basis {
        case .purchasePrice: return t["recovery.terms.purchasePrice"]
        case .currentPrice: return t["recovery.terms.currentPrice"]
        }
    }

    static func summary(_ terms: VendorReturnTerms?, _ advance: Bool, _ t: Translations) -> String {
        var parts: [String] = []
        if let terms, terms.accepts {
            parts.append(
                t(
                    terms.withinDays == nil ? "recovery.terms.summary.always" : "recovery.terms.summary.within",
                    ["days": terms.withinDays.map(String.init) ?? "", "basis": label(of: terms.creditBasis, t)]))
            parts.append(
                Message("recovery.terms.summary.fee", ["fee": .percent(basisPoints: terms.handlingFeeBasisPoints)])
                    .text(t))
        } else {
            parts.append(t["recovery.terms.summary.none"])
        }
        if advance { parts.append(t["recovery.terms.summary.advance"]) }
        return parts.joined(separator: ", ")
    }

    /// The terms in the form's words: the fee as a percentage with the reader's decimal mark.
    static func form(_ current: BrandTerms, _ language: Language) -> [String: String] {
        let terms = current.terms
        let fee = terms.map { language.format(percent: $0.handlingFeeBasisPoints) }
        return [
            "accepts": terms?.accepts == true ? "1" : "", "withinDays": terms?.withinDays.map(String.init) ?? "",
            "creditBasis": terms?.creditBasis.rawValue ?? VendorReturnTerms.CreditBasis.purchasePrice.rawValue,
            "handlingFeePercent": fee ?? "0", "company": terms?.address?.company ?? "",
            "street": terms?.address?.street ?? "", "postcode": terms?.address?.postcode ?? "",
            "city": terms?.address?.city ?? "", "country": terms?.address?.country ?? "",
            "advanceReplacement": current.advanceReplacement ? "1" : "",
        ]
    }

    @Sendable func save(req: Request) async throws -> Response {
        let id = try brandID(req)
        var form = try req.content.decode([String: String].self)
        form["_csrf"] = nil
        var errors: [FieldError] = []
        let accepts = form["accepts"] == "1"
        let daysText = (form["withinDays"] ?? "").trimmingWhitespace()
        var withinDays: Int?
        if !daysText.isEmpty {
            withinDays = boundedField(daysText, "withinDays", in: VendorReturnTerms.withinDaysRange, errors: &errors)
        }
        // A percentage with at most two decimals reads like an amount: its hundredths are basis points.
        let feeText = (form["handlingFeePercent"] ?? "").trimmingWhitespace().replacingOccurrences(of: ",", with: ".")
        let fee = feeText.isEmpty ? Money.zero : Money(decimal: feeText)
        if fee == nil || !VendorReturnTerms.handlingFeeRange.contains(Int(fee?.cents ?? -1)) {
            errors.append(FieldError("handlingFeePercent", message: Message("recovery.terms.fee")))
        }
        let basis = VendorReturnTerms.CreditBasis(rawValue: form["creditBasis"] ?? "") ?? .purchasePrice
        let field = { (name: String) in (form[name] ?? "").trimmingWhitespace() }
        let addressGiven = ["company", "street", "postcode", "city"].contains { !field($0).isEmpty }
        let address =
            addressGiven
            ? VendorAddress(
                company: field("company"), street: field("street"), postcode: field("postcode"), city: field("city"),
                country: field("country").isEmpty ? "NL" : field("country").uppercased()) : nil
        let terms =
            accepts || addressGiven
            ? VendorReturnTerms(
                accepts: accepts, withinDays: withinDays, creditBasis: basis,
                handlingFeeBasisPoints: Int(fee?.cents ?? 0), address: address) : nil
        do {
            guard errors.isEmpty else { throw Refusal.invalid(errors) }
            try await ChangeVendorTerms(store: req.vendorRecovery, actorID: try req.requireUser().id, now: req.now)(
                brandID: id, terms: terms, advanceReplacement: form["advanceReplacement"] == "1")
        } catch let refusal as Refusal where refusal.kind == .invalid {
            return try await render(
                req, id: id, typed: form, errors: refusal.errors, notice: nil, status: .unprocessableEntity)
        }
        return req.redirect(to: .vendorTerms(brand: id, saved: true))
    }
}
