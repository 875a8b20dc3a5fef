import Fluent
import Foundation
import RetourCore
import Vapor

/// What a purchasing department (for its company) or an administrator (for the distributor) does
/// with API keys and webhooks — the same use cases behind `/api/v1/api-keys`, `/api/v1/webhooks`
/// and the `/integrations` pages, so that both keep the same rules.
struct ManageIntegrations {
    var user: User
    var now: Date
    var database: any Database

    static let maximumNameLength = 100
    /// Keys that are not revoked, per company (and for the distributor's own): each has its own
    /// rate budget, so their number is bounded too.
    static let maximumKeys = 20
    static let maximumWebhooks = 20

    /// The company the caller's keys and webhooks belong to; nil for the distributor's own.
    var companyID: Int? {
        get throws {
            switch try user.companyScope() {
            case .company(let id): id
            case .allCompanies: nil
            }
        }
    }

    /// A new key with `scopes` (each one the caller's role may grant); the key is returned this
    /// once and kept only as its hash.
    func createKey(name rawName: String, scopes requested: [String]) async throws -> (key: APIKey, secret: String) {
        var errors: [FieldError] = []
        let name = rawName.trimmingWhitespace()
        if name.isEmpty || name.count > Self.maximumNameLength {
            errors.append(
                FieldError("name", message: Message("app.apikeys.nameLength", ["maximum": "\(Self.maximumNameLength)"]))
            )
        }
        let grantable = APIScope.grantable(by: user.role)
        let scopes = Set(requested.compactMap(APIScope.init(rawValue:)))
        if requested.isEmpty || requested.count > APIScope.allCases.count || scopes.count != requested.count
            || !scopes.isSubset(of: grantable)
        {
            errors.append(
                FieldError(
                    "scopes",
                    message: Message(
                        "app.apikeys.chooseScopes",
                        ["scopes": .text(grantable.map(\.rawValue).sorted().joined(separator: ", "))])
                ))
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }

        let secret = APIKeys.prefix + randomToken(bytes: 32)
        let record = APIKey()
        let companyID = try companyID
        record.companyID = companyID
        record.userID = try user.requireID()
        record.role = user.role
        record.name = name
        record.keyHash = Tokens.hash(secret)
        record.keyPrefix = String(secret.prefix(APIKeys.prefix.count + 6))
        record.scopeList = scopes.map(\.rawValue).sorted().joined(separator: " ")
        record.createdAt = now
        record.windowStart = 0
        record.windowCount = 0
        record.previousCount = 0
        let userID = try user.requireID()
        try await database.writeTransaction { db in
            // The company (or for the distributor's keys, the maker) is locked while counting, so
            // two keys made at once cannot both be the twentieth.
            if let companyID {
                try await db.lockForUpdate(Company.schema, ids: [companyID])
            } else {
                try await db.lockForUpdate(User.schema, ids: [userID])
            }
            let live = try await APIKey.query(on: db).filter(\.$companyID == companyID).filter(\.$revokedAt == nil)
                .count()
            guard live < Self.maximumKeys else {
                throw Refusal(.conflict, detail: Message("app.apikeys.tooMany", ["maximum": "\(Self.maximumKeys)"]))
            }
            try await record.create(on: db)
        }
        return (record, secret)
    }

    /// A company's keys to its purchasing department; every key to an administrator, so that a
    /// leaked one can be revoked whoever made it.
    func keys() throws -> QueryBuilder<APIKey> {
        let query = APIKey.query(on: database)
        guard let companyID = try companyID else { return query }
        return query.filter(\.$companyID == companyID)
    }

    func key(_ id: Int) async throws -> APIKey {
        guard let key = try await keys().filter(\.$id == id).first() else { throw Refusal.notFound() }
        return key
    }

    /// Revoked at once everywhere (every request checks its key); kept, so its use stays on record.
    func revokeKey(_ id: Int) async throws -> APIKey {
        let key = try await key(id)
        if key.revokedAt == nil {
            key.revokedAt = now
            try await key.save(on: database)
        }
        return key
    }

