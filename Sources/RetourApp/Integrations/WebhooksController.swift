import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `/api/v1/webhooks`: a reseller's purchasing department subscribes for its company, an
/// administrator for every company; each webhook keeps a log of its deliveries, any of which can be
/// sent again.
struct WebhooksController: RoleRouteCollection {
    func boot(_ routes: RoleRoutes) throws {
        let keyMakers = routes.keyMakers
        keyMakers.post(APIRoute.webhooks, use: create)
        keyMakers.get(APIRoute.webhooks, use: list)
        keyMakers.get(APIRoute.webhook, use: show)
        keyMakers.delete(APIRoute.webhook, use: remove)
        keyMakers.post(APIRoute.webhookRotateSecret, use: rotate)
        keyMakers.get(APIRoute.webhookDeliveries, use: deliveries)
        keyMakers.post(APIRoute.webhookDeliveryRetry, use: retry)
    }

    struct CreateBody: Content {
        var url: String?
        var events: [String]?
    }

    struct Created: Content {
        var id: Int
        /// Signs every delivery; shown when made and when rotated, never again.
        var secret: String
        var url: String
        var events: [String]
        var createdAt: Date
    }

    struct WebhookView: Content {
        var id: Int
        var url: String
        var events: [String]
        var company: Int?
        var createdAt: Date

        init(_ hook: Webhook) {
            id = hook.id ?? 0
            url = hook.url
            events = hook.events.map(\.rawValue)
            company = hook.companyID
            createdAt = hook.createdAt
        }
    }

    struct WebhookList: Content {
        var webhooks: [WebhookView]
        var page: Int
        var per: Int
        var total: Int
    }

    struct DeliveryView: Content {
        var id: Int
        var webhook: Int
        var event: String
        var type: String
        var request: String
        var status: String
        var attempts: Int
        var responseStatus: Int?
        var lastError: String?
        var lastAttemptAt: Date?
        var nextAttemptAt: Date?
        var deliveredAt: Date?
    }

    struct DeliveryList: Content {
        var deliveries: [DeliveryView]
        var page: Int
        var per: Int
        var total: Int
    }

    @Sendable func create(req: Request) async throws -> Response {
        let body = try req.content.decode(CreateBody.self)
        let manage = try req.manageIntegrations()
        let id = try await manage.createWebhook(
            url: body.url ?? "", events: (body.events ?? []).map(EventType.init(rawValue:)), judge: req.webhookJudge)
        let hook = try await IntegrationQueries.webhook(id, in: manage.scope, on: req.db)
        let created = Created(
            id: try hook.requireID(), secret: hook.secret, url: hook.url, events: hook.events.map(\.rawValue),
            createdAt: hook.createdAt
        )
        let response = try await created.encodeResponse(status: .created, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func list(req: Request) async throws -> WebhookList {
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let hooks = try await IntegrationQueries.webhooksPage(
            in: try req.requireUser().companyScope(), page: PageRequest(page: page, per: per), on: req.db)
        return WebhookList(webhooks: hooks.webhooks.map(WebhookView.init), page: page, per: per, total: hooks.total)
    }

    @Sendable func show(req: Request) async throws -> WebhookView {
        WebhookView(try await find(req))
    }

    /// Stops deliveries at once; the log stays.
    @Sendable func remove(req: Request) async throws -> HTTPStatus {
        try await req.manageIntegrations().deleteWebhook(try id(req))
        return .noContent
    }

    /// A new secret; the old one keeps signing beside it for a day, so the receiver can switch over.
    @Sendable func rotate(req: Request) async throws -> Response {
        try await req.manageIntegrations().rotateSecret(try id(req))
        let hook = try await find(req)
        let answer = Created(
            id: try hook.requireID(), secret: hook.secret, url: hook.url, events: hook.events.map(\.rawValue),
            createdAt: hook.createdAt
        )
        let response = try await answer.encodeResponse(status: .ok, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func deliveries(req: Request) async throws -> DeliveryList {
        let hook = try await find(req)
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let (views, total) = try await IntegrationQueries.deliveryLog(
            of: try hook.requireID(), page: page, per: per, on: req.db)
        return DeliveryList(deliveries: views, page: page, per: per, total: total)
    }

    /// "Send again": the delivery is due now, with another day of retries.
    @Sendable func retry(req: Request) async throws -> DeliveryView {
        let hook = try id(req)
        guard let id = req.parameters.get("delivery", as: Int.self) else { throw Refusal.notFound() }
        try await req.manageIntegrations().sendAgain(
            webhook: hook, delivery: id, retrySeconds: WebhookWorker.retrySeconds)
        let (views, _) = try await IntegrationQueries.deliveryLog(of: hook, only: id, page: 1, per: 1, on: req.db)
        guard let view = views.first else { throw Refusal.notFound() }
        return view
    }

    private func find(_ req: Request) async throws -> Webhook {
        try await IntegrationQueries.webhook(try id(req), in: try req.requireUser().companyScope(), on: req.db)
    }

    private func id(_ req: Request) throws -> Int {
        guard let id = req.parameters.get("id", as: Int.self) else { throw Refusal.notFound() }
        return id
    }
}

extension Request {
    /// How a webhook address is judged for this installation, the host resolved off the event loop
    /// (it may block); the API and `/integrations` subscribe through it alike.
    /// What is wrong with a webhook's address, if anything, in words (the host is resolved off the
    /// event loop).
    var webhookJudge: @Sendable (String) async throws -> Message? {
        let production = application.environment == .production
        let allowPrivate = config.webhookAllowPrivate
        let pool = application.threadPool
        return { url in
            try await pool.runIfActive {
                WebhookTarget.check(url, production: production, allowPrivate: allowPrivate).map(WebhookTarget.message)
            }
        }
    }
}
