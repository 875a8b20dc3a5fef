import Foundation
import RetourApplication
import RetourCore
import Testing

/// Keys and webhooks of a purchasing department and of the distributor, against a store of plain
/// values.
@Suite struct IntegrationUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)

    static func manage(
        _ store: InMemoryIntegrationStore, role: Role = .resellerAdmin, scope: CompanyScope = .company(7)
    )
        -> ManageIntegrations
    {
        ManageIntegrations(
            userID: 1, role: role, scope: scope, now: now, store: store, makeSecret: { "s3cr3tvalue" },
            hash: { "sha:" + $0 })
    }

    @Test func aKeyIsShownOnceAndKeptAsItsHashForTheCallersCompany() async throws {
        let store = InMemoryIntegrationStore()
        let (id, secret) = try await Self.manage(store).createKey(name: " ERP ", scopes: ["read", "register"])
        #expect(secret == "rk_s3cr3tvalue")
        let stored = try #require(await store.state.keys[id]?.key)
        #expect(stored.keyHash == "sha:rk_s3cr3tvalue" && stored.keyPrefix == "rk_s3cr3t")
        #expect(stored.name == "ERP" && stored.companyID == 7 && stored.scopes == [.read, .register])
        #expect(await store.state.locked == ["company 7"])
    }

    @Test func aScopeTheRoleMayNotGrantAndAnEmptyNameAreRefusedTogether() async throws {
        let store = InMemoryIntegrationStore()
        let refusal = await #expect(throws: Refusal.self) {
            try await Self.manage(store).createKey(name: "", scopes: ["import"])
        }
        #expect(Set(refusal?.errors.map(\.field) ?? []) == ["name", "scopes"])
        #expect(await store.state.keys.isEmpty)
    }

    @Test func theTwentyFirstLiveKeyIsRefusedButARevokedOneMakesRoom() async throws {
        let store = InMemoryIntegrationStore()
        let manage = Self.manage(store)
        var ids: [Int] = []
        for number in 1...ManageIntegrations.maximumKeys {
            ids.append(try await manage.createKey(name: "key \(number)", scopes: ["read"]).id)
        }
        let refusal = await #expect(throws: Refusal.self) {
            try await manage.createKey(name: "one more", scopes: ["read"])
        }
        #expect(refusal?.kind == .conflict)
        try await manage.revokeKey(ids[0])
        _ = try await manage.createKey(name: "one more", scopes: ["read"])
    }

    @Test func anotherCompanysKeyOrWebhookIsNotFoundButTheDistributorReachesThem() async throws {
        let store = InMemoryIntegrationStore()
        let other = Self.manage(store, scope: .company(8))
        let key = try await other.createKey(name: "theirs", scopes: ["read"]).id
        let hook = try await other.createWebhook(
            url: "https://example.com/hook", events: [.request(.requestCreated)], judge: { _ in nil })
        let mine = Self.manage(store)
        for step in [
            { try await mine.revokeKey(key) }, { try await mine.deleteWebhook(hook) },
            { try await mine.rotateSecret(hook) },
        ] as [@Sendable () async throws -> Void] {
            let refusal = await #expect(throws: Refusal.self) { try await step() }
            #expect(refusal?.kind == .notFound)
        }
        #expect(await store.state.keys[key]?.revokedAt == nil)
        try await Self.manage(store, role: .admin, scope: .allCompanies).revokeKey(key)
        #expect(await store.state.keys[key]?.revokedAt == Self.now)
    }

    @Test func aWebhookNamesWhatIsWrongWithItsAddressAndEvents() async throws {
        let store = InMemoryIntegrationStore()
        let refusal = await #expect(throws: Refusal.self) {
            try await Self.manage(store).createWebhook(
                url: "http://10.0.0.1/", events: [.vendorClaim(.sent)],
                judge: { _ in Message("app.webhooks.privateAddress") })
        }
        #expect(refusal?.errors.map(\.field) == ["url", "events"])
        #expect(refusal?.errors.first?.message == Message("app.webhooks.privateAddress"))
    }

    @Test func aWebhookListensOnlyToKnownEventsItsRoleMayHearEachOnce() async throws {
        let store = InMemoryIntegrationStore()
        let url = "https://example.com/hook"
        for events: [EventType?] in [[], [nil], [.request(.requestCreated), .request(.requestCreated)]] {
            let refusal = await #expect(throws: Refusal.self) {
                try await Self.manage(store).createWebhook(url: url, events: events, judge: { _ in nil })
            }
            #expect(refusal?.errors.map(\.field) == ["events"], "\(events)")
        }
        let admin = Self.manage(store, role: .admin, scope: .allCompanies)
        #expect(admin.listenable.contains(.vendorClaim(.settled)))
        #expect(!Self.manage(store).listenable.contains(.vendorClaim(.settled)))
        let id = try await admin.createWebhook(
            url: url, events: [.vendorClaim(.sent), .request(.creditNoteCreated)], judge: { _ in nil })
        #expect(await store.state.hooks[id]?.hook.events == [.vendorClaim(.sent), .request(.creditNoteCreated)])
        #expect(EventType(rawValue: "vendor_claim.sent") == .vendorClaim(.sent))
        #expect(EventType(rawValue: "request.submitted") == nil)
    }

    @Test func aRotatedSecretSignsBesideTheOldOneForADay() async throws {
        let store = InMemoryIntegrationStore()
        var manage = Self.manage(store)
        manage.makeSecret = { String(UInt64.random(in: 0...UInt64.max)) }
        let id = try await manage.createWebhook(
            url: "https://example.com/hook", events: [.request(.requestCreated)], judge: { _ in nil })
        let original = try #require(await store.state.hooks[id]?.hook.secret)
        #expect(original.hasPrefix("whsec_"))
        try await manage.rotateSecret(id)
        let hook = try #require(await store.state.hooks[id])
        #expect(hook.previousSecret == original && hook.hook.secret != original)
        #expect(hook.previousUntil == Self.now.addingTimeInterval(24 * 3_600))
        try await manage.deleteWebhook(id)
        await #expect(throws: Refusal.self) { try await manage.rotateSecret(id) }
    }

    @Test func sendingAgainIsDueNowIsAuditedAndOnlyForTheWebhooksOwnDelivery() async throws {
        let store = InMemoryIntegrationStore()
        let manage = Self.manage(store)
        let id = try await manage.createWebhook(
            url: "https://example.com/hook", events: [.request(.requestCreated)], judge: { _ in nil })
        await store.addDelivery(41, webhook: id)
        await store.addDelivery(42, webhook: id + 1)
        try await manage.sendAgain(webhook: id, delivery: 41, retrySeconds: 86_400)
        #expect(await store.state.deliveries[41]?.dueAt == Self.now)
        #expect(await store.state.deliveries[41]?.giveUpAt == Self.now.addingTimeInterval(86_400))
        #expect(await store.state.audit.map(\.subject) == ["delivery 41"])
        await #expect(throws: Refusal.self) { try await manage.sendAgain(webhook: id, delivery: 42, retrySeconds: 1) }
        #expect(await store.state.audit.count == 1)
    }
}
