import Fluent
import Foundation
import RetourApplication
import RetourCore

/// The logins and companies behind `SubLogins`: the only code that writes them for that use case.
struct DatabaseSubLoginStore: SubLoginStore {
    let database: any Database

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SubLoginWork) async throws -> T) async throws -> T {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    private struct Work: SubLoginWork {
        let db: any Database

        func emailTaken(_ email: String) async throws -> Bool {
            try await User.query(on: db).filter(\.$email == email).count() > 0
        }

        func create(
            name: String, email: String, passwordHash: String, role: Role, companyID: Int?, rights: Set<UserRight>?
        ) async throws -> Login {
            let user = User(email: email, name: name, passwordHash: passwordHash, role: role, companyID: companyID)
            if let rights { user.rightsText = UserRight.stored(rights) }
            try await user.create(on: db)
            return try user.login
        }

        func lockLogin(_ id: Int) async throws -> Login? {
            try await db.lockForUpdate(User.schema, ids: [id])
            return try await User.find(id, on: db)?.login
        }

        func setRights(ofLogin id: Int, to rights: Set<UserRight>) async throws {
            try await User.query(on: db).filter(\.$id == id).set(\.$rightsText, to: UserRight.stored(rights)).update()
        }

        func setActive(ofLogin id: Int, to active: Bool) async throws {
            try await User.query(on: db).filter(\.$id == id).set(\.$active, to: active).update()
        }

        func setPasswordHash(ofLogin id: Int, to hash: String) async throws {
            try await User.query(on: db).filter(\.$id == id).set(\.$passwordHash, to: hash).update()
        }

        func endSessions(ofLogin id: Int) async throws {
            try await DatabaseSessionStore(database: db).endAll(userID: id)
        }

        func lockSubmitApproval(ofCompany id: Int) async throws -> SubmitApproval? {
            try await db.lockForUpdate(Company.schema, ids: [id])
            return try await Company.find(id, on: db)?.submitApproval
        }

        func setSubmitApproval(ofCompany id: Int, to rule: SubmitApproval) async throws {
            guard let company = try await Company.find(id, on: db) else { throw Refusal.notFound() }
            company.submitApproval = rule
            try await company.save(on: db)
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }
}

extension User {
    /// This login as the use cases see it.
    var login: Login {
        get throws {
            Login(
                id: try requireID(), name: name, email: email, role: role, companyID: companyID, active: active,
                rights: rights, hasSignedIn: signedInAt != nil)
        }
    }
}
