import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `/integrations`: a purchasing department's own page for the company's API keys and webhooks —
/// make a key (shown once), revoke it, see its last use; subscribe a webhook (its secret shown once),
/// rotate the secret, read the delivery log and send a delivery again. The rules are the API's
/// (`ManageIntegrations`).
struct IntegrationsPageController: RouteCollection {
    static let deliveriesPerPage = 25

    func boot(routes: any RoutesBuilder) throws {
        routes.get(PageRoute.integrations, use: show)
        routes.post(PageRoute.integrationKeys, use: createKey)
        routes.post(PageRoute.integrationKeyRevoke, use: revokeKey)
        routes.post(PageRoute.integrationWebhooks, use: createWebhook)
        routes.post(PageRoute.integrationWebhookRotate, use: rotate)
        routes.post(PageRoute.integrationWebhookDelete, use: deleteWebhook)
        routes.get(PageRoute.integrationWebhook, use: deliveries)
        routes.post(PageRoute.integrationWebhookRetry, use: retry)
    }

    struct Choice: Encodable {
        var value: String
        var label: String
        var checked: Bool
    }

    struct KeyRow: Encodable {
        var id: Int
        var name: String
        var prefix: String
        var scopes: String
        var created: String
        var lastUsed: String
        var status: String
        var active: Bool
    }

    struct HookRow: Encodable {
        var id: Int
        var url: String
        var events: String
        var created: String
    }

    /// A key or secret shown this once.
    struct Shown: Encodable {
        var label: String
        var value: String
    }

    struct Content: Encodable {
        var keys: [KeyRow]
        var hooks: [HookRow]
        var scopes: [Choice]
        var events: [Choice]
        var form: [String: String]
        var errors: [String: String]
        var notice: String?
        var shown: Shown?
    }

    struct KeyForm: Codable {
        var name: String?
        var scopes: [String]?
    }

    struct HookForm: Codable {
        var url: String?
        var events: [String]?
    }

    private func scope(_ req: Request) throws -> CompanyScope { try req.requireUser().companyScope() }

    private func id(_ req: Request, _ name: String = "id") throws -> Int {
        guard let id = req.parameters.get(name, as: Int.self) else { throw Refusal.notFound() }
        return id
    }

    @Sendable func show(req: Request) async throws -> Response {
        let notice: String? =
            switch req.query[String.self, at: "done"] {
            case "revoked": req.texts["integrations.keyRevoked"]
            case "deleted": req.texts["integrations.webhookDeleted"]
            default: nil
            }
        return try await render(req, notice: notice)
    }

    @Sendable func createKey(req: Request) async throws -> Response {
        let form = try req.content.decode(KeyForm.self)
        do {
            let manage = try req.manageIntegrations()
            let (id, secret) = try await manage.createKey(name: form.name ?? "", scopes: form.scopes ?? [])
            let key = try await IntegrationQueries.key(id, in: manage.scope, on: req.db)
            return try await render(
                req, notice: req.texts("integrations.keyCreated", ["name": key.name]),
                shown: Shown(label: req.texts["integrations.keyShownOnce"], value: secret), status: .created)
        } catch let problem as Refusal where !problem.errors.isEmpty || problem.status == .conflict {
            return try await render(
                req,
                form: [
                    "name": String((form.name ?? "").prefix(100)), "scopes": (form.scopes ?? []).joined(separator: " "),
                ],
                problem: problem)
        }
    }

    @Sendable func revokeKey(req: Request) async throws -> Response {
        try await req.manageIntegrations().revokeKey(try id(req))
        return req.redirect(to: PageRoute.integrations.path() + "?done=revoked")
    }

    @Sendable func createWebhook(req: Request) async throws -> Response {
        let form = try req.content.decode(HookForm.self)
        do {
            let manage = try req.manageIntegrations()
            let id = try await manage.createWebhook(
                url: form.url ?? "", events: (form.events ?? []).map(EventType.init(rawValue:)),
                judge: req.webhookJudge)
            let hook = try await IntegrationQueries.webhook(id, in: manage.scope, on: req.db)
            return try await render(
                req, notice: req.texts("integrations.webhookCreated", ["url": hook.url]),
                shown: Shown(label: req.texts["integrations.secretShownOnce"], value: hook.secret), status: .created)
        } catch let problem as Refusal where !problem.errors.isEmpty || problem.status == .conflict {
            return try await render(
                req,
                form: [
                    "url": String((form.url ?? "").prefix(500)), "events": (form.events ?? []).joined(separator: " "),
                ],
                problem: problem)
        }
    }

    @Sendable func rotate(req: Request) async throws -> Response {
        try await req.manageIntegrations().rotateSecret(try id(req))
        let hook = try await IntegrationQueries.webhook(try id(req), in: try scope(req), on: req.db)
        return try await render(
            req, notice: req.texts("integrations.secretRotated", ["url": hook.url]),
            shown: Shown(label: req.texts["integrations.secretShownOnce"], value: hook.secret))
    }

