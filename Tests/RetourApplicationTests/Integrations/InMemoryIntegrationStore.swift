import Foundation
import RetourApplication
import RetourCore

/// Keys, webhooks and deliveries as plain values; a transaction keeps its copy only when the work
/// returns.
actor InMemoryIntegrationStore: IntegrationStore {
    struct Key: Sendable {
        var key: NewAPIKey
        var revokedAt: Date?
    }

    struct Hook: Sendable {
        var hook: NewWebhook
        var deletedAt: Date?
        var previousSecret: String?
        var previousUntil: Date?
    }

    struct Delivery: Sendable {
        var webhook: Int
        var dueAt: Date?
        var giveUpAt: Date?
    }

    struct State: Sendable {
        var keys: [Int: Key] = [:]
        var hooks: [Int: Hook] = [:]
        var deliveries: [Int: Delivery] = [:]
        var audit: [AuditEntry] = []
        var locked: [String] = []
        var nextID = 1
    }

    var state = State()

    func addDelivery(_ id: Int, webhook: Int) { state.deliveries[id] = Delivery(webhook: webhook) }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any IntegrationWork) async throws -> T) async throws -> T
    {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: IntegrationWork {
        var state: State
        init(state: State) { self.state = state }

        private func within(_ company: Int?, _ scope: CompanyScope) -> Bool {
            guard case .company(let id) = scope else { return true }
            return company == id
        }

        func lockOwner(company: Int?, maker: Int) async throws {
            state.locked.append(company.map { "company \($0)" } ?? "user \(maker)")
        }

        func liveKeyCount(company: Int?) async throws -> Int {
            state.keys.values.filter { $0.key.companyID == company && $0.revokedAt == nil }.count
        }

        func createKey(_ key: NewAPIKey) async throws -> Int {
            defer { state.nextID += 1 }
            state.keys[state.nextID] = Key(key: key)
            return state.nextID
        }

        func lockKey(_ id: Int, in scope: CompanyScope) async throws -> Bool {
            state.keys[id].map { within($0.key.companyID, scope) } ?? false
        }

        func revokeKey(_ id: Int, at: Date) async throws {
            if state.keys[id]?.revokedAt == nil { state.keys[id]?.revokedAt = at }
        }

        func liveWebhookCount(company: Int?) async throws -> Int {
            state.hooks.values.filter { $0.hook.companyID == company && $0.deletedAt == nil }.count
        }

        func createWebhook(_ hook: NewWebhook) async throws -> Int {
            defer { state.nextID += 1 }
            state.hooks[state.nextID] = Hook(hook: hook)
            return state.nextID
        }

        func lockWebhook(_ id: Int, in scope: CompanyScope) async throws -> Bool {
            state.hooks[id].map { $0.deletedAt == nil && within($0.hook.companyID, scope) } ?? false
        }

        func deleteWebhook(_ id: Int, at: Date) async throws { state.hooks[id]?.deletedAt = at }

        func rotateSecret(ofWebhook id: Int, to secret: String, previousUntil: Date) async throws {
            guard var hook = state.hooks[id] else { return }
            hook.previousSecret = hook.hook.secret
            hook.previousUntil = previousUntil
            hook.hook.secret = secret
            state.hooks[id] = hook
        }

        func retryDelivery(_ id: Int, ofWebhook hook: Int, now: Date, giveUpAt: Date) async throws -> Bool {
            guard state.deliveries[id]?.webhook == hook else { return false }
            state.deliveries[id]?.dueAt = now
            state.deliveries[id]?.giveUpAt = giveUpAt
            return true
        }

        func audit(_ entry: AuditEntry) async throws { state.audit.append(entry) }
    }
}
