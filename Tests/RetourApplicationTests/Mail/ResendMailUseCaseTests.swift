import Foundation
import RetourApplication
import RetourCore
import Testing

/// The outbox as plain values: each mail's recipient, when it is due and how often it was tried.
actor InMemoryMailOutboxStore: MailOutboxStore {
    struct Mail: Sendable, Equatable {
        var recipient: String
        var dueAt: Date
        var attempts: Int
    }

    var mails: [Int: Mail] = [:]
    var audit: [AuditEntry] = []

    func add(_ id: Int, _ mail: Mail) { mails[id] = mail }

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any MailOutboxWork) async throws -> T) async throws
        -> T
    {
        let draft = Draft(mails: mails, audit: audit)
        let result = try await work(draft)
        mails = await draft.mails
        audit = await draft.audit
        return result
    }

    actor Draft: MailOutboxWork {
        var mails: [Int: Mail]
        var audit: [AuditEntry]
        init(mails: [Int: Mail], audit: [AuditEntry]) {
            self.mails = mails
            self.audit = audit
        }

        func lockMail(_ id: Int) async throws -> String? { mails[id]?.recipient }
        func queueAgain(_ id: Int, dueAt at: Date) async throws {
            mails[id]?.dueAt = at
            mails[id]?.attempts = 0
        }
        func audit(_ entry: AuditEntry) async throws { audit.append(entry) }
    }
}

@Suite struct ResendMailUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)

    @Test func aMailGoesBackInTheQueueNowAndTheAuditLogSaysWho() async throws {
        let store = InMemoryMailOutboxStore()
        await store.add(
            1, .init(recipient: "jan@pcpartner.nl", dueAt: Self.now.addingTimeInterval(-86_400), attempts: 9))
        let resend = ResendMail(adminID: 42, store: store, now: Self.now)
        #expect(try await resend.run(mail: 1) == "jan@pcpartner.nl")
        #expect(await store.mails[1] == .init(recipient: "jan@pcpartner.nl", dueAt: Self.now, attempts: 0))
        let audit = await store.audit
        #expect(audit.map(\.action) == ["mail.resend"] && audit.first?.actorID == 42)
        await #expect(throws: Refusal.self, "an unknown mail is not found") { try await resend.run(mail: 2) }
        #expect(await store.audit.count == 1)
    }
}
