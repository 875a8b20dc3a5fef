import Foundation
import RetourApplication
import RetourCore
import Testing

/// Logins and failed attempts as plain values.
actor InMemorySignInStore: SignInStore {
    var logins: [String: SignInLogin] = [:]
    var failures: [(subject: String, at: Int64)] = []
    var signedIn: [Int: Date] = [:]
    var providerSignIns: [String: (pending: PendingProviderSignIn, startedAt: Date, usedAt: Date?)] = [:]
    var audit: [String] = []

    func add(_ email: String, _ login: SignInLogin) { logins[email] = login }

    func failures(of subjects: [String], after since: Int64) async throws -> [String: [Int64]] {
        Dictionary(grouping: failures.filter { subjects.contains($0.subject) && $0.at > since }, by: \.subject)
            .mapValues { $0.map(\.at) }
    }
    func forgetFailures(of subjects: [String], upTo: Int64?) async throws {
        failures.removeAll { failure in
            subjects.contains(failure.subject) && (upTo.map { failure.at <= $0 } ?? true)
        }
    }
    func recordFailure(of subjects: [String], at: Int64) async throws {
        failures += subjects.map { ($0, at) }
    }
    func login(email: String) async throws -> SignInLogin? { logins[email] }
    func markSignedIn(_ id: Int, at: Date) async throws { signedIn[id] = at }

    func keepProviderSignIn(state: String, _ pending: PendingProviderSignIn, at: Date) async throws {
        providerSignIns["hash(\(state))"] = (pending, at, nil)
    }
    func forgetProviderSignIns(startedBefore: Date) async throws {
        providerSignIns = providerSignIns.filter { $0.value.startedAt >= startedBefore }
    }
    func takeProviderSignIn(state: String, startedAfter: Date, at: Date) async throws -> PendingProviderSignIn? {
        guard let found = providerSignIns["hash(\(state))"], found.usedAt == nil, found.startedAt > startedAfter
        else { return nil }
        providerSignIns["hash(\(state))"]?.usedAt = at
        return found.pending
    }
    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
        audit.append("\(action) \(subject) \(detail)")
    }
}

/// Checks of the hashes a sign-in made, and its pauses.
actor Calls {
    var hashes: [String] = []
    var pauses: [Int] = []
    func hash(_ hash: String) { hashes.append(hash) }
    func pause(_ milliseconds: Int) { pauses.append(milliseconds) }
}

/// Signing in with a password: the right one signs in, a wrong one is counted per account and
/// client, so that one client guessing waits ever longer while the account's owner does not.
@Suite struct SignInUseCaseTests {
    static let start = Date(timeIntervalSince1970: 1_773_619_200)

    static func world() async -> InMemorySignInStore {
        let store = InMemorySignInStore()
        await store.add(
            "jan@pcpartner.nl",
            SignInLogin(
                id: 1, passwordHash: "hash(right)", active: true, role: .resellerAdmin, companyID: 7,
                signedInBefore: false))
        return store
    }

    static func signIn(
        _ store: InMemorySignInStore, at seconds: TimeInterval = 0, calls: Calls = Calls(),
        providerOnly: Set<Role> = []
    ) -> SignIn {
        SignIn(
            store: store, now: start.addingTimeInterval(seconds), throttle: LoginThrottle(), addressFailureLimit: 30,
            slowPathMilliseconds: 1_500, providerOnlyRoles: providerOnly,
            verify: { password, hash in
                await calls.hash(hash)
                return hash == "hash(\(password))"
            }, decoyHash: "decoy", pause: { await calls.pause($0) })
    }

    @Test func theRightPasswordSignsInAndTheFirstTimeIsNoted() async throws {
        let store = await Self.world()
        #expect(try await Self.signIn(store).run(email: " Jan@PCPartner.nl ", password: "right", from: "10.0.0.1") == 1)
        #expect(await store.signedIn[1] == Self.start)
    }

