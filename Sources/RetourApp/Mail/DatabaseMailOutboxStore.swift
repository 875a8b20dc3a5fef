import Fluent
import Foundation
import RetourApplication
import RetourCore

/// The outbox rows behind `ResendMail`.
struct DatabaseMailOutboxStore: MailOutboxStore {
    let database: any Database

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any MailOutboxWork) async throws -> T) async throws
        -> T
    {
        try await database.writeTransaction { db in try await work(Work(db: db)) }
    }

    private struct Work: MailOutboxWork {
        let db: any Database

        func lockMail(_ id: Int) async throws -> String? {
            try await db.lockForUpdate(OutboxMail.schema, ids: [id])
            return try await OutboxMail.find(id, on: db)?.recipient
        }

        func queueAgain(_ id: Int, dueAt at: Date) async throws {
            try await OutboxMail.query(on: db).filter(\.$id == id).set(\.$status, to: .pending).set(\.$attempts, to: 0)
                .set(\.$unfinishedAttempts, to: 0).set(\.$nextAttemptAt, to: at).update()
        }

        func audit(_ entry: AuditEntry) async throws { try await AuditEvent(entry).create(on: db) }
    }
}