    /// Subscribes `url` (judged by `judge`, which may resolve the host) to `events`; the secret
    /// that signs every delivery is on the returned webhook, shown this once.
    func createWebhook(
        url rawURL: String, events requested: [String],
        judge: (String) async throws -> WebhookTarget.Refusal?
    ) async throws -> Webhook {
        var errors: [FieldError] = []
        let url = rawURL.trimmingWhitespace()
        if let refusal = try await judge(url) {
            errors.append(FieldError("url", message: WebhookTarget.message(refusal)))
        }
        let known = Set(IntegrationEvents.types(for: user.role))
        if requested.isEmpty || Set(requested).count != requested.count || !Set(requested).isSubset(of: known) {
            errors.append(
                FieldError(
                    "events",
                    message: Message(
                        "app.webhooks.chooseEvents", ["events": .text(known.sorted().joined(separator: ", "))])))
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        let companyID = try companyID
        let userID = try user.requireID()
        let hook = Webhook()
        hook.companyID = companyID
        hook.userID = userID
        hook.url = url
        hook.eventList = requested.joined(separator: " ")
        hook.secret = Self.newSecret()
        hook.createdAt = now
        try await database.writeTransaction { db in
            if let companyID {
                try await db.lockForUpdate(Company.schema, ids: [companyID])
            } else {
                try await db.lockForUpdate(User.schema, ids: [userID])
            }
            let owned = try await Webhook.query(on: db).filter(\.$companyID == companyID)
                .filter(\.$deletedAt == nil).count()
            guard owned < Self.maximumWebhooks else {
                throw Refusal(
                    .conflict, detail: Message("app.webhooks.tooMany", ["maximum": "\(Self.maximumWebhooks)"]))
            }
            try await hook.create(on: db)
        }
        return hook
    }

    /// A company's webhooks to its purchasing department; every webhook to an administrator.
    func webhooks() throws -> QueryBuilder<Webhook> {
        let query = Webhook.query(on: database).filter(\.$deletedAt == nil)
        guard let companyID = try companyID else { return query }
        return query.filter(\.$companyID == companyID)
    }

    func webhook(_ id: Int) async throws -> Webhook {
        guard let hook = try await webhooks().filter(\.$id == id).first() else { throw Refusal.notFound() }
        return hook
    }

    /// Stops deliveries at once; the log stays.
    func deleteWebhook(_ id: Int) async throws {
        let hook = try await webhook(id)
        hook.deletedAt = now
        try await hook.save(on: database)
    }

    /// A new secret; the old one keeps signing beside it for a day, so the receiver can switch over.
    func rotateSecret(_ id: Int) async throws -> Webhook {
        let hook = try await webhook(id)
        hook.previousSecret = hook.secret
        hook.previousUntil = now.addingTimeInterval(24 * 3_600)
        hook.secret = Self.newSecret()
        try await hook.save(on: database)
        return hook
    }

    /// "Send again": the delivery of one of the caller's webhooks is due now, with another day of
    /// retries; recorded in the audit log.
    func sendAgain(webhook hookID: Int, delivery id: Int) async throws {
        let hook = try await webhook(hookID)
        guard
            let delivery = try await WebhookDelivery.query(on: database).filter(\.$id == id)
                .filter(\.$webhookID == hook.requireID()).first()
        else { throw Refusal.notFound() }
        try await database.transaction { db in
            delivery.status = .pending
            delivery.unfinishedAttempts = 0
            delivery.nextAttemptAt = now
            delivery.giveUpAt = now.addingTimeInterval(WebhookWorker.retrySeconds)
            try await delivery.save(on: db)
            try await AuditEvent(
                at: now, actorID: user.id, action: "webhook.retry", subject: "delivery \(id)",
                detail: "webhook \(hookID)"
            ).create(on: db)
        }
    }

    static func newSecret() -> String { "whsec_" + randomToken(bytes: 32) }
}
