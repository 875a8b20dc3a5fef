import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// A waiting or decided submission as the API and the pages show it.
struct ApprovalView: Content {
    struct Person: Content {
        var name: String
        var email: String
    }

    /// One held position, with what a person needs to judge it.
    struct Position: Content {
        var id: Int
        var line: Int
        var reason: String
        var quantity: Int
        var invoice: String
        var article: String
        var amount: String
        /// The reason's label in the reader's language (pages only).
        var reasonLabel: String?
    }

    var id: Int
    var status: String
    var amount: String
    var createdAt: Date
    var submitter: Person
    var decidedAt: Date?
    var decidedBy: Person?
    var message: String?
    /// The first request number of the submission an approval made.
    var submission: String?
    var positions: [Position]
}

extension ApprovalView {
    /// The views of `approvals`, with their people and held positions read in a few queries.
    static func of(_ approvals: [Approval], texts: Translations? = nil, on db: any Database) async throws
        -> [ApprovalView]
    {
        guard !approvals.isEmpty else { return [] }
        let ids = approvals.compactMap(\.id)
        let people = try await User.query(on: db)
            .filter(\.$id ~~ Set(approvals.flatMap { [$0.userID] + ($0.decidedBy.map { [$0] } ?? []) })).all()
        let held = try await CartPosition.query(on: db).filter(\.$approvalID ~~ ids).sort(\.$id).all()
        let lines = try await InvoiceLine.query(on: db).filter(\.$id ~~ Set(held.map(\.lineID))).all()
        let articles = try await Article.query(on: db).filter(\.$id ~~ Set(lines.map(\.$article.id))).all()
        func person(_ id: Int?) -> Person? {
            people.first { $0.id == id }.map { Person(name: $0.name, email: $0.email) }
        }
        return approvals.map { approval in
            let positions = held.filter { $0.approvalID == approval.id }.map { position in
                let line = lines.first { $0.id == position.lineID }
                let article = articles.first { $0.id == line?.$article.id }
                return Position(
                    id: position.id ?? 0, line: position.lineID, reason: position.reason.rawValue,
                    quantity: position.quantity,
                    invoice: "\(line?.invoiceNumber ?? "") #\(line?.position ?? 0)",
                    article: "\(article?.number ?? "") \(article?.description ?? "")",
                    amount: Money(cents: (line?.unitPriceCents ?? 0) * Int64(position.quantity)).decimalString,
                    reasonLabel: texts.map { Reason.named(position.reason).label.text($0) })
            }
            return ApprovalView(
                id: approval.id ?? 0, status: approval.status.rawValue, amount: approval.amount.decimalString,
                createdAt: approval.createdAt, submitter: person(approval.userID) ?? Person(name: "", email: ""),
                decidedAt: approval.decidedAt, decidedBy: person(approval.decidedBy), message: approval.message,
                submission: approval.submission, positions: positions)
        }
    }

    /// A submitter's own approvals the cart and the status overview show: those still waiting, and
    /// those rejected in the last two weeks (with the approver's message).
    static func ofSubmitter(_ user: User, now: Date, texts: Translations? = nil, on db: any Database) async throws
        -> [ApprovalView]
    {
        let approvals = try await Approval.query(on: db).filter(\.$userID == user.requireID())
            .group(.or) {
                $0.filter(\.$status == .waiting).group(.and) {
                    $0.filter(\.$status == .rejected).filter(\.$decidedAt > now.addingTimeInterval(-14 * 86_400))
                }
            }
            .sort(\.$id, .descending).limit(20).all()
        return try await of(approvals, texts: texts, on: db)
    }
}

/// The approval queue of a company: `/approvals` for people, `/api/v1/approvals` for systems.
/// Only colleagues holding the right `approve` reach it (`UserRight.needed`).
struct ApprovalsController: RoleRouteCollection {
    enum Surface { case pages, api }
    let surface: Surface

    static let perPage = 20

    func boot(_ routes: RoleRoutes) throws {
        let reseller = routes.reseller
        switch surface {
        case .pages:
            reseller.get(PageRoute.approvals, use: page)
            reseller.post(PageRoute.approval, use: decideOnPage)
        case .api:
            reseller.get(APIRoute.approvals, use: list)
            reseller.post(APIRoute.approval, use: decide)
        }
    }

    struct DecisionBody: Content {
        var decision: String?
        var message: String?
    }

    struct ListAnswer: Content {
        var approvals: [ApprovalView]
        var page: Int
        var per: Int
        var total: Int
    }

    struct DecisionAnswer: Content {
        var approval: ApprovalView
        var requests: [SubmittedRequestView]
    }

