import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The keys, webhooks and deliveries behind `ManageIntegrations`: the only code that writes them
/// for those use cases. What the pages and the API list is read by `IntegrationQueries`.
struct DatabaseIntegrationStore: IntegrationStore {
    let database: any Database

    /// A key's row as using it leaves it.
    struct UsedKey: Decodable {
        var id: Int
        var user_id: Int
        var scopes: String
        var window_count: Int
        var previous_count: Int
        var company_id: Int?
        var role: String?
    }

    /// Records a use of the key (last used, the rate limit's counts) and returns it, in one
    /// statement; nil when it is unknown or revoked. SQLite has one writer: the update queues with
    /// the other writers instead of meeting "database is locked" (PostgreSQL takes it as it comes).
    /// Every SET reads the row as it was.
    func use(keyHash: String, at now: Int64, window: Int64) async throws -> UsedKey? {
        let use: @Sendable (any Database) async throws -> UsedKey? = { db in
            try await db.sql.raw(
                """
                UPDATE api_keys SET last_used_at = \(bind: now),
                       previous_count = CASE WHEN window_start = \(bind: window) THEN previous_count
                                             WHEN window_start = \(bind: window - 60) THEN window_count ELSE 0 END,
                       window_count = CASE WHEN window_start = \(bind: window) THEN window_count + 1 ELSE 1 END,
                       window_start = \(bind: window)
                 WHERE key_hash = \(bind: keyHash) AND revoked_at IS NULL
                RETURNING id, user_id, scopes, window_count, previous_count, company_id, role
                """
            ).first(decoding: UsedKey.self)
        }
        return try await database.isSQLite ? database.writeTransaction(use) : use(database)
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any IntegrationWork) async throws -> T) async throws
        -> T
    {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    private struct Work: IntegrationWork {
        let db: any Database

        func lockOwner(company: Int?, maker: Int) async throws {
            if let company {
                try await db.lockForUpdate(Company.schema, ids: [company])
            } else {
                try await db.lockForUpdate(User.schema, ids: [maker])
            }
        }

        func liveKeyCount(company: Int?) async throws -> Int {
            try await APIKey.query(on: db).filter(\.$companyID == company).filter(\.$revokedAt == nil).count()
        }

        func createKey(_ key: NewAPIKey) async throws -> Int {
            let record = APIKey()
            record.companyID = key.companyID
            record.userID = key.userID
            record.role = key.role
            record.name = key.name
            record.keyHash = key.keyHash
            record.keyPrefix = key.keyPrefix
            record.scopeList = key.scopes.map(\.rawValue).joined(separator: " ")
            record.createdAt = key.createdAt
            record.windowStart = 0
            record.windowCount = 0
            record.previousCount = 0
            try await record.create(on: db)
            return try record.requireID()
        }

        func lockKey(_ id: Int, in scope: CompanyScope) async throws -> Bool {
            try await db.lockForUpdate(APIKey.schema, ids: [id])
            return try await IntegrationQueries.keys(in: scope, on: db).filter(\.$id == id).count() > 0
        }

        func revokeKey(_ id: Int, at: Date) async throws {
            try await APIKey.query(on: db).filter(\.$id == id).filter(\.$revokedAt == nil).set(\.$revokedAt, to: at)
                .update()
        }

        func liveWebhookCount(company: Int?) async throws -> Int {
            try await Webhook.query(on: db).filter(\.$companyID == company).filter(\.$deletedAt == nil).count()
        }

        func createWebhook(_ hook: NewWebhook) async throws -> Int {
            let record = Webhook()
            record.companyID = hook.companyID
            record.userID = hook.userID
            record.url = hook.url
            record.events = hook.events
            record.secret = hook.secret
            record.createdAt = hook.createdAt
            try await record.create(on: db)
            return try record.requireID()
        }

        func lockWebhook(_ id: Int, in scope: CompanyScope) async throws -> Bool {
            try await db.lockForUpdate(Webhook.schema, ids: [id])
            return try await IntegrationQueries.webhooks(in: scope, on: db).filter(\.$id == id).count() > 0
        }

        func deleteWebhook(_ id: Int, at: Date) async throws {
            try await Webhook.query(on: db).filter(\.$id == id).set(\.$deletedAt, to: at).update()
        }

        func rotateSecret(ofWebhook id: Int, to secret: String, previousUntil: Date) async throws {
            guard let hook = try await Webhook.find(id, on: db) else { throw Refusal.notFound() }
            hook.previousSecret = hook.secret
            hook.previousUntil = previousUntil
            hook.secret = secret
            try await hook.save(on: db)
        }

        func retryDelivery(_ id: Int, ofWebhook hook: Int, now: Date, giveUpAt: Date) async throws -> Bool {
            guard
                let delivery = try await WebhookDelivery.query(on: db).filter(\.$id == id)
                    .filter(\.$webhookID == hook).first()
            else { return false }
            delivery.status = .pending
            delivery.unfinishedAttempts = 0
            delivery.nextAttemptAt = now
            delivery.giveUpAt = giveUpAt
            try await delivery.save(on: db)
            return true
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }
}

/// What the integration pages and the API list: a company's keys and webhooks to its purchasing
/// department, every one to an administrator (so that a leaked key can be revoked whoever made it).
extension Request {
    /// The integration use cases as the signed-in user may use them.
    func manageIntegrations() throws -> ManageIntegrations {
        let user = try requireUser()
        return ManageIntegrations(
            userID: try user.requireID(), role: user.role, scope: try user.companyScope(), now: now,
            store: DatabaseIntegrationStore(database: db), makeSecret: { randomToken(bytes: 32) },
            hash: { Tokens.hash($0) })
    }
}
