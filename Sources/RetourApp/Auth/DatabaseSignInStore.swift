import Fluent
import Foundation
import RetourApplication
import RetourCore

/// The logins and failed attempts behind `SignIn`.
struct DatabaseSignInStore: SignInStore {
    let database: any Database

    func failures(of subjects: [String], after since: Int64) async throws -> [String: [Int64]] {
        let found = try await LoginFailure.query(on: database).filter(\.$subject ~~ subjects).filter(\.$at > since)
            .all()
        return Dictionary(grouping: found, by: \.subject).mapValues { $0.map(\.at) }
    }

    func forgetFailures(of subjects: [String], upTo: Int64?) async throws {
        let query = LoginFailure.query(on: database).filter(\.$subject ~~ subjects)
        if let upTo { query.filter(\.$at <= upTo) }
        try await query.delete()
    }

    func recordFailure(of subjects: [String], at: Int64) async throws {
        for subject in subjects { try await LoginFailure(subject: subject, at: at).create(on: database) }
    }

    func login(email: String) async throws -> SignInLogin? {
        try await User.query(on: database).filter(\.$email == email).first().map {
            SignInLogin(
                id: try $0.requireID(), passwordHash: $0.passwordHash, active: $0.active, role: $0.role,
                companyID: $0.companyID, signedInBefore: $0.signedInAt != nil)
        }
    }

    func markSignedIn(_ id: Int, at: Date) async throws {
        try await User.query(on: database).filter(\.$id == id).filter(\.$signedInAt == nil).set(\.$signedInAt, to: at)
            .update()
    }

    func keepProviderSignIn(state: String, _ pending: PendingProviderSignIn, at: Date) async throws {
        let signIn = OIDCSignIn()
        signIn.stateHash = Tokens.hash(state)
        signIn.nonce = pending.nonce
        signIn.verifier = pending.verifier
        signIn.next = pending.next
        signIn.createdAt = at
        try await signIn.create(on: database)
    }

    func forgetProviderSignIns(startedBefore: Date) async throws {
        try await OIDCSignIn.query(on: database).filter(\.$createdAt < startedBefore).delete()
    }

    func takeProviderSignIn(state: String, startedAfter: Date, at: Date) async throws -> PendingProviderSignIn? {
        try await database.writeTransaction { db in
            guard let found = try await OIDCSignIn.query(on: db).filter(\.$stateHash == Tokens.hash(state)).first()
            else { return nil }
            try await db.lockForUpdate(OIDCSignIn.schema, ids: [try found.requireID()])
            guard let fresh = try await OIDCSignIn.find(found.id, on: db), fresh.usedAt == nil,
                fresh.createdAt > startedAfter
            else { return nil }
            fresh.usedAt = at
            try await fresh.save(on: db)
            return PendingProviderSignIn(nonce: fresh.nonce, verifier: fresh.verifier, next: fresh.next)
        }
    }

    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
        try await AuditEvent(at: at, actorID: actorID, action: action, subject: subject, detail: detail)
            .create(on: database)
    }
}