    @Sendable func list(req: Request) async throws -> ListAnswer {
        let user = try req.requireUser()
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...100, default: 20)
        let statusText = req.query[String.self, at: "status"] ?? ApprovalStatus.waiting.rawValue
        guard let status = ApprovalStatus(rawValue: statusText) else {
            throw Refusal(
                .malformed, detail: Message("app.api.theParameterIsNotValid", ["name": .text("status")]))
        }
        let found = try await Approval.query(on: req.db).filter(\.$companyID == (user.companyID ?? 0))
            .filter(\.$status == status).sort(\.$createdAt, status == .waiting ? .ascending : .descending)
            .paginate(PageRequest(page: page, per: per))
        return ListAnswer(
            approvals: try await ApprovalView.of(found.items, on: req.db), page: page, per: per,
            total: found.metadata.total)
    }

    @Sendable func decide(req: Request) async throws -> DecisionAnswer {
        let body = try req.content.decode(DecisionBody.self)
        let (approval, answer) = try await run(req, body)
        return DecisionAnswer(
            approval: try await ApprovalView.of([approval], on: req.db).first!, requests: answer?.requests ?? [])
    }

    private func run(_ req: Request, _ body: DecisionBody) async throws -> (Approval, SubmissionAnswer?) {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        guard let decision = ApprovalDecision(rawValue: body.decision ?? "") else {
            throw Refusal.invalid([FieldError("decision", message: Message("approvals.chooseDecision"))])
        }
        let outcome = try await DecideApproval(
            store: DatabaseCartStore(database: req.db, settings: req.storeSettings), approverID: try user.requireID(),
            approverCompany: user.companyID, approverRights: user.rights, now: req.now, today: req.today,
            translations: req.application.translationCatalog.all, language: req.language
        ).run(approval: id, decision: decision, message: body.message ?? "")
        guard let approval = try await Approval.find(id, on: req.db) else { throw Refusal.notFound() }
        if case .approved(let submission) = outcome { return (approval, SubmissionAnswer(submission)) }
        return (approval, nil)
    }

    /// An approval with what the page writes out in the reader's language.
    struct Shown: Encodable {
        var approval: ApprovalView
        var created: String
        var status: String
    }

    struct PageContent: Encodable {
        var waiting: [Shown]
        var decided: [Shown]
        var notice: String?
        var failedID: Int?
        var error: String?
        var errors: [String]
        var message: String
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func page(req: Request) async throws -> Response {
        let notice: String? =
            switch req.query[String.self, at: "done"] {
            case "approve": req.texts["approvals.approvedNotice"]
            case "reject": req.texts["approvals.rejectedNotice"]
            default: nil
            }
        return try await render(req, notice: notice, failure: nil)
    }

    @Sendable func decideOnPage(req: Request) async throws -> Response {
        let body = try req.content.decode(DecisionBody.self)
        do {
            _ = try await run(req, body)
        } catch let problem as Refusal where problem.status != .notFound {
            return try await render(
                req, notice: nil,
                failure: (req.parameters.get("id", as: Int.self), problem, String((body.message ?? "").prefix(2_000))))
        }
        return req.redirect(
            to: "\(PageRoute.approvals.path())?done=\(body.decision == "approve" ? "approve" : "reject")")
    }

    private func render(_ req: Request, notice: String?, failure: (Int?, Refusal, String)?) async throws -> Response {
        let user = try req.requireUser()
        let t = req.texts
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let company = user.companyID ?? 0
        let waiting = try await Approval.query(on: req.db).filter(\.$companyID == company)
            .filter(\.$status == .waiting).sort(\.$createdAt).paginate(PageRequest(page: page, per: Self.perPage))
        let decided = try await Approval.query(on: req.db).filter(\.$companyID == company)
            .filter(\.$status != .waiting).sort(\.$decidedAt, .descending).limit(10).all()
        let content = PageContent(
            waiting: Self.shown(try await ApprovalView.of(waiting.items, texts: t, on: req.db), req),
            decided: Self.shown(try await ApprovalView.of(decided, texts: t, on: req.db), req), notice: notice,
            failedID: failure?.0,
            error: failure?.1.detail.text(t), errors: failure?.1.errors.map { $0.message.text(t) } ?? [],
            message: failure?.2 ?? "",
            previousPage: page > 1 ? "\(PageRoute.approvals.path())?page=\(page - 1)" : nil,
            nextPage: waiting.metadata.pageCount > page ? "\(PageRoute.approvals.path())?page=\(page + 1)" : nil)
        return try await req.renderPage(
            "approvals", title: t["nav.approvals"], nav: "approvals", content: content,
            status: failure.map { $0.1.status == .conflict ? .conflict : .unprocessableEntity } ?? .ok)
    }

    static func shown(_ views: [ApprovalView], _ req: Request) -> [Shown] {
        views.map {
            Shown(approval: $0, created: format($0.createdAt, req), status: statusLabel($0.status, req.texts))
        }
    }

    static func format(_ date: Date, _ req: Request) -> String { req.localTime(date) }

    static func statusLabel(_ status: String, _ t: Translations) -> String {
        switch ApprovalStatus(rawValue: status) {
        case .waiting: return t["approvals.status.waiting"]
        case .approved: return t["approvals.status.approved"]
        case .rejected: return t["approvals.status.rejected"]
        case nil: return status
        }
    }
}
