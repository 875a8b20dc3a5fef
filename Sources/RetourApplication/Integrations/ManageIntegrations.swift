import Foundation
import RetourCore

/// What a purchasing department (for its company) or an administrator (for the distributor) does
/// with API keys and webhooks — the same use cases behind `/api/v1/api-keys`, `/api/v1/webhooks`
/// and the `/integrations` pages, so that both keep the same rules. Each step is one transaction
/// that locks what it counts or changes.
public struct ManageIntegrations: Sendable {
    /// Who acts: their id, role and company.
    public var userID: Int
    public var role: Role
    public var scope: CompanyScope
    public var now: Date
    public var store: any IntegrationStore
    /// A new random secret (key or webhook secret), and the hash a key is kept as.
    public var makeSecret: @Sendable () -> String
    public var hash: @Sendable (String) -> String

    public static let maximumNameLength = 100
    /// Keys that are not revoked, per company (and for the distributor's own): each has its own
    /// rate budget, so their number is bounded too.
    public static let maximumKeys = 20
    public static let maximumWebhooks = 20
    /// How long the old secret keeps signing beside a new one, so the receiver can switch over.
    public static let previousSecretSeconds: TimeInterval = 24 * 3_600
    public static let keyPrefix = "rk_"
    public static let webhookSecretPrefix = "whsec_"

    public init(
        userID: Int, role: Role, scope: CompanyScope, now: Date, store: any IntegrationStore,
        makeSecret: @escaping @Sendable () -> String, hash: @escaping @Sendable (String) -> String
    ) {
        self.userID = userID
        self.role = role
        self.scope = scope
        self.now = now
        self.store = store
        self.makeSecret = makeSecret
        self.hash = hash
    }

    /// The company the caller's keys and webhooks belong to; nil for the distributor's own.
    public var companyID: Int? { scope.companyID }

    /// A new key with `scopes` (each one the caller's role may grant); the key is returned this
    /// once and kept only as its hash.
    public func createKey(name rawName: String, scopes requested: [String]) async throws -> (id: Int, secret: String) {
        var errors: [FieldError] = []
        let name = rawName.trimmingWhitespace()
        if name.isEmpty || name.count > Self.maximumNameLength {
            errors.append(
                FieldError("name", message: Message("app.apikeys.nameLength", ["maximum": "\(Self.maximumNameLength)"]))
            )
        }
        let grantable = APIScope.grantable(by: role)
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
        let secret = Self.keyPrefix + makeSecret()
        let key = NewAPIKey(
            companyID: companyID, userID: userID, role: role, name: name, keyHash: hash(secret),
            keyPrefix: String(secret.prefix(Self.keyPrefix.count + 6)),
            scopes: scopes.sorted { $0.rawValue < $1.rawValue }, createdAt: now)
        let id = try await store.transaction { work in
            try await work.lockOwner(company: key.companyID, maker: key.userID)
            guard try await work.liveKeyCount(company: key.companyID) < Self.maximumKeys else {
                throw Refusal(.conflict, detail: Message("app.apikeys.tooMany", ["maximum": "\(Self.maximumKeys)"]))
            }
            return try await work.createKey(key)
        }
        return (id, secret)
    }

    /// Revoked at once everywhere (every request checks its key); kept, so its use stays on record.
    public func revokeKey(_ id: Int) async throws {
        let (scope, now) = (scope, now)
        try await store.transaction { work in
            guard try await work.lockKey(id, in: scope) else { throw Refusal.notFound() }
            try await work.revokeKey(id, at: now)
        }
    }

    /// The event types the caller's role may hear.
    public var listenable: [EventType] { EventType.listenable(byCompany: role.belongsToCompany) }

    /// Subscribes `url` to `events` (each one the caller's role may hear; nil stands for a name
    /// that is no event type). `judge` says what is wrong with the address, if anything (it may
    /// resolve the host). The secret that signs every delivery is stored with the webhook, to be
    /// shown this once.
    public func createWebhook(
        url rawURL: String, events requested: [EventType?], judge: (String) async throws -> Message?
    ) async throws -> Int {
        var errors: [FieldError] = []
        let url = rawURL.trimmingWhitespace()
        if let refusal = try await judge(url) { errors.append(FieldError("url", message: refusal)) }
        let known = Set(listenable)
        let events = requested.compactMap { $0 }
        if events.isEmpty || events.count != requested.count || Set(events).count != events.count
            || !Set(events).isSubset(of: known)
        {
            errors.append(
                FieldError(
                    "events",
                    message: Message(
                        "app.webhooks.chooseEvents",
                        ["events": .text(known.map(\.rawValue).sorted().joined(separator: ", "))])))
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        let hook = NewWebhook(
            companyID: companyID, userID: userID, url: url, events: events,
            secret: Self.webhookSecretPrefix + makeSecret(), createdAt: now)
        return try await store.transaction { work in
            try await work.lockOwner(company: hook.companyID, maker: hook.userID)
            guard try await work.liveWebhookCount(company: hook.companyID) < Self.maximumWebhooks else {
                throw Refusal(
                    .conflict, detail: Message("app.webhooks.tooMany", ["maximum": "\(Self.maximumWebhooks)"]))
            }
            return try await work.createWebhook(hook)
        }
    }

    /// Stops deliveries at once; the log stays.
    public func deleteWebhook(_ id: Int) async throws {
        let (scope, now) = (scope, now)
        try await store.transaction { work in
            guard try await work.lockWebhook(id, in: scope) else { throw Refusal.notFound() }
            try await work.deleteWebhook(id, at: now)
        }
    }

    /// A new secret; the old one keeps signing beside it for a day, so the receiver can switch over.
    public func rotateSecret(_ id: Int) async throws {
        let (scope, now) = (scope, now)
        let secret = Self.webhookSecretPrefix + makeSecret()
        try await store.transaction { work in
            guard try await work.lockWebhook(id, in: scope) else { throw Refusal.notFound() }
            try await work.rotateSecret(
                ofWebhook: id, to: secret, previousUntil: now.addingTimeInterval(Self.previousSecretSeconds))
        }
    }

    /// "Send again": the delivery of one of the caller's webhooks is due now, with `retrySeconds`
    /// more of retries; recorded in the audit log.
    public func sendAgain(webhook hookID: Int, delivery id: Int, retrySeconds: TimeInterval) async throws {
        let (scope, now, userID) = (scope, now, userID)
        try await store.transaction { work in
            guard try await work.lockWebhook(hookID, in: scope),
                try await work.retryDelivery(
                    id, ofWebhook: hookID, now: now, giveUpAt: now.addingTimeInterval(retrySeconds))
            else { throw Refusal.notFound() }
            try await work.audit(
                AuditEntry(
                    at: now, actorID: userID, action: "webhook.retry", subject: "delivery \(id)",
                    detail: "webhook \(hookID)"))
        }
    }
}
