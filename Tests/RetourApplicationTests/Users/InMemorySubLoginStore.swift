import Foundation
import RetourApplication
import RetourCore

/// Logins and companies as plain values. A transaction works on a copy and keeps it only when the
/// work returns, like the database's.
actor InMemorySubLoginStore: SubLoginStore {
    struct State: Sendable {
        var logins: [Int: Login] = [:]
        var hashes: [Int: String] = [:]
        var rules: [Int: SubmitApproval] = [:]
        var sessionsEnded: [Int] = []
        var audit: [AuditEntry] = []
        var nextID = 100
    }

    var state = State()

    func add(_ login: Login) { state.logins[login.id] = login }
    func addCompany(_ id: Int, rule: SubmitApproval) { state.rules[id] = rule }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SubLoginWork) async throws -> T) async throws -> T {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: SubLoginWork {
        var state: State
        init(state: State) { self.state = state }

        func emailTaken(_ email: String) async throws -> Bool { state.logins.values.contains { $0.email == email } }

        func create(
            name: String, email: String, passwordHash: String, role: Role, companyID: Int?, rights: Set<UserRight>?
        ) async throws -> Login {
            let id = state.nextID
            state.nextID += 1
            let login = Login(
                id: id, name: name, email: email, role: role, companyID: companyID, active: true,
                rights: rights ?? UserRight.defaultForUsers, hasSignedIn: false)
            state.logins[id] = login
            state.hashes[id] = passwordHash
            return login
        }

        func lockLogin(_ id: Int) async throws -> Login? { state.logins[id] }
        func setRights(ofLogin id: Int, to rights: Set<UserRight>) async throws { state.logins[id]?.rights = rights }
        func setActive(ofLogin id: Int, to active: Bool) async throws { state.logins[id]?.active = active }
        func setPasswordHash(ofLogin id: Int, to hash: String) async throws { state.hashes[id] = hash }
        func endSessions(ofLogin id: Int) async throws { state.sessionsEnded.append(id) }
        func lockSubmitApproval(ofCompany id: Int) async throws -> SubmitApproval? { state.rules[id] }
        func setSubmitApproval(ofCompany id: Int, to rule: SubmitApproval) async throws { state.rules[id] = rule }
        func audit(_ entry: AuditEntry) async throws { state.audit.append(entry) }
    }
}
