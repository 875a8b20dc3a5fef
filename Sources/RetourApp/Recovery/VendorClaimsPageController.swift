import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The agent's pages of vendor claims: the lists, one claim with its steps, its documents.
struct VendorClaimsPageController: RouteCollection {
    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.vendorClaims, use: list)
        routes.get(PageRoute.vendorClaim, use: detail)
        routes.post(PageRoute.vendorClaimSend, use: send)
        routes.post(PageRoute.vendorClaimCredit, use: credit)
        routes.post(PageRoute.vendorClaimWriteOff, use: writeOff)
        routes.get(PageRoute.vendorClaimPacket, use: packet)
        routes.get(PageRoute.vendorClaimPackingList, use: packingList)
    }

    struct ListRow: Encodable {
        var number: String
        var brand: String
        var status: String
        var statusLabel: String
        var units: Int
        var expected: String
        var received: String
        var ageDays: Int
        var opened: String
        var vendorRmaNumber: String
    }

    struct ListContent: Encodable {
        struct Tab: Encodable {
            var value: String
            var label: String
            var current: Bool
        }

        var tabs: [Tab]
        var rows: [ListRow]
        var previous: String?
        var next: String?
        var total: Int
    }

    static let perPage = 50

    static func row(_ claim: VendorClaim, _ req: Request) -> ListRow {
        let t = req.texts
        let language = req.language
        return ListRow(
            number: claim.number, brand: claim.brand, status: claim.status.rawValue,
            statusLabel: claim.status.label.text(t), units: claim.units.reduce(0) { $0 + $1.quantity },
            expected: language.format(claim.expectedCredit), received: language.format(claim.receivedCredit),
            ageDays: claim.ageDays, opened: language.format(claim.openedOn),
            vendorRmaNumber: claim.vendorRmaNumber ?? "")
    }

    @Sendable func list(req: Request) async throws -> Response {
        let t = req.texts
        let state = req.query[String.self, at: "state"].flatMap(VendorClaimList.init(rawValue:)) ?? .open
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let (claims, total) = try await req.vendorRecovery.claims(
            in: state, page: page, per: Self.perPage, today: req.today)
        let base = "\(PageRoute.vendorClaims.path())?state=\(state.rawValue)"
        let content = ListContent(
            tabs: VendorClaimList.allCases.map {
                ListContent.Tab(value: $0.rawValue, label: Self.label(of: $0, t), current: $0 == state)
            },
            rows: claims.map { Self.row($0, req) },
            previous: page > 1 ? base + "&page=\(page - 1)" : nil,
            next: page * Self.perPage < total ? base + "&page=\(page + 1)" : nil, total: total)
        return try await req.renderPage(
            "vendor-claims", title: t["vendorClaims.title"], nav: "recovery", content: content)
    }

    static func label(of list: VendorClaimList, _ t: Translations) -> String {
        switch list {
        case .open: return t["vendorClaims.tab.open"]
        case .sent: return t["vendorClaims.tab.sent"]
        case .settled: return t["vendorClaims.tab.settled"]
        }
    }

    struct DetailContent: Encodable {
        struct Unit: Encodable {
            var request: String
            var serial: String
            var quantity: Int
            var grade: String
            var expected: String
        }

        struct Credit: Encodable {
            var amount: String
            var reference: String
            var at: String
        }

        var claim: ListRow
        var address: String
        var sentOn: String
        var units: [Unit]
        var credits: [Credit]
        var outstanding: String
        var writeOffReason: String?
        var canSend: Bool
        var canCredit: Bool
        var canWriteOff: Bool
        var error: String?
        var typed: [String: String]
    }

    private func claim(_ req: Request) async throws -> VendorClaim {
        guard let number = req.parameters.get("number"), number.count <= 40,
            let claim = try await req.vendorRecovery.claim(number: number, today: req.today)
        else { throw Refusal.notFound() }
        return claim
    }

    @Sendable func detail(req: Request) async throws -> Response {
        try await render(req, try await claim(req))
    }

    private func render(
        _ req: Request, _ claim: VendorClaim, error: String? = nil, typed: [String: String] = [:],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let language = req.language
        let address = claim.vendorAddress.map {
            [$0.company, $0.street, "\($0.postcode) \($0.city)", $0.country].joined(separator: " · ")
        }
        let content = DetailContent(
            claim: Self.row(claim, req), address: address ?? "", sentOn: claim.sentOn.map(language.format) ?? "",
            units: claim.units.map {
                DetailContent.Unit(
                    request: $0.request, serial: $0.serial ?? "", quantity: $0.quantity,
                    grade: $0.grade?.rawValue.uppercased() ?? "", expected: language.format($0.expectedCredit))
            },
            credits: claim.credits.map {
                DetailContent.Credit(
                    amount: language.format($0.amount), reference: $0.reference, at: req.localTime($0.at))
            },
            outstanding: language.format(claim.outstanding), writeOffReason: claim.writeOffReason,
            canSend: claim.status == .open && !claim.units.isEmpty, canCredit: claim.status.awaitsCredit,
            canWriteOff: !claim.status.isClosed, error: error, typed: typed)
        return try await req.renderPage(
            "vendor-claim", title: claim.number, nav: "recovery", content: content, status: status)
    }

    struct StepForm: Content {
        var vendorRmaNumber: String?
        var amount: String?
        var reference: String?
        var reason: String?
    }

    /// Takes a step; a refusal shows the claim again with the message and what was typed.
    private func step(_ req: Request, _ work: (VendorClaimSteps, String, StepForm) async throws -> Void)
        async throws -> Response
    {
        let claim = try await claim(req)
        let form = try req.content.decode(StepForm.self)
        let steps = VendorClaimSteps(
            store: req.vendorRecovery, actorID: try req.requireUser().id, today: req.today, now: req.now)
        do {
            try await work(steps, claim.number, form)
        } catch let refusal as Refusal where refusal.kind == .invalid || refusal.kind == .conflict {
            let messages = refusal.errors.isEmpty ? [refusal.detail] : refusal.errors.map(\.message)
            let fresh = try await self.claim(req)
            return try await render(
                req, fresh, error: messages.map { $0.text(req.texts) }.joined(separator: " "),
                typed: [
                    "vendorRmaNumber": form.vendorRmaNumber ?? "", "amount": form.amount ?? "",
                    "reference": form.reference ?? "", "reason": form.reason ?? "",
                ], status: refusal.status)
        }
        return req.redirect(to: .vendorClaim(claim.number))
    }

    @Sendable func send(req: Request) async throws -> Response {
        try await step(req) { steps, number, form in
            _ = try await steps.send(number, vendorRmaNumber: form.vendorRmaNumber ?? "")
        }
    }

    @Sendable func credit(req: Request) async throws -> Response {
        try await step(req) { steps, number, form in
            let raw = (form.amount ?? "").trimmingWhitespace().replacingOccurrences(of: ",", with: ".")
            guard let amount = Money(decimal: raw) else {
                throw Refusal.invalid([FieldError("amount", message: Message("app.followup.enterAnAmountLike9891"))])
            }
            _ = try await steps.credit(number, amount: amount, reference: form.reference ?? "")
        }
    }

    @Sendable func writeOff(req: Request) async throws -> Response {
        try await step(req) { steps, number, form in
            _ = try await steps.writeOff(number, reason: form.reason ?? "")
        }
    }

    @Sendable func packet(req: Request) async throws -> Response {
        try await VendorClaimPacket.response(try await claim(req), req: req)
    }

    @Sendable func packingList(req: Request) async throws -> Response {
        let claim = try await claim(req)
        let data = try VendorClaimPacket.packingList(
            claim, texts: req.texts, returnAddress: try await Distributor.current(req.config, on: req.db).returnAddress)
        return Documents.response(data, filename: "\(claim.number)-packing-list.pdf")
    }
}
