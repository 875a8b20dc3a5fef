import Foundation
import RetourCore

/// What the outbox's use cases need from storage; its implementation is the only code that writes
/// the outbox for them.
public protocol MailOutboxStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any MailOutboxWork) async throws -> T) async throws
        -> T
}

public protocol MailOutboxWork: Sendable {
    /// The recipient of mail `id`, its row locked; nil when there is no such mail.
    func lockMail(_ id: Int) async throws -> String?
    /// Puts mail `id` back in the queue as if new: due at `at`, no attempts counted.
    func queueAgain(_ id: Int, dueAt at: Date) async throws
    func audit(_ entry: AuditEntry) async throws
}

/// An administrator sends a mail from the mail log again (one the server gave up on, or one the
/// reseller says never came): it goes back in the queue, the worker sends it, the audit log says who.
public struct ResendMail: Sendable {
    public var adminID: Int
    public var store: any MailOutboxStore
    public var now: Date

    public init(adminID: Int, store: any MailOutboxStore, now: Date) {
        self.adminID = adminID
        self.store = store
        self.now = now
    }

    /// Returns the mail's recipient, for the notice.
    @discardableResult
    public func run(mail id: Int) async throws -> String {
        try await store.transaction { [adminID, now] work in
            guard let recipient = try await work.lockMail(id) else { throw Refusal.notFound() }
            try await work.queueAgain(id, dueAt: now)
            try await work.audit(
                AuditEntry(at: now, actorID: adminID, action: "mail.resend", subject: "mail \(id)", detail: recipient))
            return recipient
        }
    }
}
