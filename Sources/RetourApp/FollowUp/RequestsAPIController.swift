import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Following up through the API: lists, details, documents, and the agent's actions.
struct RequestsAPIController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let everyone = routes.signedIn
        everyone.get(APIRoute.requests, use: list)
        everyone.get(APIRoute.request, use: show)
        everyone.get(APIRoute.requestCreditNote, use: creditNote)
        everyone.get(APIRoute.requestCreditNoteXML, use: creditNoteXML)
        everyone.get(APIRoute.requestReturnForm, use: returnForm)
        everyone.post(APIRoute.requestExtend, use: extend)
        everyone.post(APIRoute.requestMessages, use: message)
        let staff = routes.backOffice
        staff.post(APIRoute.requestDecision, use: decision)
        staff.post(APIRoute.requestReceipt, use: receipt)
        staff.post(APIRoute.requestCredit, use: credit)
        staff.post(APIRoute.requestClose, use: close)
    }

    private func record(_ req: Request, _ user: User) async throws -> ReturnRequest {
        guard let number = req.parameters.get("number"),
            let record = try await RequestQueries.find(number, for: user, on: req.db)
        else { throw Refusal.notFound() }
        return record
    }

    @Sendable func list(req: Request) async throws -> RequestList {
        let user = try req.requireUser()
        let rawState = req.query[String.self, at: "state"] ?? "open"
        guard let state = RequestQueries.State(rawValue: rawState), state != .all else {
            throw Refusal.invalid([FieldError("state", message: Message("app.followup.chooseOpenOrArchived"))])
        }
        var filter = RequestQueries.Filter(state: state, scope: try user.companyScope())
        if let status = req.query[String.self, at: "status"] {
            guard let parsed = RequestStatus(rawValue: status) else {
                throw Refusal.invalid([FieldError("status", message: Message("app.followup.unknownStatus"))])
            }
            filter.status = parsed
        }
        filter.number = req.query[String.self, at: "number"]
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let (records, total) = try await RequestQueries.list(filter, today: req.today, page: page, per: per, on: req.db)
        var views: [RequestView] = []
        for record in records {
            views.append(try await RequestQueries.view(record, withEvents: false, texts: req.texts, on: req.db))
        }
        return RequestList(requests: views, page: page, per: per, total: total)
    }

    @Sendable func show(req: Request) async throws -> RequestView {
        let user = try req.requireUser()
        return try await RequestQueries.view(
            try await record(req, user), withEvents: true, texts: req.texts, on: req.db)
    }

    @Sendable func creditNote(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let found = try await record(req, user)
        guard let number = found.creditNoteNumber else { throw Refusal.notFound() }
        let data = try await Documents.creditNote(for: found, texts: req.texts, config: req.config, db: req.db)
        return Documents.response(data, filename: "\(number).pdf")
    }

    /// The credit note as UBL (Peppol BIS Billing 3.0), with the PDF's numbers.
    @Sendable func creditNoteXML(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let record = try await record(req, user)
        return try await Documents.ublResponse(for: record, texts: req.texts, config: req.config, db: req.db)
    }

    @Sendable func returnForm(req: Request) async throws -> Response {
        let user = try req.requireUser()
        let found = try await record(req, user)
        guard let rma = found.rmaNumber else { throw Refusal.notFound() }
        let data = try await Documents.returnForm(for: found, texts: req.texts, config: req.config, db: req.db)
        return Documents.response(data, filename: "\(rma).pdf")
    }

    struct DecisionBody: Content {
        var decision: String
        var message: String?
    }

    /// What arrived, as the API takes it.
    struct Receipt: Content {
        var quantity: Int
        var serials: [String]?
        var condition: String
        var note: String?
    }

    struct CreditBody: Content {
        var amount: String?
        var reason: String?
    }

    struct MessageBody: Content {
        var message: String
        var attachments: [String]?
    }

    /// Takes a step on the request of the path and answers with the request as it is afterwards.
    private func step(
        _ req: Request, _ take: @Sendable (RequestSteps, ReturnRequest, User) async throws -> StoredRequest
    ) async throws -> RequestView {
        let user = try req.requireUser()
        let changed = try await take(req.requestSteps(for: user), try await record(req, user), user)
        guard let found = try await RequestQueries.find(id: changed.id, on: req.db) else { throw Refusal.notFound() }
        return try await RequestQueries.view(found, withEvents: true, texts: req.texts, on: req.db)
    }

    @Sendable func decision(req: Request) async throws -> RequestView {
        let body = try req.content.decode(DecisionBody.self)
        return try await step(req) { steps, record, _ in
            try await steps.decide(
                RequestAction(rawValue: body.decision), message: body.message, on: record.requireID())
        }
    }

    @Sendable func receipt(req: Request) async throws -> RequestView {
        let body = try req.content.decode(Receipt.self)
        let receipt = GoodsReceipt(
            quantity: body.quantity, serials: body.serials ?? [], condition: ReceiptCondition(rawValue: body.condition),
            note: body.note)
        return try await step(req) { steps, record, _ in try await steps.receive(receipt, on: record.requireID()) }
    }

    @Sendable func credit(req: Request) async throws -> RequestView {
        // No body at all means "the computed amount"; a body that cannot be read is an error, never
        // a silent full credit.
        let body =
            req.body.data.map { $0.readableBytes > 0 } == true ? try req.content.decode(CreditBody.self) : CreditBody()
        var amount: Money?
        if let raw = body.amount {
            guard let parsed = Money(decimal: raw) else {
                throw Refusal.invalid([
                    FieldError("amount", message: Message("app.followup.anAmountLike5495"))
                ])
            }
            amount = parsed
        }
        return try await step(req) { [amount] steps, record, user in
            try await steps.credit(
                amount: amount, reason: body.reason, mayExceedValue: user.role.mayCreditAboveTheGoodsValue,
                on: record.requireID())
        }
    }

    @Sendable func extend(req: Request) async throws -> RequestView {
        try await step(req) { steps, record, _ in try await steps.perform(.extend, on: record.requireID()) }
    }

    @Sendable func close(req: Request) async throws -> RequestView {
        try await step(req) { steps, record, _ in try await steps.perform(.close, on: record.requireID()) }
    }

    @Sendable func message(req: Request) async throws -> RequestView {
        let body = try req.content.decode(MessageBody.self)
        return try await step(req) { steps, record, user in
            try await steps.post(
                message: body.message, attachments: body.attachments ?? [], seenBy: try user.companyScope(),
                on: record.requireID())
        }
    }
}