    @Sendable func deleteWebhook(req: Request) async throws -> Response {
        try await req.manageIntegrations().deleteWebhook(try id(req))
        return req.redirect(to: PageRoute.integrations.path() + "?done=deleted")
    }

    struct DeliveriesContent: Encodable {
        var hook: HookRow
        var rows: [WebhookAdminController.Row]
        var notice: String?
        var previousPage: String?
        var nextPage: String?
    }

    @Sendable func deliveries(req: Request) async throws -> Response {
        let hook = try await IntegrationQueries.webhook(try id(req), in: try scope(req), on: req.db)
        let hookID = try hook.requireID()
        let t = req.texts
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let (views, total) = try await IntegrationQueries.deliveryLog(
            of: hookID, page: page, per: Self.deliveriesPerPage, on: req.db)
        let content = DeliveriesContent(
            hook: HookRow(
                id: hookID, url: hook.url, events: hook.events.map(\.rawValue).joined(separator: ", "),
                created: Self.format(hook.createdAt, req)),
            rows: views.map { WebhookAdminController.row($0, req) },
            notice: req.query[String.self, at: "done"] == "resent" ? t["integrations.resent"] : nil,
            previousPage: page > 1 ? "\(PageRoute.integrationWebhook.path("\(hookID)"))?page=\(page - 1)" : nil,
            nextPage: page * Self.deliveriesPerPage < total
                ? "\(PageRoute.integrationWebhook.path("\(hookID)"))?page=\(page + 1)" : nil)
        return try await req.renderPage(
            "integration-deliveries", title: t["integrations.deliveries"], nav: "integrations", content: content)
    }

    @Sendable func retry(req: Request) async throws -> Response {
        let hookID = try id(req)
        try await req.manageIntegrations().sendAgain(
            webhook: hookID, delivery: try id(req, "delivery"), retrySeconds: WebhookWorker.retrySeconds)
        return req.redirect(to: PageRoute.integrationWebhook.path("\(hookID)") + "?done=resent")
    }

    private func render(
        _ req: Request, form: [String: String] = [:], problem: Refusal? = nil, notice: String? = nil,
        shown: Shown? = nil, status: HTTPStatus = .ok
    ) async throws -> Response {
        let t = req.texts
        let user = try req.requireUser()
        let scope = try user.companyScope()
        let keys = try await IntegrationQueries.newestLiveKeys(in: scope, limit: 50, on: req.db)
        let hooks = try await IntegrationQueries.firstWebhooks(in: scope, limit: 50, on: req.db)
        let chosenScopes = Set((form["scopes"] ?? "").split(separator: " ").map(String.init))
        let chosenEvents = Set((form["events"] ?? "").split(separator: " ").map(String.init))
        var errors = Dictionary(
            (problem?.errors ?? []).map { ($0.field, $0.message.text(t)) }, uniquingKeysWith: { a, _ in a })
        if let problem, problem.errors.isEmpty { errors["form"] = problem.detail.text(t) }
        let content = Content(
            keys: keys.map { key, maker in
                let stands = key.stands(for: maker)
                return KeyRow(
                    id: key.id ?? 0, name: key.name, prefix: key.keyPrefix + "…",
                    scopes: key.scopes.map(\.rawValue).sorted().joined(separator: ", "),
                    created: Self.format(key.createdAt, req),
                    lastUsed: key.lastUsedAt.map { Self.format(Date(timeIntervalSince1970: TimeInterval($0)), req) }
                        ?? t["integrations.neverUsed"],
                    status: stands ? t["integrations.status.active"] : t["integrations.status.ended"], active: stands)
            },
            hooks: hooks.map {
                HookRow(
                    id: $0.id ?? 0, url: $0.url, events: $0.events.map(\.rawValue).joined(separator: ", "),
                    created: Self.format($0.createdAt, req))
            },
            scopes: APIScope.grantable(by: user.role).sorted { $0.rawValue < $1.rawValue }.map {
                Choice(value: $0.rawValue, label: Self.label(of: $0, t), checked: chosenScopes.contains($0.rawValue))
            },
            events: EventType.listenable(byCompany: user.role.belongsToCompany).map(\.rawValue).map {
                Choice(value: $0, label: $0, checked: chosenEvents.contains($0))
            },
            form: form, errors: errors, notice: notice, shown: shown)
        let response = try await req.renderPage(
            "integrations", title: t["nav.integrations"], nav: "integrations", content: content,
            status: problem.map { $0.status == .conflict ? .conflict : .unprocessableEntity } ?? status)
        // A key or secret on the page: never kept by a cache or the back button's store.
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    static func format(_ date: Date, _ req: Request) -> String { req.localTime(date) }

    static func label(of scope: APIScope, _ t: Translations) -> String {
        switch scope {
        case .read: return t["integrations.scope.read"]
        case .register: return t["integrations.scope.register"]
        case .import: return t["integrations.scope.import"]
        case .readAll: return t["integrations.scope.read_all"]
        }
    }
}
