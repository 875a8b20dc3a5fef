import Foundation
import RetourApplication
import RetourCore

/// Policy versions and brands as plain values. A transaction works on a copy and keeps it only when
/// the work returns, like the database's.
actor InMemoryRulesStore: RulesStore {
    struct State: Sendable {
        var versions: [PublishedVersion] = []
        var policies: [Int: Policy] = [:]
        var brands: [Int: BrandSettings] = [:]
        var audit: [AuditEntry] = []
        var articles: Set<String> = []
    }

    var state = State()

    func add(_ brand: BrandSettings) { state.brands[brand.id] = brand }
    func addArticle(_ number: String) { state.articles.insert(number) }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any RulesWork) async throws -> T) async throws -> T {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: RulesWork {
        var state: State
        init(state: State) { self.state = state }

        func lockLatestVersion() async throws -> Int { state.versions.map(\.version).max() ?? 0 }

        func addVersion(
            _ version: Int, policy: Policy, effectiveFrom: CalendarDay, note: String?, by actorID: Int, at now: Date
        ) async throws -> PublishedVersion {
            let published = PublishedVersion(version: version, effectiveFrom: effectiveFrom, note: note, createdAt: now)
            state.versions.append(published)
            state.policies[version] = policy
            return published
        }

        /// The newest version from `day` or before, as the database store reads it.
        func policy(inForceOn day: CalendarDay) async throws -> Policy {
            let inForce = state.versions.filter { $0.effectiveFrom <= day }
                .max { ($0.effectiveFrom, $0.version) < ($1.effectiveFrom, $1.version) }
            return inForce.flatMap { state.policies[$0.version] } ?? .standard
        }

        func articleExists(_ number: String) async throws -> Bool { state.articles.contains(number) }

        func lockBrand(_ id: Int) async throws -> BrandSettings? { state.brands[id] }
        func setBrand(_ settings: BrandSettings) async throws { state.brands[settings.id] = settings }
        func audit(_ entry: AuditEntry) async throws { state.audit.append(entry) }
    }
}
