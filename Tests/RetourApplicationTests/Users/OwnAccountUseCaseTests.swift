import Foundation
import RetourApplication
import RetourCore
import Testing

/// A user's own account as plain values: the password hash, sessions by id, keys.
actor InMemoryOwnAccountStore: OwnAccountStore {
    struct State: Sendable {
        var hashes: [Int: String] = [:]
        var sessions: [Int: Set<String>] = [:]
        var tokensEnded: [Int] = []
        var keys: [Int: (owner: Int, key: OwnKey, revokedAt: Date?)] = [:]
        var languages: [Int: Language] = [:]
        var audit: [AuditEntry] = []
    }

    var state = State()

    func set(_ change: (inout State) -> Void) { change(&state) }
    func revokedAt(key id: Int) -> Date? { state.keys[id].flatMap(\.revokedAt) }

    func passwordHash(ofLogin id: Int) async throws -> String? { state.hashes[id] }
    func sessionCount(ofLogin id: Int) async throws -> Int { state.sessions[id]?.count ?? 0 }
    func keys(ofLogin id: Int, limit: Int) async throws -> [OwnKey] {
        Array(
            state.keys.values.filter { $0.owner == id && $0.revokedAt == nil }.map(\.key).sorted { $0.id > $1.id }
                .prefix(limit))
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any OwnAccountWork) async throws -> T) async throws
        -> T
    {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: OwnAccountWork {
        var state: State
        init(state: State) { self.state = state }

        func setPasswordHash(ofLogin id: Int, to hash: String) async throws { state.hashes[id] = hash }
        func endSessions(ofLogin id: Int, keeping session: String?) async throws {
            state.sessions[id] = state.sessions[id]?.filter { $0 == session }
            state.tokensEnded.append(id)
        }
        func revokeKey(_ id: Int, ofLogin login: Int, at: Date) async throws -> Bool {
            guard let found = state.keys[id], found.owner == login else { return false }
            if found.revokedAt == nil { state.keys[id]?.revokedAt = at }
            return true
        }
        func setLanguage(ofLogin id: Int, to language: Language) async throws { state.languages[id] = language }
        func audit(_ entry: AuditEntry) async throws { state.audit.append(entry) }
    }
}

/// A user's own password, sessions, keys and language.
@Suite struct OwnAccountUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let jan = Login(
        id: 1, name: "Jan", email: "jan@pcpartner.nl", role: .resellerAdmin, companyID: 7, active: true,
        rights: Set(UserRight.allCases), hasSignedIn: true)

    static func world() async -> (OwnAccount, InMemoryOwnAccountStore) {
        let store = InMemoryOwnAccountStore()
        await store.set {
            $0.hashes[1] = "hash:het oude wachtwoord"
            $0.sessions[1] = ["here", "phone", "laptop"]
            $0.keys[5] = (1, OwnKey(id: 5, name: "ERP", prefix: "rk_abc", scopes: [.read], lastUsedAt: nil), nil)
            $0.keys[6] = (2, OwnKey(id: 6, name: "Other", prefix: "rk_def", scopes: [.read], lastUsedAt: nil), nil)
        }
        let account = OwnAccount(
            login: jan, store: store, now: now, currentSession: "here",
            verifyPassword: { "hash:" + $0 == $1 }, hashPassword: { "hash:" + $0 })
        return (account, store)
    }

    @Test func theCurrentPasswordIsAskedAgainAndANewOneEndsTheOtherSessions() async throws {
        let (account, store) = await Self.world()
        #expect(try await account.overview().otherSessions == 2)
        let wrong = await #expect(throws: Refusal.self) {
            try await account.changePassword(current: "geraden", new: "een heel nieuw wachtwoord")
        }
        #expect(wrong?.errors.map(\.field) == ["currentPassword"])
        let weak = await #expect(throws: Refusal.self) {
            try await account.changePassword(current: "het oude wachtwoord", new: "kort")
        }
        #expect(weak?.errors.map(\.field) == ["password"])
        #expect(await store.state.hashes[1] == "hash:het oude wachtwoord", "nothing changed")

        try await account.changePassword(current: "het oude wachtwoord", new: "een heel nieuw wachtwoord")
        let state = await store.state
        #expect(state.hashes[1] == "hash:een heel nieuw wachtwoord")
        #expect(state.sessions[1] == ["here"], "the session the change came from stays")
        #expect(state.tokensEnded == [1])
        #expect(state.audit.map(\.action) == ["password.change"])
    }

    @Test func onlyTheUsersOwnKeyIsRevokedAndTheLanguageIsKept() async throws {
        let (account, store) = await Self.world()
        #expect(try await account.overview().keys.map(\.id) == [5])
        await #expect(throws: Refusal.self, "another user's key is not found") { try await account.revokeKey(6) }
        try await account.revokeKey(5)
        try await account.revokeKey(5)
        #expect(await store.revokedAt(key: 5) == Self.now)
        #expect(await store.revokedAt(key: 6) == nil)
        #expect(try await account.overview().keys.isEmpty)

        try await account.chooseLanguage(.en)
        #expect(await store.state.languages[1] == .en)
        try await account.endOtherSessions()
        #expect(await store.state.sessions[1] == ["here"])
    }
}
