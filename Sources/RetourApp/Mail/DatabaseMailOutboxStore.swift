import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// The outbox's rows: claimed and sent by the mail worker, queued again by `ResendMail`.
struct DatabaseMailOutboxStore: MailOutboxStore {
    let database: any Database

    /// Takes up to `limit` due mails for one worker, reserving each for `leaseSeconds`; each claim
    /// counts as an attempt that has not yet ended (`JobClaims`) until its result is saved. Rows
    /// whose claims ended twice without a result are parked first and returned as `parked`.
    func claimDue(now: Date, limit: Int, leaseSeconds: Double, skipLocked: Bool) async throws
        -> (claimed: [Int], parked: [Int])
    {
        let sql = database.sql
        let parked = try await JobClaims.parkUnfinished(in: OutboxMail.schema, now: now, on: sql)
        struct Row: Decodable { var id: Int }
        let claimed = try await sql.raw(
            """
            UPDATE mail_outbox SET next_attempt_at = \(bind: now.addingTimeInterval(leaseSeconds)),
                   unfinished_attempts = unfinished_attempts + 1
            WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= \(bind: now)
                           AND unfinished_attempts < \(literal: JobClaims.parkAfter)
                         ORDER BY id LIMIT \(literal: limit)\(unsafeRaw: skipLocked ? " FOR UPDATE SKIP LOCKED" : ""))
            RETURNING id
            """
        ).all(decoding: Row.self).map(\.id).sorted()
        return (claimed, parked)
    }

    /// The newest mails first, a page at a time, for the administrator's outbox page.
    func newest(page: PageRequest) async throws -> FluentKit.Page<OutboxMail> {
        try await OutboxMail.query(on: database).sort(\.$id, .descending).paginate(page)
    }

    func mail(_ id: Int) async throws -> OutboxMail? { try await OutboxMail.find(id, on: database) }

    /// Keeps the result of an attempt (sent, failed, or due again later).
    func keepAttempt(_ mail: OutboxMail) async throws { try await mail.save(on: database) }

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
