import Fluent
import Foundation
import RetourCore

/// The keys, webhooks, deliveries and events as the pages and the API list them, within what the
/// reader's company may see.
enum IntegrationQueries {
    static func keys(in scope: CompanyScope, on db: any Database) -> QueryBuilder<APIKey> {
        let query = APIKey.query(on: db)
        guard let company = scope.companyID else { return query }
        return query.filter(\.$companyID == company)
    }

    static func key(_ id: Int, in scope: CompanyScope, on db: any Database) async throws -> APIKey {
        guard let key = try await keys(in: scope, on: db).filter(\.$id == id).first() else { throw Refusal.notFound() }
        return key
    }

    /// A key with the person who made it (whose standing decides whether the key still works).
    static func keyWithMaker(_ id: Int, in scope: CompanyScope, on db: any Database) async throws -> (APIKey, User?) {
        let key = try await key(id, in: scope, on: db)
        return (key, try await User.find(key.userID, on: db))
    }

    /// The newest keys first, a page at a time, with their makers.
    static func keysPage(in scope: CompanyScope, page: PageRequest, on db: any Database) async throws
        -> (keys: [(APIKey, maker: User?)], total: Int)
    {
        let found = try await keys(in: scope, on: db).sort(\.$id, .descending).paginate(page)
        return (try await withMakers(found.items, on: db), found.metadata.total)
    }

    /// The newest `limit` keys not revoked, with their makers: the company's integrations page.
    static func newestLiveKeys(in scope: CompanyScope, limit: Int, on db: any Database) async throws
        -> [(APIKey, maker: User?)]
    {
        let found = try await keys(in: scope, on: db).filter(\.$revokedAt == nil).sort(\.$id, .descending)
            .limit(limit).all()
        return try await withMakers(found, on: db)
    }

    private static func withMakers(_ keys: [APIKey], on db: any Database) async throws -> [(APIKey, maker: User?)] {
        let makers = try await User.query(on: db).filter(\.$id ~~ Set(keys.map(\.userID))).all()
        return keys.map { key in (key, makers.first { $0.id == key.userID }) }
    }

    /// The live ones.
    static func webhooks(in scope: CompanyScope, on db: any Database) -> QueryBuilder<Webhook> {
        let query = Webhook.query(on: db).filter(\.$deletedAt == nil)
        guard let company = scope.companyID else { return query }
        return query.filter(\.$companyID == company)
    }

    static func webhook(_ id: Int, in scope: CompanyScope, on db: any Database) async throws -> Webhook {
        guard let hook = try await webhooks(in: scope, on: db).filter(\.$id == id).first() else {
            throw Refusal.notFound()
        }
        return hook
    }

    /// The first `limit` live webhooks, in the order they were made.
    static func firstWebhooks(in scope: CompanyScope, limit: Int, on db: any Database) async throws -> [Webhook] {
        try await webhooks(in: scope, on: db).sort(\.$id).limit(limit).all()
    }

    /// The live webhooks in the order they were made, a page at a time.
    static func webhooksPage(in scope: CompanyScope, page: PageRequest, on db: any Database) async throws
        -> (webhooks: [Webhook], total: Int)
    {
        let found = try await webhooks(in: scope, on: db).sort(\.$id).paginate(page)
        return (found.items, found.metadata.total)
    }

    /// Every live webhook with its company (nil: the distributor's, for every company).
    static func everyWebhook(limit: Int, on db: any Database) async throws -> [(Webhook, company: Company?)] {
        let hooks = try await Webhook.query(on: db).filter(\.$deletedAt == nil).sort(\.$id).limit(limit).all()
        let companies = try await Company.query(on: db).filter(\.$id ~~ hooks.compactMap(\.companyID)).all()
        return hooks.map { hook in (hook, companies.first { $0.id == hook.companyID }) }
    }

    /// The newest deliveries first — of `hook`, or of every webhook — with their event and request.
    static func deliveryLog(of hook: Int?, only: Int? = nil, page: Int, per: Int, on db: any Database) async throws
        -> ([WebhooksController.DeliveryView], Int)
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
            return WebhooksController.DeliveryView(
                id: row.id ?? 0, webhook: row.webhookID, event: event.map { "evt_\($0.sequence)" } ?? "",
                type: event?.type.rawValue ?? "",
                request: requests.first { $0.id == row.requestID }?.number ?? "", status: row.status.rawValue,
                attempts: row.attempts, responseStatus: row.responseStatus, lastError: row.lastError,
                lastAttemptAt: row.lastAttemptAt, nextAttemptAt: row.status == .pending ? row.nextAttemptAt : nil,
                deliveredAt: row.deliveredAt)
        }
        return (views, total)
    }

    /// Up to `limit` events after the cursor `after`, in the order they were numbered.
    static func events(after: Int64, in scope: CompanyScope, limit: Int, on db: any Database) async throws
        -> [IntegrationEvent]
    {
        let query = IntegrationEvent.query(on: db).filter(\.$sequence > after)
        if let company = scope.companyID { query.filter(\.$companyID == company) }
        return try await query.sort(\.$sequence).limit(limit).all()
    }
}
