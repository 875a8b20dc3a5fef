import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// The user, sessions, tokens and keys behind `OwnAccount`.
struct DatabaseOwnAccountStore: OwnAccountStore {
    let database: any Database

    func passwordHash(ofLogin id: Int) async throws -> String? { try await User.find(id, on: database)?.passwordHash }

    func sessionCount(ofLogin id: Int) async throws -> Int {
        try await WebSession.query(on: database).filter(\.$userID == id).count()
    }

    func keys(ofLogin id: Int, limit: Int) async throws -> [OwnKey] {
        try await APIKey.query(on: database).filter(\.$userID == id).filter(\.$revokedAt == nil)
            .sort(\.$id, .descending).limit(limit).all()
            .map {
                OwnKey(
                    id: try $0.requireID(), name: $0.name, prefix: $0.keyPrefix, scopes: $0.scopes,
                    lastUsedAt: $0.lastUsedAt.map { Date(timeIntervalSince1970: TimeInterval($0)) })
            }
    }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any OwnAccountWork) async throws -> T) async throws
        -> T
    {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    private struct Work: OwnAccountWork {
        let db: any Database

        func setPasswordHash(ofLogin id: Int, to hash: String) async throws {
            try await User.query(on: db).filter(\.$id == id).set(\.$passwordHash, to: hash).update()
        }

        func endSessions(ofLogin id: Int, keeping session: String?) async throws {
            try await DatabaseSessionStore(database: db).endAll(userID: id, keeping: session)
        }

        func revokeKey(_ id: Int, ofLogin login: Int, at: Date) async throws -> Bool {
            guard let key = try await APIKey.query(on: db).filter(\.$id == id).filter(\.$userID == login).first()
            else { return false }
            if key.revokedAt == nil {
                key.revokedAt = at
                try await key.save(on: db)
            }
            return true
        }

        func setLanguage(ofLogin id: Int, to language: Language) async throws {
            try await User.query(on: db).filter(\.$id == id).set(\.$language, to: language).update()
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }
}

extension Request {
    /// The signed-in user's own account, changed from this request's session.
    func ownAccount() throws -> OwnAccount {
        let user = try requireUser()
        return OwnAccount(
            login: try user.login, store: DatabaseOwnAccountStore(database: db), now: now,
            currentSession: session.id?.string,
            verifyPassword: { [hasher = password.async] in try await hasher.verify($0, created: $1) },
            hashPassword: { [hasher = password.async] in try await hasher.hash($0) })
    }
}
