import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The administrator's page for the rules: the policy in force per reason and per brand, a new
/// version with validation and an audit entry, and a what-if over recent lines before activating.
struct PolicyAdminController: RouteCollection {
    static let brandsPerPage = 50
    static let whatIfLineLimit = 200_000

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminPolicies, use: show)
        routes.post(PageRoute.adminPolicies, use: activate)
        routes.post(PageRoute.adminPoliciesWhatIf, use: whatIf)
        routes.post(PageRoute.adminBrand, use: updateBrand)
    }

    struct ReasonRow: Encodable {
        var id: String
        var label: String
        var fixedWindow: String?
        var window: String
        var min: String
        var max: String
        var keep: String
        var fee: String
        var images: String
        var target: String
        var error: String?
    }

    struct BrandRow: Encodable {
        var id: Int
        var name: String
        var doaDays: String
        var warrantyMonths: String
        var warrantyHandling: String
        var doaHandling: String
        var serviceCentre: String
    }

    struct VersionRow: Encodable {
        var version: Int
        var effectiveFrom: String
        var note: String
        var inForce: Bool
    }

    struct ChangeRow: Encodable {
        var label: String
        var allowedToRefused: Int
        var refusedToAllowed: Int
        /// A few lines whose decision changes: invoice, article and reseller.
        var examples: [String]
    }

    /// The question asked before a version is published: which version, from which day.
    struct Confirmation: Encodable {
        var question: String
    }

    struct Content: Encodable {
        var version: Int
        var reasons: [ReasonRow]
        var defaultWarrantyMonths: String
        var archiveAfterDays: String
        var cartWarningDays: String
        var transitGraceDays: String
        var doaStart: String
        var effectiveFrom: String
        var note: String
        var days: String
        var brands: [BrandRow]
        var versions: [VersionRow]
        var errors: [String: String]
        var errorList: [String]
        var notice: String?
        var whatIfLines: Int?
        var changes: [ChangeRow]
        var confirmation: Confirmation?
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func show(req: Request) async throws -> Response {
        let (version, policy) = try await PolicyStore.current(on: req.db, day: req.today)
        return try await render(req, version: version, fields: PolicyForm.fields(of: policy, language: req.language))
    }

    @Sendable func activate(req: Request) async throws -> Response {
        let admin = try req.requireUser()
        let fields = try req.content.decode([String: String].self)
        let (version, current) = try await PolicyStore.current(on: req.db, day: req.today)
        var draft: Policy?
        var formErrors: [FieldError] = []
        switch PolicyForm.parse(fields, base: current) {
        case .failure(let problems): formErrors = problems.errors
        case .success(let parsed): draft = parsed
        }
        let publish = PublishPolicy(
            store: req.rulesStore, actorID: try admin.requireID(), now: req.now, today: req.today)
        let effectiveFrom = fields["effectiveFrom"].flatMap { $0.trimmingWhitespace().isEmpty ? nil : $0 }
        do {
            guard fields["confirm"] == "1" else {
                // First the question, with what the version would change over recent lines on top.
                let checked = try publish.check(
                    draft, formErrors: formErrors, effectiveFrom: effectiveFrom, note: fields["note"])
                let days = Int((fields["days"] ?? "").trimmingWhitespace()).map { min(max($0, 1), 730) } ?? 30
                let result = try await simulate(req, current: current, draft: checked.policy, days: days)
                let next = try await PolicyQueries(database: req.db).nextVersion()
                let question = req.texts(
                    "admin.policy.confirmQuestion",
                    ["version": "\(next)", "date": req.language.format(checked.effectiveFrom)])
                return try await render(
                    req, version: version, fields: fields, whatIf: result,
                    confirmation: Confirmation(question: question))
            }
            let record = try await publish.run(
                draft, formErrors: formErrors, effectiveFrom: effectiveFrom, note: fields["note"])
            let (inForce, policy) = try await PolicyStore.current(on: req.db, day: req.today)
            let effectiveFrom = record.effectiveFrom
            return try await render(
                req, version: inForce, fields: PolicyForm.fields(of: policy, language: req.language),
                notice: req.texts(
                    "admin.policy.created",
                    ["version": "\(record.version)", "date": req.language.format(effectiveFrom)]))
        } catch let problem as Refusal where !problem.errors.isEmpty {
            return try await render(
                req, version: version, fields: fields, errors: problem.errors, status: .unprocessableEntity)
        }
    }

    @Sendable func whatIf(req: Request) async throws -> Response {
        let fields = try req.content.decode([String: String].self)
        let (version, current) = try await PolicyStore.current(on: req.db, day: req.today)
        var errors: [FieldError] = []
        let days = Int((fields["days"] ?? "").trimmingWhitespace())
        if days == nil || !(1...730).contains(days!) {
            errors.append(FieldError("days", message: Message("app.admin.choose1To730Days")))
        }
        switch PolicyForm.parse(fields, base: current) {
        case .failure(let problems):
            errors += problems.errors
        case .success(let draft):
            errors += draft.problems()
            if errors.isEmpty, let days {
                let result = try await simulate(req, current: current, draft: draft, days: days)
                return try await render(req, version: version, fields: fields, whatIf: result)
            }
        }
        return try await render(req, version: version, fields: fields, errors: errors, status: .unprocessableEntity)
    }

    /// The what-if over the lines of the last `days` days, with example lines named.
    private func simulate(_ req: Request, current: Policy, draft: Policy, days: Int) async throws -> WhatIfShown {
        let lines = try await LineFactsQuery.invoiced(
            since: req.today.adding(days: -days), limit: Self.whatIfLineLimit, on: req.db)
        let result = WhatIf.compare(lines.facts, current: current, draft: draft, today: req.today)
        let ids = result.changes.flatMap { $0.examples.map { lines.ids[$0] } }
        let named = try await LineFactsQuery.examples(ids, on: req.db)
        return WhatIfShown(result: result) { position in
            named[lines.ids[position]].map {
                req.texts(
                    "admin.policy.example",
                    [
                        "invoice": $0.invoice, "article": $0.article, "description": $0.description,
                        "company": $0.company,
                    ])
            } ?? ""
        }
    }

    struct WhatIfShown {
        var result: WhatIfResult
        var example: (Int) -> String
    }

    struct BrandForm: Codable {
        var doaDays: String?
        var warrantyMonths: String?
        var warrantyHandling: String?
        var doaHandling: String?
    }

    @Sendable func updateBrand(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        let form = try req.content.decode(BrandForm.self)
        let (version, policy) = try await PolicyStore.current(on: req.db, day: req.today)
        do {
            let brand = try await UpdateBrand(store: req.rulesStore, actorID: try req.requireUser().id, now: req.now)
                .run(
                    brandID: id,
                    .init(
                        doaDays: form.doaDays, warrantyMonths: form.warrantyMonths,
                        warrantyHandling: form.warrantyHandling, doaHandling: form.doaHandling))
            return try await render(
                req, version: version, fields: PolicyForm.fields(of: policy, language: req.language),
                notice: req.texts("admin.brand.updated", ["brand": brand.name]))
        } catch let problem as Refusal where !problem.errors.isEmpty {
            return try await render(
                req, version: version, fields: PolicyForm.fields(of: policy, language: req.language),
                errors: problem.errors,
                status: .unprocessableEntity)
        }
    }

    private func render(
        _ req: Request, version: Int, fields: [String: String], errors: [FieldError] = [], notice: String? = nil,
        whatIf: WhatIfShown? = nil, confirmation: Confirmation? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let language = req.language
        let t = req.texts
        let reasons = Reason.catalogue.map { reason -> ReasonRow in
            func value(_ field: String) -> String { fields[PolicyForm.fieldName(field, reason.id)] ?? "" }
            var fixed: String?
            if reason.id == .defect { fixed = t["admin.policy.window.warranty"] }
            if reason.id == .doa { fixed = t["admin.policy.window.brandDOA"] }
            let rowErrors = errors.filter {
                $0.field.hasSuffix("_" + reason.id.rawValue) || $0.field.hasPrefix("reasons.\(reason.id.rawValue).")
            }
            return ReasonRow(
                id: reason.id.rawValue, label: reason.label.text(t), fixedWindow: fixed,
                window: value("window"),
                min: value("min"), max: value("max"), keep: value("keep"), fee: value("fee"), images: value("images"),
                target: value("target"),
                error: rowErrors.isEmpty ? nil : rowErrors.map { $0.message.text(t) }.joined(separator: " "))
        }
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let brandPage = try await PolicyQueries(database: req.db).brands(
            page: PageRequest(page: page, per: Self.brandsPerPage))
        let brands = brandPage.items.map {
            BrandRow(
                id: $0.id ?? 0, name: $0.name, doaDays: $0.doaDays.map(String.init) ?? "",
                warrantyMonths: $0.warrantyMonths.map(String.init) ?? "",
                warrantyHandling: $0.warrantyHandling.rawValue,
                doaHandling: $0.doaHandling.rawValue, serviceCentre: $0.serviceCompany ?? "")
        }
        let versions = try await PolicyQueries(database: req.db).versions(limit: 20).map {
            VersionRow(
                version: $0.version,
                effectiveFrom: CalendarDay(iso: $0.effectiveFrom).map(language.format) ?? $0.effectiveFrom,
                note: $0.version == CreatePolicyVersions.standardVersion && $0.note == CreatePolicyVersions.standardNote
                    ? req.texts["admin.policy.standardNote"] : $0.note ?? "",
                inForce: $0.version == version)
        }
        var shownErrors: [String: String] = [:]
        for error in errors where shownErrors[error.field] == nil {
            shownErrors[error.field] = error.message.text(t)
        }
        let content = Content(
            version: version, reasons: reasons, defaultWarrantyMonths: fields["defaultWarrantyMonths"] ?? "",
            archiveAfterDays: fields["archiveAfterDays"] ?? "", cartWarningDays: fields["cartWarningDays"] ?? "",
            transitGraceDays: fields["transitGraceDays"] ?? "",
            doaStart: fields["doaStart"] ?? "", effectiveFrom: fields["effectiveFrom"] ?? req.today.iso,
            note: fields["note"] ?? "", days: fields["days"] ?? "30", brands: brands, versions: versions,
            errors: shownErrors, errorList: errors.map { $0.message.text(t) }, notice: notice,
            whatIfLines: whatIf?.result.lines,
            changes: whatIf.map { shown in
                shown.result.changes.map {
                    ChangeRow(
                        label: Reason.named($0.reason).label.text(t), allowedToRefused: $0.allowedToRefused,
                        refusedToAllowed: $0.refusedToAllowed, examples: $0.examples.map(shown.example))
                }
            } ?? [],
            confirmation: confirmation,
            previousPage: page > 1 ? SitePath.adminPolicies(page: page - 1).path : nil,
            nextPage: brandPage.metadata.pageCount > page ? SitePath.adminPolicies(page: page + 1).path : nil)
        return try await req.renderPage(
            "policies", title: t["admin.policy.title"], nav: "admin", content: content, status: status)
    }
}
