import Foundation
import Vapor

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
            try await DatabaseSessionStore(database: request.db).open(
                id.string, userID: data["userID"].flatMap(Int.init), data: Self.encode(data), at: request.now)
            return id
        }
    }

    func readSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<SessionData?> {
        request.eventLoop.makeFutureWithTask {
            let store = DatabaseSessionStore(database: request.db)
            guard sessionID.string.count <= 100, let record = try await store.session(sessionID.string) else {
                return nil
            }
            request.storage[ReadSessionKey.self] = (sessionID.string, record)
            let config = request.config
            let now = request.now
            guard now.timeIntervalSince(record.lastSeenAt) < TimeInterval(config.sessionIdleSeconds),
                now.timeIntervalSince(record.createdAt) < TimeInterval(config.sessionAbsoluteSeconds)
            else {
                try await store.end(record)
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
            let store = DatabaseSessionStore(database: request.db)
            var record = request.storage[ReadSessionKey.self].flatMap { $0.id == sessionID.string ? $0.record : nil }
            if record == nil { record = try await store.session(sessionID.string) }
            guard let record else { return sessionID }
            record.userID = data["userID"].flatMap(Int.init)
            record.data = Self.encode(data)
            // Written at most once a minute: every page view need not be a database write.
            if request.now.timeIntervalSince(record.lastSeenAt) > 60 || record.hasChanges {
                record.lastSeenAt = request.now
                try await store.keep(record)
            }
            return sessionID
        }
    }

    func deleteSession(_ sessionID: SessionID, for request: Request) -> EventLoopFuture<Void> {
        request.eventLoop.makeFutureWithTask {
            try await DatabaseSessionStore(database: request.db).end(sessionID.string)
        }
    }

    private static func encode(_ data: SessionData) -> String {
        (try? String(decoding: JSONEncoder().encode(data.snapshot), as: UTF8.self)) ?? "{}"
    }

    private static func decode(_ text: String) -> SessionData {
        SessionData(initialData: (try? JSONDecoder().decode([String: String].self, from: Data(text.utf8))) ?? [:])
    }
}
