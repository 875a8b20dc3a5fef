import Fluent
import RetourApplication
import RetourCore
import Vapor

/// One reason for one line, as the API contract names its fields.
struct ReasonView: Content {
    struct Offer: Content {
        var normalPrice: String
        var unitPrice: String
    }

    var id: String
    var label: String
    var category: String
    var enabled: Bool
    var explanation: String?
    var deadline: String?
    var outcome: String
    var shipsDirectly: Bool
    var handling: String
    var serviceCentre: ServiceCentre?
    var keepOffer: Offer?
    var help: String
    var alternative: String?
    /// The reseller may ask for a replacement ahead of the return (defect and DOA of a brand that
    /// offers it, for a company that may use it).
    var advanceReplacement: Bool
}

struct ReasonsAnswer: Content {
    var line: Int
    var policyVersion: Int
    var reasons: [ReasonView]
}

extension ServiceCentre: Content {}

/// Which reasons a line allows today, and why not the others: the core's verdicts, typed. The API
/// and the search row's fragment are two adapters over it.
struct LineReasons {
    var line: Int
    var policyVersion: Int
    var policy: Policy
    var verdicts: [Verdict]
    var replacement: ReplacementOfferQuery.Terms

    static func evaluate(lineID: Int, for user: User, today: CalendarDay, on db: any Database) async throws
        -> LineReasons
    {
        guard var facts = try await LineFactsQuery.line(lineID, scope: try user.companyScope(), on: db) else {
            throw Refusal.notFound()
        }
        // What requests hold, and for a reseller what their own cart holds (rulebook §4.6).
        var claims = try await LineClaims.requests(onLine: lineID, on: db)
        if user.role.belongsToCompany {
            claims = claims + (try await LineClaims.cart(of: try user.requireID(), onLine: lineID, on: db))
        }
        facts.hold(claims)
        let (version, policy) = try await PolicyStore.current(on: db, day: today)
        return LineReasons(
            line: lineID, policyVersion: version, policy: policy,
            verdicts: Eligibility.evaluate(facts, policy: policy, today: today),
            replacement: try await ReplacementOfferQuery.terms(onLine: lineID, on: db))
    }

    /// The reason's help with its rules as the manual states them (issue 11, item 4).
    func help(of reason: Reason, _ t: Translations) -> String {
        ([reason.help] + RuleSentences.of(reason.id, policy: policy)).map { $0.text(t) }.joined(separator: " ")
    }

    /// The API's answer.
    func answer(_ t: Translations) -> ReasonsAnswer {
        let views = verdicts.map { verdict -> ReasonView in
            let reason = Reason.named(verdict.reason)
            return ReasonView(
                id: reason.id.rawValue, label: reason.label.text(t),
                category: reason.category.label.text(t), enabled: verdict.enabled,
                explanation: verdict.explanation?.text(t), deadline: verdict.deadline?.iso,
                outcome: reason.outcome.rawValue, shipsDirectly: reason.shipsDirectly,
                handling: verdict.handling.rawValue,
                serviceCentre: verdict.serviceCentre,
                keepOffer: verdict.keepOffer.map {
                    ReasonView.Offer(normalPrice: $0.normalPrice.decimalString, unitPrice: $0.unitPrice.decimalString)
                },
                help: help(of: reason, t),
                alternative: verdict.alternative?.rawValue,
                advanceReplacement: AdvanceReplacement.offered(
                    reason: reason.id, brandOffers: replacement.brandOffers, companyMayUse: replacement.companyMayUse))
        }
        return ReasonsAnswer(line: line, policyVersion: policyVersion, reasons: views)
    }
}

/// `GET /api/v1/lines/{id}/reasons`.
struct ReasonsAPIController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(APIRoute.lineReasons, use: reasons)
    }

    @Sendable func reasons(req: Request) async throws -> ReasonsAnswer {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        return try await LineReasons.evaluate(lineID: id, for: user, today: req.today, on: req.db).answer(req.texts)
    }
}

/// The reason list of one search row, loaded when the row is opened (not for every row up front:
/// each costs a rule evaluation, and fourteen options per row would bloat the page).
struct ReasonsFragmentController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.lineReasons, use: fragment)
    }

    struct Item: Encodable {
        var id: String
        var label: String
        var category: String
        var enabled: Bool
        var note: String
    }

    @Sendable func fragment(req: Request) async throws -> Response {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        let reasons = try await LineReasons.evaluate(lineID: id, for: user, today: req.today, on: req.db)
        let t = req.texts
        let items = reasons.verdicts.map { verdict -> Item in
            let reason = Reason.named(verdict.reason)
            var note = verdict.explanation?.text(t) ?? reasons.help(of: reason, t)
            if verdict.enabled, let deadline = verdict.deadline {
                note += " " + t("reasons.until", ["date": t.language.format(deadline)])
            }
            if verdict.enabled, let centre = verdict.serviceCentre {
                note += " " + t("reasons.directService", ["company": centre.company])
            }
            return Item(
                id: reason.id.rawValue, label: reason.label.text(t), category: reason.category.label.text(t),
                enabled: verdict.enabled, note: note)
        }
        struct Fragment: Encodable {
            var line: Int
            var items: [Item]
            /// Resellers go from an open reason to its form; the distributor's staff only look.
            var canRegister: Bool
        }
        let view = try await req.view.render(
            "reasons",
            Fragment(
                line: id, items: items,
                canRegister: user.registersReturns))
        let response = try await view.encodeResponse(for: req)
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        return response
    }
}

extension ReasonView {
    enum CodingKeys: String, CodingKey {
        case id, label, category, enabled, explanation, deadline, outcome, shipsDirectly, handling, serviceCentre,
            keepOffer, help, alternative, advanceReplacement
    }

    /// Writes absent values as `null`: the contract names every field, present or not.
    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(label, forKey: .label)
        try container.encode(category, forKey: .category)
        try container.encode(enabled, forKey: .enabled)
        try container.encode(explanation, forKey: .explanation)
        try container.encode(deadline, forKey: .deadline)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(shipsDirectly, forKey: .shipsDirectly)
        try container.encode(handling, forKey: .handling)
        try container.encode(serviceCentre, forKey: .serviceCentre)
        try container.encode(keepOffer, forKey: .keepOffer)
        try container.encode(help, forKey: .help)
        try container.encode(alternative, forKey: .alternative)
        try container.encode(advanceReplacement, forKey: .advanceReplacement)
    }
}
