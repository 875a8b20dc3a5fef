import Foundation
import RetourApplication
import RetourCore

/// Requests, their timelines and what the reseller and the world were told, as plain values. A
/// transaction works on a copy and keeps it only when the work returns, like the database's — the
/// number sequences included, so a refused step leaves no gap.
actor InMemoryRequestStore: RequestStore {
    struct State: Sendable {
        var requests: [Int: StoredRequest] = [:]
        var steps: [Int: [TimelineStep]] = [:]
        var told: [(request: String, notice: ResellerNotice)] = []
        var announced: [(request: String, kind: IntegrationEventKind)] = []
        var sequences: [NumberSequenceName: Int64] = [:]
        var freedSerials: [Int] = []
        var audit: [String] = []
        /// Stored files and their company.
        var files: [String: Int] = [:]
        /// Users whose mail cannot be delivered (gone or disabled).
        var unreachable: Set<Int> = []
        var unitPrices: [Int: Money] = [:]
        var policy = Policy.standard
    }

    var state = State()

    func add(_ request: StoredRequest) { state.requests[request.id] = request }
    func addFile(_ id: String, company: Int) { state.files[id] = company }
    func setUnreachable(_ userID: Int) { state.unreachable.insert(userID) }
    func setUnitPrice(_ price: Money, line: Int) { state.unitPrices[line] = price }
    func request(_ id: Int) -> StoredRequest? { state.requests[id] }
    func steps(_ id: Int) -> [TimelineStep] { state.steps[id] ?? [] }
    var told: [ResellerNotice] { state.told.map(\.notice) }
    var announced: [IntegrationEventKind] { state.announced.map(\.kind) }
    var audit: [String] { state.audit }
    var freedSerials: [Int] { state.freedSerials }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any RequestWork) async throws -> T) async throws -> T {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: RequestWork {
        var state: State
        init(state: State) { self.state = state }

        func lockRequest(id: Int) async throws -> StoredRequest? { state.requests[id] }

        func claimRequest(_ due: DueRequests) async throws -> StoredRequest? {
            state.requests.values.sorted { $0.id < $1.id }.first { request in
                switch due {
                case .expired(let today):
                    return request.status == .awaitingGoods && request.validUntil.map { $0 < today } == true
                case .rmaReminder(let lastDay):
                    return request.status == .awaitingGoods && request.validUntil == lastDay && !request.reminderSent
                case .replacement(let soon, let today):
                    guard let replacement = request.replacement, replacement.status == .shipped,
                        let returnBy = replacement.returnBy, returnBy <= soon
                    else { return false }
                    return returnBy < today || !replacement.reminded
                }
            }
        }

        func save(_ request: StoredRequest) async throws { state.requests[request.id] = request }

        func next(_ sequence: NumberSequenceName) async throws -> Int64 {
            state.sequences[sequence, default: 0] += 1
            return state.sequences[sequence, default: 0]
        }

        func freeSerials(ofRequest id: Int) async throws { state.freedSerials.append(id) }

        func addStep(_ step: TimelineStep, to request: StoredRequest) async throws {
            state.steps[request.id, default: []].append(step)
        }

        func fileCompany(id: String, visibleTo viewer: CompanyScope) async throws -> Int? {
            guard let company = state.files[id] else { return nil }
            switch viewer {
            case .allCompanies: return company
            case .company(let own): return company == own ? own : nil
            }
        }

        func policy(version: Int) async throws -> Policy { state.policy }
        func policy(on day: CalendarDay) async throws -> Policy { state.policy }
        func unitPrice(lineID: Int) async throws -> Money { state.unitPrices[lineID] ?? .zero }

        func resellerTexts(of request: StoredRequest) async throws -> Translations {
            Translations(language: .en, texts: ["receipt.heading": "Received differently: {differences}"])
        }

        func tell(_ notice: ResellerNotice, about request: StoredRequest, by actor: Actor, actorID: Int?, at: Date)
            async throws -> Bool
        {
            guard !state.unreachable.contains(request.userID) else { return false }
            state.told.append((request.number, notice))
            return true
        }

        func announce(_ kinds: [IntegrationEventKind], of request: StoredRequest, at: Date) async throws {
            state.announced += kinds.map { (request.number, $0) }
        }

        func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
            state.audit.append("\(action) \(subject): \(detail)")
        }
    }
}
