import Fluent
import Foundation
import RetourCore
import Vapor

/// `/api/v1/webhooks`: a reseller's purchasing department subscribes for its company, an
/// administrator for every company; each webhook keeps a log of its deliveries, any of which can be
/// sent again.
struct WebhooksController: RoleRouteCollection {
    static let maximumPerOwner = 20

    func boot(_ routes: RoleRoutes) throws {
        let hooks = routes.keyMakers.grouped("webhooks")
        hooks.post(use: create)
        hooks.get(use: list)
        hooks.get(":id", use: show)
        hooks.delete(":id", use: remove)
        hooks.post(":id", "rotate-secret", use: rotate)
        hooks.get(":id", "deliveries", use: deliveries)
        hooks.post(":id", "deliveries", ":delivery", "retry", use: retry)
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
            events = hook.events
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
        let user = try req.requireUser()
        let body = try req.content.decode(CreateBody.self)
        var errors: [FieldError] = []
        let url = (body.url ?? "").trimmingWhitespace()
        let config = req.config
        let environment = req.application.environment
        // Resolving the host may block: off the event loop.
        let refusal = try await req.application.threadPool.runIfActive {
            WebhookTarget.check(url, production: environment == .production, allowPrivate: config.webhookAllowPrivate)
        }
        if let refusal { errors.append(FieldError("url", message: WebhookTarget.message(refusal))) }
        let requested = body.events ?? []
        let known = Set(IntegrationEvents.Kind.allCases.map(\.rawValue))
        if requested.isEmpty || Set(requested).count != requested.count || !Set(requested).isSubset(of: known) {
            errors.append(
                FieldError(
                    "events",
                    message: Message(
                        "app.webhooks.chooseEvents", ["events": .text(known.sorted().joined(separator: ", "))])))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        let companyID = user.role.belongsToCompany ? user.companyID : nil
        let owned = try await Webhook.query(on: req.db).filter(\.$companyID == companyID).filter(\.$deletedAt == nil)
            .count()
        guard owned < Self.maximumPerOwner else {
            throw Problem(
                .conflict, detail: Message("app.webhooks.tooMany", ["maximum": "\(Self.maximumPerOwner)"]))
        }
        let hook = Webhook()
        hook.companyID = companyID
        hook.userID = try user.requireID()
        hook.url = url
        hook.eventList = requested.joined(separator: " ")
        hook.secret = Self.newSecret()
        hook.createdAt = req.now
        try await hook.create(on: req.db)
        let created = Created(
            id: try hook.requireID(), secret: hook.secret, url: url, events: requested, createdAt: hook.createdAt)
        let response = try await created.encodeResponse(status: .created, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func list(req: Request) async throws -> WebhookList {
        let user = try req.requireUser()
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let hooks = try await visible(to: user, on: req.db).sort(\.$id).paginate(PageRequest(page: page, per: per))
        return WebhookList(
            webhooks: hooks.items.map(WebhookView.init), page: page, per: per, total: hooks.metadata.total)
    }

    @Sendable func show(req: Request) async throws -> WebhookView {
        WebhookView(try await find(req))
    }

    /// Stops deliveries at once; the log stays.
    @Sendable func remove(req: Request) async throws -> HTTPStatus {
        let hook = try await find(req)
        hook.deletedAt = req.now
        try await hook.save(on: req.db)
        return .noContent
    }

    /// A new secret; the old one keeps signing beside it for a day, so the receiver can switch over.
    @Sendable func rotate(req: Request) async throws -> Response {
        let hook = try await find(req)
        hook.previousSecret = hook.secret
        hook.previousUntil = req.now.addingTimeInterval(24 * 3_600)
        hook.secret = Self.newSecret()
        try await hook.save(on: req.db)
        let answer = Created(
            id: try hook.requireID(), secret: hook.secret, url: hook.url, events: hook.events, createdAt: hook.createdAt
        )
        let response = try await answer.encodeResponse(status: .ok, for: req)
        response.headers.cacheControl = .init(noStore: true)
        return response
    }

    @Sendable func deliveries(req: Request) async throws -> DeliveryList {
        let hook = try await find(req)
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        let per = try req.boundedQuery("per", in: 1...500, default: 50)
        let (views, total) = try await Self.deliveryLog(of: try hook.requireID(), page: page, per: per, on: req.db)
        return DeliveryList(deliveries: views, page: page, per: per, total: total)
    }

    /// "Send again": the delivery is due now, with another day of retries.
    @Sendable func retry(req: Request) async throws -> DeliveryView {
        let hook = try await find(req)
        guard let id = req.parameters.get("delivery", as: Int.self),
            let delivery = try await WebhookDelivery.query(on: req.db).filter(\.$id == id)
                .filter(\.$webhookID == hook.requireID()).first()
        else { throw Problem.notFound() }
        try await Self.sendAgain(delivery, now: req.now, on: req.db)
        let (views, _) = try await Self.deliveryLog(of: try hook.requireID(), only: id, page: 1, per: 1, on: req.db)
        guard let view = views.first else { throw Problem.notFound() }
        return view
    }

    static func sendAgain(_ delivery: WebhookDelivery, now: Date, on db: any Database) async throws {
        delivery.status = "pending"
        delivery.unfinishedAttempts = 0
        delivery.nextAttemptAt = now
        delivery.giveUpAt = now.addingTimeInterval(WebhookWorker.retrySeconds)
        try await delivery.save(on: db)
    }

    /// The newest deliveries first — of `hook`, or of every webhook — with their event and request.
    static func deliveryLog(of hook: Int?, only: Int? = nil, page: Int, per: Int, on db: any Database) async throws
        -> ([DeliveryView], Int)
    {
        var query = WebhookDelivery.query(on: db)
        if let hook { query = query.filter(\.$webhookID == hook) }
        if let only { query = query.filter(\.$id == only) }
        let found = try await query.sort(\.$id, .descending).paginate(PageRequest(page: page, per: per))
        let rows = found.items
        let total = found.metadata.total
        let events = try await IntegrationEvent.query(on: db).filter(\.$id ~~ rows.map(\.eventID)).all()
        let requests = try await ReturnRequest.query(on: db).filter(\.$id ~~ rows.map(\.requestID)).all()
        let views = rows.map { row in
            let event = events.first { $0.id == row.eventID }
            return DeliveryView(
                id: row.id ?? 0, webhook: row.webhookID, event: event.map { "evt_\($0.sequence)" } ?? "",
                type: event?.type ?? "",
                request: requests.first { $0.id == row.requestID }?.number ?? "", status: row.status,
                attempts: row.attempts, responseStatus: row.responseStatus, lastError: row.lastError,
                lastAttemptAt: row.lastAttemptAt, nextAttemptAt: row.status == "pending" ? row.nextAttemptAt : nil,
                deliveredAt: row.deliveredAt)
        }
        return (views, total)
    }

    private func find(_ req: Request) async throws -> Webhook {
        let user = try req.requireUser()
        guard let id = req.parameters.get("id", as: Int.self),
            let hook = try await visible(to: user, on: req.db).filter(\.$id == id).first()
        else { throw Problem.notFound() }
        return hook
    }

    /// A company's webhooks to its purchasing department; every webhook to an administrator.
    private func visible(to user: User, on db: any Database) -> QueryBuilder<Webhook> {
        let query = Webhook.query(on: db).filter(\.$deletedAt == nil)
        if user.role.belongsToCompany { return query.filter(\.$companyID == user.companyID) }
        return query
    }

    static func newSecret() -> String { "whsec_" + randomToken(bytes: 32) }
}
