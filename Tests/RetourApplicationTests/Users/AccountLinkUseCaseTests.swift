import Foundation
import RetourApplication
import RetourCore
import Testing

/// Invitations and reset links, against a store of plain values: one mail per link, the older link
/// ended, a link used once, within its time, by an active login only.
@Suite struct AccountLinkUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let invited = Login(
        id: 1, name: "Nina", email: "nina@pcpartner.nl", role: .resellerUser, companyID: 7, active: true,
        rights: UserRight.defaultForUsers, hasSignedIn: false)
    static let piet = Login(
        id: 2, name: "Piet", email: "piet@pcpartner.nl", role: .resellerUser, companyID: 7, active: true,
        rights: UserRight.defaultForUsers, hasSignedIn: true)
    static let gone = Login(
        id: 3, name: "Ans", email: "ans@pcpartner.nl", role: .resellerUser, companyID: 7, active: false,
        rights: UserRight.defaultForUsers, hasSignedIn: true)

    static func world(at now: Date = now) async -> (AccountLinks, InMemoryAccountLinkStore) {
        let store = InMemoryAccountLinkStore()
        await store.add(invited, hash: AccountLinks.unusablePassword)
        await store.add(piet, hash: "hash:old")
        await store.add(gone, hash: "hash:gone")
        let counter = Counter()
        return (AccountLinks(store: store, now: now, makeToken: { "token-\(counter.next())" }), store)
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.withLock {
                value += 1
                return value
            }
        }
    }

    @Test func aForgottenPasswordOfALoginThatNeverChoseOneSendsAnInvitation() async throws {
        let (links, store) = await Self.world()
        try await links.sendReset(email: "nina@pcpartner.nl")
        try await links.sendReset(email: "piet@pcpartner.nl")
        try await links.sendReset(email: "ans@pcpartner.nl")
        try await links.sendReset(email: "nobody@pcpartner.nl")
        let mails = await store.state.mails
        #expect(
            mails.map(\.email) == ["nina@pcpartner.nl", "piet@pcpartner.nl"], "nothing to a disabled or unknown one")
        #expect(mails.map(\.purpose) == [.invitation, .reset])
        #expect(mails.allSatisfy { $0.at == Self.now })
    }

    @Test func aNewerLinkEndsTheOlderOneAndALinkEndsAtItsTime() async throws {
        let (links, store) = await Self.world()
        let first = try #require(try await links.invite(email: "nina@pcpartner.nl"))
        let second = try #require(try await links.invite(email: "nina@pcpartner.nl"))
        #expect(try await links.find(first) == nil)
        #expect(try await links.find(second)?.login.id == Self.invited.id)
        #expect(try await links.invite(email: "ans@pcpartner.nl") == nil, "a disabled login is not invited")

        let now = AccountLinks(store: store, now: Self.now, makeToken: { "reset-token" })
        try await now.sendReset(email: "piet@pcpartner.nl")
        #expect(try await now.find("reset-token") != nil)
        let hourLater = AccountLinks(store: store, now: Self.now.addingTimeInterval(3_601), makeToken: { "late" })
        #expect(try await hourLater.find("reset-token") == nil, "a reset link lives an hour")
        #expect(try await hourLater.find(second) != nil, "an invitation lives a week")
    }

    @Test func aLinkSetsOnePasswordOnceAndEndsEverySession() async throws {
        let (links, store) = await Self.world()
        let token = try #require(try await links.invite(email: "nina@pcpartner.nl"))
        guard case .invalid(let problems) = try await links.redeem(token, password: "kort", hashPassword: { $0 })
        else {
            Issue.record("a short password is refused")
            return
        }
        #expect(problems.map(\.field) == ["password"])
        #expect(try await links.find(token) != nil, "a refused password leaves the link usable")

        guard
            case .done(let login) = try await links.redeem(
                token, password: "mijn eigen wachtwoord", hashPassword: { "hash:" + $0 })
        else {
            Issue.record("the link sets the password")
            return
        }
        #expect(login.id == Self.invited.id)
        let state = await store.state
        #expect(state.hashes[Self.invited.id] == "hash:mijn eigen wachtwoord")
        #expect(state.sessionsEnded == [Self.invited.id])
        #expect(state.audit.map(\.action) == ["password.invitation"])
        guard case .gone = try await links.redeem(token, password: "nog een wachtwoord", hashPassword: { $0 })
        else {
            Issue.record("a used link is gone")
            return
        }
        #expect(await store.state.hashes[Self.invited.id] == "hash:mijn eigen wachtwoord")
    }

    @Test func theImportInvitesOnlyThoseWhoStillWait() async throws {
        let (links, store) = await Self.world()
        let emails = ["nina@pcpartner.nl", "piet@pcpartner.nl", "ans@pcpartner.nl", "nobody@pcpartner.nl"]
        try await store.transaction { work in try await links.inviteWaiting(emails, in: work) }
        try await store.transaction { work in try await links.inviteWaiting(emails, in: work) }
        let mails = await store.state.mails
        #expect(mails.map(\.email) == ["nina@pcpartner.nl"], "one invitation, not one per night's import")
    }
}
