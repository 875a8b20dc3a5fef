import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Vendor recovery through the API, for agents and administrators: dispositions, vendor claims and
/// the recovery report. Each handler turns the body into a typed command and the result into JSON.
struct VendorRecoveryAPIController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let staff = routes.backOffice
        staff.post(APIRoute.requestDisposition, use: disposition)
        staff.post(APIRoute.requestReplacement, use: replacement)
        staff.get(APIRoute.vendorClaims, use: list)
        staff.get(APIRoute.vendorClaim, use: show)
        staff.post(APIRoute.vendorClaimSend, use: send)
        staff.post(APIRoute.vendorClaimCredit, use: credit)
        staff.post(APIRoute.vendorClaimWriteOff, use: writeOff)
        staff.get(APIRoute.vendorClaimPacket, use: packet)
        staff.get(APIRoute.vendorRecovery, use: report)
    }

    struct UnitBody: Content {
        var serial: String?
        var quantity: Int?
        var disposition: String
        var grade: String?
        var note: String?
    }

    struct DispositionBody: Content {
        var units: [UnitBody]
    }

    /// The request, as `GET /requests/{number}` answers it, with its units' dispositions.
    struct RequestWithDispositions: Content {
        var request: RequestView
        var dispositions: [DispositionView]

        func encode(to encoder: any Encoder) throws {
            try request.encode(to: encoder)
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(dispositions, forKey: .dispositions)
        }
    }

    @Sendable func disposition(req: Request) async throws -> RequestWithDispositions {
        let user = try req.requireUser()
        guard let number = req.parameters.get("number"),
            let record = try await RequestQueries.find(number, for: user, on: req.db)
        else { throw Refusal.notFound() }
        let body = try req.content.decode(DispositionBody.self)
        let units = try Self.units(body.units)
        let stored = try await RecordDisposition(
            store: req.vendorRecovery, actorID: user.id, today: req.today, now: req.now
        )(request: record.number, units: units)
        let view = try await RequestQueries.view(record, withEvents: true, texts: req.texts, on: req.db)
        return RequestWithDispositions(request: view, dispositions: stored.map(DispositionView.init))
    }

    struct ReplacementBody: Content {
        var status: String
        var trackingNumber: String?
    }

    @Sendable func replacement(req: Request) async throws -> RequestView {
        let user = try req.requireUser()
        guard let number = req.parameters.get("number"),
            let record = try await RequestQueries.find(number, for: user, on: req.db)
        else { throw Refusal.notFound() }
        let body = try req.content.decode(ReplacementBody.self)
        guard body.status == ReplacementStatus.shipped.rawValue else {
            throw Refusal.invalid([
                FieldError("status", message: Message("validation.chooseOneOf", ["choices": "shipped"]))
            ])
        }
        let shipped = try await req.requestSteps(for: user).shipReplacement(
            requestID: try record.requireID(), tracking: body.trackingNumber,
            returnDays: req.config.replacementReturnDays)
        guard let found = try await RequestQueries.find(id: shipped.id, on: req.db) else { throw Refusal.notFound() }
        return try await RequestQueries.view(found, withEvents: true, texts: req.texts, on: req.db)
    }

    /// The body's units as typed input; an unknown disposition or grade is named with its place.
    static func units(_ bodies: [UnitBody]) throws -> [RecordDisposition.UnitInput] {
        var errors: [FieldError] = []
        var units: [RecordDisposition.UnitInput] = []
        for (index, unit) in bodies.enumerated() {
            let disposition = Disposition(rawValue: unit.disposition)
            if disposition == nil {
                errors.append(
                    FieldError(
                        "units/\(index)/disposition",
                        message: Message(
                            "validation.chooseOneOf",
                            ["choices": .text(Disposition.allCases.map(\.rawValue).joined(separator: ", "))])))
            }
            let grade = unit.grade
            if let grade, Grade(rawValue: grade) == nil {
                errors.append(
                    FieldError(
                        "units/\(index)/grade",
                        message: Message(
                            "validation.chooseOneOf",
                            ["choices": .text(Grade.allCases.map(\.rawValue).joined(separator: ", "))])))
            }
            if let disposition {
                units.append(
                    RecordDisposition.UnitInput(
                        serial: unit.serial, quantity: unit.quantity ?? 1, disposition: disposition,
                        grade: grade.flatMap(Grade.init(rawValue:)), note: unit.note))
            }
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        return units
    }

    @Sendable func list(req: Request) async throws -> VendorClaimPage {
        var list: VendorClaimList?
        // Named, the state is one of the lists; blank is not "all".
        if let raw = req.query[String.self, at: "state"] {
            guard let parsed = VendorClaimList(rawValue: raw) else {
                throw Refusal.invalid([
                    FieldError(
                        "state",
                        message: Message(
                            "validation.chooseOneOf",
                            ["choices": .text(VendorClaimList.allCases.map(\.rawValue).joined(separator: ", "))]))
                ])
            }
            list = parsed
        }
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...100, default: 50)
        let (claims, total) = try await req.vendorRecovery.claims(in: list, page: page, per: per, today: req.today)
        return VendorClaimPage(claims: claims.map(VendorClaimView.init), page: page, per: per, total: total)
    }

    private func claimNumber(_ req: Request) throws -> String {
        guard let number = req.parameters.get("number"), number.count <= 40 else { throw Refusal.notFound() }
        return number
    }

    @Sendable func show(req: Request) async throws -> VendorClaimView {
        guard let claim = try await req.vendorRecovery.claim(number: try claimNumber(req), today: req.today) else {
            throw Refusal.notFound()
        }
        return VendorClaimView(claim)
    }

    struct SendBody: Content { var vendorRmaNumber: String }
    struct CreditBody: Content {
        var amount: String
        var reference: String?
    }
    struct WriteOffBody: Content { var reason: String }

    @Sendable func send(req: Request) async throws -> VendorClaimView {
        let body = try req.content.decode(SendBody.self)
        return VendorClaimView(try await steps(req).send(try claimNumber(req), vendorRmaNumber: body.vendorRmaNumber))
    }

    @Sendable func credit(req: Request) async throws -> VendorClaimView {
        let body = try req.content.decode(CreditBody.self)
        guard let amount = Money(decimal: body.amount) else {
            throw Refusal.invalid([FieldError("amount", message: Message("app.followup.anAmountLike5495"))])
        }
        return VendorClaimView(
            try await steps(req).credit(try claimNumber(req), amount: amount, reference: body.reference ?? ""))
    }

    @Sendable func writeOff(req: Request) async throws -> VendorClaimView {
        let body = try req.content.decode(WriteOffBody.self)
        return VendorClaimView(try await steps(req).writeOff(try claimNumber(req), reason: body.reason))
    }

    private func steps(_ req: Request) throws -> VendorClaimSteps {
        VendorClaimSteps(store: req.vendorRecovery, actorID: try req.requireUser().id, today: req.today, now: req.now)
    }

    @Sendable func packet(req: Request) async throws -> Response {
        let number = try claimNumber(req)
        guard let claim = try await req.vendorRecovery.claim(number: number, today: req.today) else {
            throw Refusal.notFound()
        }
        return try await VendorClaimPacket.response(claim, req: req)
    }

    struct ReportRow: Content {
        struct Exposure: Content {
            var days0to30: String
            var days31to60: String
            var days61to90: String
            var over90: String
        }

        var brand: String
        var month: String?
        var creditedToResellers: String
        var expectedFromVendor: String
        var receivedFromVendor: String
        var openExposure: Exposure
        var recoveryRate: String?

        init(_ row: RecoveryReport.Row) {
            brand = row.brand
            month = row.month
            creditedToResellers = row.creditedToResellers.decimalString
            expectedFromVendor = row.expectedFromVendor.decimalString
            receivedFromVendor = row.receivedFromVendor.decimalString
            openExposure = Exposure(
                days0to30: row.openExposure.days0to30.decimalString,
                days31to60: row.openExposure.days31to60.decimalString,
                days61to90: row.openExposure.days61to90.decimalString, over90: row.openExposure.over90.decimalString)
            recoveryRate = row.recoveryRate
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(brand, forKey: .brand)
            if let month { try container.encode(month, forKey: .month) }
            try container.encode(creditedToResellers, forKey: .creditedToResellers)
            try container.encode(expectedFromVendor, forKey: .expectedFromVendor)
            try container.encode(receivedFromVendor, forKey: .receivedFromVendor)
            try container.encode(openExposure, forKey: .openExposure)
            try container.encode(recoveryRate, forKey: .recoveryRate)
        }
    }

    struct Report: Content {
        var from: String
        var to: String
        var brands: [ReportRow]
    }

    @Sendable func report(req: Request) async throws -> Report {
        let (from, to) = try Self.period(req)
        let rows = try await RecoveryFigures(store: req.vendorRecovery, today: req.today).figures(from: from, to: to)
            .rows(byMonth: false)
        return Report(from: from.iso, to: to.iso, brands: rows.map(ReportRow.init))
    }

    /// `from` and `to` (default: the last twelve months up to today). A form's blank field means
    /// "not given"; an API client that names the parameter gives a date.
    static func period(_ req: Request, blankIsAbsent: Bool = false) throws -> (CalendarDay, CalendarDay) {
        func day(_ name: String, _ fallback: CalendarDay) throws -> CalendarDay {
            guard let raw = req.query[String.self, at: name], !(raw.isEmpty && blankIsAbsent) else { return fallback }
            guard raw.count == 10, let day = CalendarDay(iso: raw) else {
                throw Refusal.invalid([FieldError(name, message: Message("recovery.dateLike"))])
            }
            return day
        }
        let to = try day("to", req.today)
        let from = try day("from", to.adding(months: -12).adding(days: 1))
        return (from, to)
    }
}

extension Request {
    var vendorRecovery: DatabaseVendorRecoveryStore { .live(db) }
}

extension DatabaseVendorRecoveryStore {
    /// The store whose claims' events reach the event feed and the distributor's webhooks.
    static func live(_ database: any Database) -> DatabaseVendorRecoveryStore {
        DatabaseVendorRecoveryStore(database: database) { kind, claim, at, db in
            try await DatabaseEventOutbox.record(kind, of: claim, at: at, on: db)
        }
    }
}
