import Fluent
import Foundation

/// The signed-in side of the users: browser sessions and bearer tokens. The only code that reads
/// or writes `web_sessions` and `api_tokens`; the session driver, sign-in, sign-out and the
/// housekeeping go through it.
struct DatabaseSessionStore {
    let database: any Database

    func session(_ id: String) async throws -> WebSession? {
        try await WebSession.query(on: database).filter(\.$idHash == Tokens.hash(id)).first()
    }

    func open(_ id: String, userID: Int?, data: String, at now: Date) async throws {
        let record = WebSession()
        record.idHash = Tokens.hash(id)
        record.userID = userID
        record.data = data
        record.createdAt = now
        record.lastSeenAt = now
        try await record.create(on: database)
    }

    /// Writes what changed of a session read before; an update of a session ended meanwhile
    /// changes nothing.
    func keep(_ record: WebSession) async throws { try await record.save(on: database) }

    func end(_ record: WebSession) async throws { try await record.delete(on: database) }

    func end(_ id: String) async throws {
        try await WebSession.query(on: database).filter(\.$idHash == Tokens.hash(id)).delete()
    }

    /// Ends every session and bearer token of a user: on logout, a password change, or when the
    /// account is disabled. `keeping`: the id of the one session that stays (the user's own, on
    /// `/account`).
    func endAll(userID: Int, keeping session: String? = nil) async throws {
        var sessions = WebSession.query(on: database).filter(\.$userID == userID)
        if let session { sessions = sessions.filter(\.$idHash != Tokens.hash(session)) }
        try await sessions.delete()
        try await APIToken.query(on: database).filter(\.$user.$id == userID).delete()
    }

    /// Forgets sessions idle or older than allowed, and expired bearer tokens; run by the worker.
    /// Returns how many tokens went.
    func prune(now: Date, idleSeconds: Int, absoluteSeconds: Int) async throws -> Int {
        try await WebSession.query(on: database)
            .group(.or) {
                $0.filter(\.$lastSeenAt < now.addingTimeInterval(-TimeInterval(idleSeconds)))
                    .filter(\.$createdAt < now.addingTimeInterval(-TimeInterval(absoluteSeconds)))
            }
            .delete()
        return try await DatabaseHousekeepingStore.deleted(APIToken.query(on: database).filter(\.$expiresAt < now))
    }

    /// Makes a new bearer token for a login; only its SHA-256 is kept.
    func issueToken(for userID: Int, now: Date, lifetimeDays: Int) async throws -> (token: String, expiresAt: Date) {
        let token = "rt_" + randomToken(bytes: 32)
        let record = APIToken()
        record.$user.id = userID
        record.tokenHash = Tokens.hash(token)
        record.createdAt = now
        record.expiresAt = now.addingTimeInterval(TimeInterval(lifetimeDays) * 86_400)
        try await record.create(on: database)
        return (token, record.expiresAt)
    }

    /// The login of a valid, unexpired bearer token — the token joined with its user in one query.
    func bearer(_ token: String, now: Date) async throws -> User? {
        try await APIToken.query(on: database)
            .join(User.self, on: \APIToken.$user.$id == \User.$id)
            .filter(\.$tokenHash == Tokens.hash(token))
            .filter(\.$expiresAt > now)
            .first()
            .flatMap { try? $0.joined(User.self) }
    }

    func account(_ id: Int) async throws -> User? { try await User.find(id, on: database) }

    /// The login a session names, with its company in one query: every page shows the company's name.
    func login(_ id: Int) async throws -> User? {
        guard
            let user = try await User.query(on: database).filter(\.$id == id)
                .join(Company.self, on: \User.$company.$id == \Company.$id, method: .left).first()
        else { return nil }
        user.$company.value = .some(try? user.joined(Company.self))
        return user
    }

    /// Notes a login's first sign-in (the invitation is then used up).
    func markSignedIn(_ user: User, at now: Date) async throws {
        guard user.signedInAt == nil else { return }
        user.signedInAt = now
        try await user.save(on: database)
    }
}
