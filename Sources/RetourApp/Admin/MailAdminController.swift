import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// Recent mails for administrators: what was sent, what waits, what failed and why; a mail can
/// be sent again.
struct MailAdminController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminMails, use: list)
        routes.post(PageRoute.adminMailResend, use: resend)
    }

    struct Row: Encodable {
        var id: Int
        var recipient: String
        var subject: String
        var status: String
        var statusLabel: String
        var attempts: Int
        var lastError: String
        var created: String
        var body: String
    }

    struct Content: Encodable {
        var rows: [Row]
        var transport: String
        var notice: String?
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await render(req, notice: nil)
    }

    @Sendable func resend(req: Request) async throws -> Response {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        let recipient = try await ResendMail(
            adminID: try req.requireUser().requireID(), store: DatabaseMailOutboxStore(database: req.db), now: req.now
        ).run(mail: id)
        return try await render(req, notice: req.texts("admin.mails.resent", ["recipient": recipient]))
    }

    private func render(_ req: Request, notice: String?) async throws -> Response {
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let result = try await DatabaseMailOutboxStore(database: req.db).newest(
            page: PageRequest(page: page, per: Self.perPage))
        let t = req.texts
        let rows = result.items.map {
            Row(
                id: $0.id ?? 0, recipient: $0.recipient, subject: $0.subject, status: $0.status.rawValue,
                statusLabel: t["admin.mails.state.\($0.status.rawValue)"], attempts: $0.attempts,
                lastError: $0.lastError ?? "",
                created: req.localTime($0.createdAt), body: $0.body)
        }
        let content = Content(
            rows: rows, transport: t["admin.mails.transport.\(req.config.mailTransport.rawValue)"], notice: notice,
            previousPage: page > 1 ? SitePath.adminMails(page: page - 1).path : nil,
            nextPage: result.metadata.pageCount > page ? SitePath.adminMails(page: page + 1).path : nil)
        return try await req.renderPage("mails", title: req.texts["admin.mails.title"], nav: "mails", content: content)
    }
}
