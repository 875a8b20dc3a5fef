import Foundation
import RetourApplication
import RetourCore
import Testing

/// A purchasing department's work on its colleagues' logins, against a store of plain values.
@Suite struct SubLoginUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let admin = Login(
        id: 1, name: "Jan", email: "jan@pcpartner.nl", role: .resellerAdmin, companyID: 7, active: true,
        rights: Set(UserRight.allCases), hasSignedIn: true)
    static let piet = Login(
        id: 2, name: "Piet", email: "piet@pcpartner.nl", role: .resellerUser, companyID: 7, active: true,
        rights: UserRight.defaultForUsers, hasSignedIn: true)
    static let stranger = Login(
        id: 3, name: "Ans", email: "ans@bytewise.nl", role: .resellerUser, companyID: 8, active: true,
        rights: UserRight.defaultForUsers, hasSignedIn: true)

    static func world() async -> (SubLogins, InMemorySubLoginStore) {
        let store = InMemorySubLoginStore()
        for login in [admin, piet, stranger] { await store.add(login) }
        await store.addCompany(7, rule: .none)
        let logins = SubLogins(
            admin: admin, store: store, now: now, hashPassword: { $0.map { "hash:" + $0 } ?? "!invited" },
            makePassword: { "fresh-password-1" })
        return (logins, store)
    }

    @Test func aNewColleagueJoinsTheAdminsCompanyWithTheRightsChosen() async throws {
        let (logins, store) = await Self.world()
        let made = try await logins.create(
            .init(name: " Kees ", email: " Kees@PCPartner.nl ", password: "", role: .resellerUser, rights: [.view]))
        #expect(made.name == "Kees" && made.email == "kees@pcpartner.nl")
        #expect(made.companyID == 7 && made.rights == [.view] && !made.hasSignedIn)
        #expect(await store.state.hashes[made.id] == "!invited", "no password typed: invited")
    }

    @Test func everyMistakeOfTheFormIsNamedAtOnceAndNothingIsStored() async throws {
        let (logins, store) = await Self.world()
        let refusal = await #expect(throws: Refusal.self) {
            try await logins.create(.init(name: "", email: "piet@pcpartner.nl", password: "kort", role: .resellerUser))
        }
        #expect(Set(refusal?.errors.map(\.field) ?? []) == ["name", "email", "password"])
        let wrongRole = await #expect(throws: Refusal.self) {
            try await logins.create(.init(name: "Kees", email: "kees@pcpartner.nl", password: "", role: .admin))
        }
        #expect(wrongRole?.errors.map(\.field) == ["role"])
        #expect(await store.state.logins.count == 3)
    }

    @Test func rightsChangeEndsTheColleaguesSessionsAndIsAudited() async throws {
        let (logins, store) = await Self.world()
        let changed = try await logins.setRights(2, [.view, .approve])
        #expect(changed.rights == [.view, .approve])
        #expect(await store.state.sessionsEnded == [2])
        #expect(await store.state.audit.map(\.detail) == ["view,register,submit -> view,approve"])
        // The same rights again change nothing and write nothing.
        _ = try await logins.setRights(2, [.view, .approve])
        #expect(await store.state.audit.count == 1)
        await #expect(throws: Refusal.self) { try await logins.setRights(1, [.view]) }
    }

    @Test func anotherCompanysLoginIsNotFoundForAnyStep() async throws {
        let (logins, store) = await Self.world()
        for step in [
            { _ = try await logins.setRights(3, [.view]) }, { _ = try await logins.setActive(3, false) },
            { _ = try await logins.resetPassword(3) }, { _ = try await logins.colleague(3) },
        ] as [@Sendable () async throws -> Void] {
            let refusal = await #expect(throws: Refusal.self) { try await step() }
            #expect(refusal?.kind == .notFound)
        }
        #expect(await store.state.logins[3] == Self.stranger)
        #expect(await store.state.sessionsEnded.isEmpty)
    }

    @Test func disablingEndsSessionsButAnAdminCannotLockThemselvesOut() async throws {
        let (logins, store) = await Self.world()
        #expect(try await logins.setActive(2, false).active == false)
        #expect(await store.state.sessionsEnded == [2])
        await #expect(throws: Refusal.self) { try await logins.setActive(1, false) }
        #expect(await store.state.logins[1]?.active == true)
        #expect(try await logins.setActive(2, true).active)
    }

    @Test func aResetPasswordIsShownOnceAndStoredOnlyAsItsHash() async throws {
        let (logins, store) = await Self.world()
        let (login, password) = try await logins.resetPassword(2)
        #expect(login.id == 2 && password == "fresh-password-1")
        #expect(await store.state.hashes[2] == "hash:fresh-password-1")
        #expect(await store.state.sessionsEnded == [2])
    }

    @Test func theFourEyesRuleIsAuditedWhenItChanges() async throws {
        let (logins, store) = await Self.world()
        try await logins.setSubmitApproval(.aboveAmount(Money(cents: 50_000)))
        try await logins.setSubmitApproval(.aboveAmount(Money(cents: 50_000)))
        #expect(await store.state.rules[7] == .aboveAmount(Money(cents: 50_000)))
        #expect(await store.state.audit.map(\.detail) == ["none -> above_amount 500.00"])
    }
}
