import Foundation
import RetourApplication
import RetourCore

/// Links, logins and the mails sent, as plain values. A transaction works on a copy and keeps it
/// only when the work returns, like the database's.
actor InMemoryAccountLinkStore: AccountLinkStore {
    struct Link: Sendable {
        var stored: StoredAccountLink
        var token: String
    }

    struct Mail: Sendable, Equatable {
        var purpose: AccountLinkPurpose
        var token: String
        var email: String
        var at: Date
    }

    struct State: Sendable {
        var logins: [Int: Login] = [:]
        var hashes: [Int: String] = [:]
        var links: [Link] = []
        var mails: [Mail] = []
        var sessionsEnded: [Int] = []
        var audit: [AuditEntry] = []
    }

    var state = State()

    func add(_ login: Login, hash: String) {
        state.logins[login.id] = login
        state.hashes[login.id] = hash
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any AccountLinkWork) async throws -> T) async throws
        -> T
    {
        let draft = Draft(state: state)
        let result = try await work(draft)
        state = await draft.state
        return result
    }

    actor Draft: AccountLinkWork {
        var state: State
        init(state: State) { self.state = state }

        func login(id: Int) async throws -> Login? { state.logins[id] }
        func login(email: String) async throws -> Login? { state.logins.values.first { $0.email == email } }
        func hasOwnPassword(login id: Int) async throws -> Bool {
            state.hashes[id].map { $0 != AccountLinks.unusablePassword } ?? false
        }

        func endUnusedLinks(of login: Int, purpose: AccountLinkPurpose, at: Date) async throws {
            for index in state.links.indices
            where state.links[index].stored.loginID == login && state.links[index].stored.purpose == purpose
                && state.links[index].stored.usedAt == nil
            {
                state.links[index].stored.usedAt = at
            }
        }

        func addLink(token: String, login: Int, purpose: AccountLinkPurpose, createdAt: Date, expiresAt: Date)
            async throws
        {
            let stored = StoredAccountLink(
                id: state.links.count + 1, loginID: login, purpose: purpose, expiresAt: expiresAt, usedAt: nil)
            state.links.append(Link(stored: stored, token: token))
        }

        func link(token: String, locking: Bool) async throws -> StoredAccountLink? {
            state.links.first { $0.token == token }?.stored
        }

        func hasPendingInvitation(login id: Int, now: Date) async throws -> Bool {
            state.links.contains {
                $0.stored.loginID == id && $0.stored.purpose == .invitation && $0.stored.usedAt == nil
                    && $0.stored.expiresAt > now
            }
        }

        func markUsed(link id: Int, at: Date) async throws {
            if let index = state.links.firstIndex(where: { $0.stored.id == id }) {
                state.links[index].stored.usedAt = at
            }
        }

        func setPasswordHash(ofLogin id: Int, to hash: String) async throws { state.hashes[id] = hash }
        func endSessions(ofLogin id: Int) async throws { state.sessionsEnded.append(id) }
        func audit(_ entry: AuditEntry) async throws { state.audit.append(entry) }

        func mailLink(_ purpose: AccountLinkPurpose, token: String, to login: Login, at: Date) async throws {
            state.mails.append(Mail(purpose: purpose, token: token, email: login.email, at: at))
        }
    }
}