    @Test func oneClientGuessingOneAccountWaitsAndAnotherClientDoesNot() async throws {
        let store = await Self.world()
        for attempt in 0..<5 {
            let refusal = await #expect(throws: Refusal.self) {
                try await Self.signIn(store, at: Double(attempt)).run(
                    email: "jan@pcpartner.nl", password: "guess", from: "10.0.0.9")
            }
            #expect(refusal?.kind == .unauthenticated)
        }
        let waiting = await #expect(throws: Refusal.self) {
            try await Self.signIn(store, at: 5).run(email: "jan@pcpartner.nl", password: "right", from: "10.0.0.9")
        }
        #expect(waiting?.kind == .tooManyAttempts)
        #expect((waiting?.retryAfter ?? 0) > 0)
        #expect(
            try await Self.signIn(store, at: 5).run(email: "jan@pcpartner.nl", password: "right", from: "10.0.0.1") == 1
        )
    }

    @Test func anUnknownAddressTakesAsLongAsAKnownOneAndADisabledLoginIsToldSo() async throws {
        let store = await Self.world()
        let calls = Calls()
        await #expect(throws: Refusal.self) {
            try await Self.signIn(store, calls: calls).run(email: "nobody@x.nl", password: "right", from: "10.0.0.1")
        }
        #expect(await calls.hashes == ["decoy"], "a hash is checked all the same")
        await store.add(
            "piet@pcpartner.nl",
            SignInLogin(
                id: 2, passwordHash: "hash(right)", active: false, role: .resellerUser, companyID: 7,
                signedInBefore: true))
        let disabled = await #expect(throws: Refusal.self) {
            try await Self.signIn(store).run(email: "piet@pcpartner.nl", password: "right", from: "10.0.0.1")
        }
        #expect(disabled?.detail == Message("app.auth.thisLoginHasBeenDisabledPlease"))
    }

    @Test func aProviderOnlyRoleOrALoginWithoutItsCompanyIsRefused() async throws {
        let store = await Self.world()
        let provider = await #expect(throws: Refusal.self) {
            try await Self.signIn(store, providerOnly: [.resellerAdmin]).run(
                email: "jan@pcpartner.nl", password: "right", from: "10.0.0.1")
        }
        #expect(provider?.kind == .forbidden)
        await store.add(
            "lost@pcpartner.nl",
            SignInLogin(
                id: 3, passwordHash: "hash(right)", active: true, role: .resellerUser, companyID: nil,
                signedInBefore: true))
        let noCompany = await #expect(throws: Refusal.self) {
            try await Self.signIn(store).run(email: "lost@pcpartner.nl", password: "right", from: "10.0.0.1")
        }
        #expect(noCompany?.kind == .forbidden)
    }

    @Test func anAccountFailedFromManyClientsTakesTheSlowPathButStaysOpen() async throws {
        let store = await Self.world()
        for client in 0..<SignIn.accountUnderAttackFailures {
            await #expect(throws: Refusal.self) {
                try await Self.signIn(store).run(email: "jan@pcpartner.nl", password: "guess", from: "10.1.0.\(client)")
            }
        }
        let calls = Calls()
        #expect(
            try await Self.signIn(store, calls: calls).run(
                email: "jan@pcpartner.nl", password: "right", from: "10.0.0.1")
                == 1)
        #expect(await calls.pauses == [1_500])
    }
}

/// Asking for a reset link: at most three mails to one address in the window, a client asking
/// too often waits, and an unknown or malformed address is answered like a known one.
@Suite struct RequestPasswordResetUseCaseTests {
    @Test func threeLinksAnAddressThenTheClientWaits() async throws {
        let (links, linkStore) = await AccountLinkUseCaseTests.world()
        let store = InMemorySignInStore()
        let reset = RequestPasswordReset(store: store, links: links, now: AccountLinkUseCaseTests.now)
        for _ in 0..<RequestPasswordReset.perClient {
            try await reset.run(email: "piet@pcpartner.nl", from: "10.0.0.1")
        }
        #expect(await linkStore.state.mails.count == RequestPasswordReset.perAddress)
        let waiting = await #expect(throws: Refusal.self) {
            try await reset.run(email: "piet@pcpartner.nl", from: "10.0.0.1")
        }
        #expect(waiting?.kind == .tooManyAttempts && waiting?.retryAfter == 15 * 60)
        try await reset.run(email: "nobody@pcpartner.nl", from: "10.0.0.2")
        #expect(await linkStore.state.mails.count == RequestPasswordReset.perAddress, "nobody to mail, same answer")
        let malformed = await #expect(throws: Refusal.self) {
            try await reset.run(email: "not an address", from: "10.0.0.2")
        }
        #expect(malformed?.errors.map(\.field) == ["email"])
    }
}

/// Signing in through the identity provider: a state is taken once and within ten minutes, and the
/// account is an imported, active login of the vouched address — nothing is created.
@Suite struct ProviderSignInUseCaseTests {
    static func signIn(_ store: InMemorySignInStore, after seconds: TimeInterval = 0) -> ProviderSignIn {
        ProviderSignIn(
            store: store, now: SignInUseCaseTests.start.addingTimeInterval(seconds), issuer: "https://id.example")
    }

    @Test func aStateIsTakenOnceWithinTenMinutes() async throws {
        let store = await SignInUseCaseTests.world()
        let pending = PendingProviderSignIn(nonce: "n", verifier: "v", next: "/lines")
        try await Self.signIn(store).begin(state: "s1", pending)
        try await Self.signIn(store).begin(state: "s2", pending)
        #expect(await store.providerSignIns.keys.contains("hash(s1)"), "only its hash is kept")
        #expect(try await Self.signIn(store, after: 60).take(state: "s1") == pending)
        #expect(try await Self.signIn(store, after: 61).take(state: "s1") == nil, "single use")
        #expect(try await Self.signIn(store, after: 601).take(state: "s2") == nil, "ten minutes")
        try await Self.signIn(store, after: 700).begin(state: "s3", pending)
        #expect(await store.providerSignIns.keys.sorted() == ["hash(s3)"], "those that never came back are forgotten")
    }

    @Test func theAccountIsAnActiveImportedLoginOfTheVouchedAddress() async throws {
        let store = await SignInUseCaseTests.world()
        #expect(try await Self.signIn(store).finish(email: "jan@pcpartner.nl") == 1)
        #expect(await store.signedIn[1] == SignInUseCaseTests.start)
        #expect(await store.audit == ["login.oidc user 1 https://id.example"])
        let unknown = await #expect(throws: Refusal.self) { try await Self.signIn(store).finish(email: "new@x.nl") }
        #expect(unknown?.detail == Message("oidc.noAccount", ["email": .text("new@x.nl")]))
        await store.add(
            "lost@pcpartner.nl",
            SignInLogin(
                id: 3, passwordHash: "-", active: true, role: .resellerUser, companyID: nil, signedInBefore: true))
        let lost = await #expect(throws: Refusal.self) {
            try await Self.signIn(store).finish(email: "lost@pcpartner.nl")
        }
        #expect(lost?.kind == .forbidden)
    }
}
