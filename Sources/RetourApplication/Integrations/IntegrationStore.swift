import Foundation
import RetourCore

/// A new API key as the store keeps it: its hash, never the key.
public struct NewAPIKey: Sendable, Hashable {
    public var companyID: Int?
    public var userID: Int
    public var role: Role
    public var name: String
    public var keyHash: String
    public var keyPrefix: String
    public var scopes: [APIScope]
    public var createdAt: Date
}

/// A new webhook with the secret that signs its deliveries.
public struct NewWebhook: Sendable, Hashable {
    public var companyID: Int?
    public var userID: Int
    public var url: String
    public var events: [EventType]
    public var secret: String
    public var createdAt: Date
}

/// What the integration use cases need from storage; its implementation is the only code that
/// writes keys, webhooks and their deliveries for them.
public protocol IntegrationStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns, and
    /// nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any IntegrationWork) async throws -> T) async throws -> T
}

/// The steps an integration use case takes inside one transaction. `owner` is a company, or nil for
/// the distributor's own keys and webhooks (then `maker` stands for it).
public protocol IntegrationWork: Sendable {
    /// Locks the owner (the company, or the maker when there is none), so that two keys or webhooks
    /// made at once are counted one after the other.
    func lockOwner(company: Int?, maker: Int) async throws
    func liveKeyCount(company: Int?) async throws -> Int
    func createKey(_ key: NewAPIKey) async throws -> Int
    /// Whether the key `id` is within `scope`, its row locked.
    func lockKey(_ id: Int, in scope: CompanyScope) async throws -> Bool
    /// Revokes the key at `at`, unless it was revoked before.
    func revokeKey(_ id: Int, at: Date) async throws
    func liveWebhookCount(company: Int?) async throws -> Int
    func createWebhook(_ hook: NewWebhook) async throws -> Int
    /// Whether the live webhook `id` is within `scope`, its row locked.
    func lockWebhook(_ id: Int, in scope: CompanyScope) async throws -> Bool
    func deleteWebhook(_ id: Int, at: Date) async throws
    /// The current secret becomes the previous one until `previousUntil`; `secret` signs from now.
    func rotateSecret(ofWebhook id: Int, to secret: String, previousUntil: Date) async throws
    /// Makes a delivery of webhook `hook` due at `now`, with retries until `giveUpAt`; false when the
    /// webhook has no such delivery.
    func retryDelivery(_ id: Int, ofWebhook hook: Int, now: Date, giveUpAt: Date) async throws -> Bool
    func audit(_ entry: AuditEntry) async throws
}
