import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `/admin/webhooks`: every company's webhooks and their delivery log, newest first; a delivery
/// can be sent again.
struct WebhookAdminController: RouteCollection {
    static let perPage = 50

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.adminWebhooks, use: list)
        routes.post(PageRoute.adminWebhookRetry, use: retry)
    }

    struct Hook: Encodable {
        var id: Int
        var url: String
        var owner: String
        var events: String
    }

    struct Row: Encodable {
        var id: Int
        var webhook: Int
        var event: String
        var type: String
        var request: String
        var status: String
        var statusLabel: String
        var attempts: Int
        var response: String
        var lastError: String
        var lastAttempt: String
    }

    struct Content: Encodable {
        var hooks: [Hook]
        var rows: [Row]
        var notice: String?
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func list(req: Request) async throws -> Response {
        try await render(req, notice: nil)
    }

    @Sendable func retry(req: Request) async throws -> Response {
        guard let hook = req.parameters.get("id", as: Int.self), let id = req.parameters.get("delivery", as: Int.self)
        else { throw Refusal.notFound() }
        try await req.manageIntegrations().sendAgain(
            webhook: hook, delivery: id, retrySeconds: WebhookWorker.retrySeconds)
        return try await render(req, notice: req.texts("admin.webhooks.resent", ["delivery": "\(id)"]))
    }

    private func render(_ req: Request, notice: String?) async throws -> Response {
        let t = req.texts
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let hooks = try await IntegrationQueries.everyWebhook(limit: 500, on: req.db)
        let (deliveries, total) = try await IntegrationQueries.deliveryLog(
            of: nil, page: page, per: Self.perPage, on: req.db)
        let content = Content(
            hooks: hooks.map { hook, company in
                Hook(
                    id: hook.id ?? 0, url: hook.url,
                    owner: company.map { "\($0.number) \($0.name)" }
                        ?? t["admin.webhooks.everyCompany"],
                    events: hook.events.map(\.rawValue).joined(separator: ", "))
            },
            rows: deliveries.map { Self.row($0, req) },
            notice: notice, previousPage: page > 1 ? "\(PageRoute.adminWebhooks.path())?page=\(page - 1)" : nil,
            nextPage: total > page * Self.perPage ? "\(PageRoute.adminWebhooks.path())?page=\(page + 1)" : nil)
        return try await req.renderPage(
            "webhooks", title: t["admin.webhooks.title"], nav: "webhooks", content: content)
    }

    /// One delivery of the log as the pages show it (this page and a company's `/integrations`).
    static func row(_ view: WebhooksController.DeliveryView, _ req: Request) -> Row {
        let t = req.texts
        return Row(
            id: view.id, webhook: view.webhook, event: view.event, type: view.type, request: view.request,
            status: view.status,
            statusLabel: view.lastError == JobClaims.parkedReason
                ? t["admin.webhooks.state.parked"] : t["admin.webhooks.state.\(view.status)"],
            attempts: view.attempts, response: view.responseStatus.map(String.init) ?? "",
            lastError: view.lastError ?? "", lastAttempt: view.lastAttemptAt.map(req.localTime) ?? "")
    }
}
