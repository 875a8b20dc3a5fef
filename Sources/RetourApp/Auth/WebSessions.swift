import Crypto
import Fluent
import Foundation
import Vapor

/// A signed-in browser. Only the SHA-256 of the session id is stored, so a copy of the database
/// does not let anyone take over a session; the user id is a column, so all of a user's
/// sessions can be ended at once.
final class WebSession: Model, @unchecked Sendable {
    static let schema = "web_sessions"

    @ID(custom: "id", generatedBy: .database) var id: Int?
    @Field(key: "id_hash") var idHash: String
    @OptionalField(key: "user_id") var userID: Int?
    @Field(key: "data") var data: String
    @Field(key: "created_at") var createdAt: Date
    @Field(key: "last_seen_at") var lastSeenAt: Date

    init() {}
}

/// Sessions in the database with server-side idle and absolute expiry.
struct WebSessionDriver: SessionDriver {
    private struct ReadSessionKey: StorageKey {
        typealias Value = (id: String, record: WebSession)
    }

    func createSession(_ data: SessionData, for request: Request) -> EventLoopFuture<SessionID> {
        request.eventLoop.makeFutureWithTask {
            let id = SessionID(string: randomToken(bytes: 32))
            // A visitor whose old cookie is no longer known gets nothing stored until there is
            // something to keep.
            guard !data.snapshot.isEmpty else { return id }
            let record = WebSession()
            record.idHash = Tokens.hash(id.string)
            record.userID = data["userID"].flatMap(Int.init)
            record.data = Self.encode(data)
            record.createdAt = request.now
            record.lastSeenAt = request.now
            try await record.create(on: request.db)
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            guard sessionID.string.count <= 100, let record = try await find(sessionID, on: request.db) else {
                return nil
            }
            request.storage[ReadSessionKey.self] = (sessionID.string, record)
            let config = request.config
            let now = request.now
            guard now.timeIntervalSince(record.lastSeenAt) < TimeInterval(config.sessionIdleSeconds),
                now.timeIntervalSince(record.createdAt) < TimeInterval(config.sessionAbsoluteSeconds)
            else {
                try await record.delete(on: request.db)
                return nil
            }
            return Self.decode(record.data)
        }
    }

    func updateSession(_ sessionID: SessionID, to data: SessionData, for request: Request) -> EventLoopFuture<SessionID>
    {
        request.eventLoop.makeFutureWithTask {
            // The row read at the start of this request, if it is this session's: a page view costs
            // one query for its session, not two. Ended meanwhile (logout elsewhere, expiry), it is
            // never brought back to life by a request already under way: an update of a deleted row
            // changes nothing, and the browser's next request is simply anonymous.
            var record = request.storage[ReadSessionKey.self].flatMap { $0.id == sessionID.string ? $0.record : nil }
            if record == nil { record = try await find(sessionID, on: request.db) }
            guard let record else { return sessionID }
            record.userID = data["userID"].flatMap(Int.init)
            record.data = Self.encode(data)
            // Written at most once a minute: every page view need not be a database write.
            if request.now.timeIntervalSince(record.lastSeenAt) > 60 || record.hasChanges {
                record.lastSeenAt = request.now
                try await record.save(on: request.db)
            }
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask {
            try await WebSession.query(on: request.db).filter(\.$idHash == Tokens.hash(sessionID.string)).delete()
        }
    }

    private func find(_ sessionID: SessionID, on database: any Database) async throws -> WebSession? {
        try await WebSession.query(on: database).filter(\.$idHash == Tokens.hash(sessionID.string)).first()
    }

    private static func encode(_ data: SessionData) -> String {
        (try? String(decoding: JSONEncoder().encode(data.snapshot), as: UTF8.self)) ?? "{}"
    }

    private static func decode(_ text: String) -> SessionData {
        SessionData(initialData: (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:])
    }
}

enum SessionsOfUser {
    /// Ends every session and bearer token of a user: on logout, a password change, or when the
    /// account is disabled. `keeping`: the id of the one session that stays (the user's own, on
    /// `/account`).
    static func endAll(userID: Int, keeping session: String? = nil, on database: any Database) async throws {
        var sessions = WebSession.query(on: database).filter(\.$userID == userID)
        if let session { sessions = sessions.filter(\.$idHash != Tokens.hash(session)) }
        try await sessions.delete()
        try await APIToken.query(on: database).filter(\.$user.$id == userID).delete()
    }

    /// Forgets sessions idle or older than allowed; run by the worker.
    static func prune(now: Date, config: AppConfig, on database: any Database) async throws {
        try await WebSession.query(on: database)
            .group(.or) {
                $0.filter(\.$lastSeenAt < now.addingTimeInterval(-TimeInterval(config.sessionIdleSeconds)))
                    .filter(\.$createdAt < now.addingTimeInterval(-TimeInterval(config.sessionAbsoluteSeconds)))
            }
            .delete()
    }
}
