import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

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
        let found = try await ApprovalQueries(database: req.db).ofCompany(
            user.companyID ?? 0, status: status, page: PageRequest(page: page, per: per))
        return ListAnswer(approvals: found.views, page: page, per: per, total: found.total)
    }

    @Sendable func decide(req: Request) async throws -> DecisionAnswer {
        let body = try req.content.decode(DecisionBody.self)
        let (approval, answer) = try await run(req, body)
        return DecisionAnswer(approval: approval, requests: answer?.requests ?? [])
    }

    private func run(_ req: Request, _ body: DecisionBody) async throws -> (ApprovalView, SubmissionAnswer?) {
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
        guard let approval = try await ApprovalQueries(database: req.db).view(id) else { throw Refusal.notFound() }
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
        let approvals = ApprovalQueries(database: req.db)
        let waiting = try await approvals.ofCompany(
            company, status: .waiting, page: PageRequest(page: page, per: Self.perPage), texts: t)
        let decided = try await approvals.decided(company, limit: 10, texts: t)
        let content = PageContent(
            waiting: Self.shown(waiting.views, req), decided: Self.shown(decided, req), notice: notice,
            failedID: failure?.0,
            error: failure?.1.detail.text(t), errors: failure?.1.errors.map { $0.message.text(t) } ?? [],
            message: failure?.2 ?? "",
            previousPage: page > 1 ? "\(PageRoute.approvals.path())?page=\(page - 1)" : nil,
            nextPage: waiting.pageCount > page ? "\(PageRoute.approvals.path())?page=\(page + 1)" : nil)
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
