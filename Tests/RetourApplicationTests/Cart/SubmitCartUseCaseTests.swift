import Foundation
import RetourApplication
import RetourCore
import Testing

/// Submitting a cart on plain values: every position re-checked as of now, one request each, the
/// confirmation and the announcement in the same transaction; four eyes where the company asks
/// for them; the same key answered once.
@Suite struct SubmitCartUseCaseTests {
    typealias World = AddPositionsUseCaseTests

    static func submitting(
        _ store: InMemoryCartStore, key: String? = nil, rights: Set<UserRight> = [.view, .register, .submit],
        company: Int? = 7, approval: Int? = nil
    ) -> SubmitCart {
        SubmitCart(
            store: store, userID: 10, companyID: company, rights: rights, idempotencyKey: key, now: World.now,
            today: World.today,
            texts: Translations(language: .en, texts: ["outcome.ship_directly": "Ship it with the RMA number"]),
            countryNames: [], approval: approval)
    }

    /// Two positions in user 10's cart: a defect of SN1 and one of SN2, both on line 1.
    static func cart() async throws -> InMemoryCartStore {
        let store = await World.world()
        try await World.adding(store).save(World.defect(serials: ["SN1"]))
        try await World.adding(store).save(World.defect(serials: ["SN2"]))
        return store
    }

    @Test func eachPositionBecomesARequestAndLeavesTheCart() async throws {
        let store = try await Self.cart()
        let submission = try await Self.submitting(store).run()
        #expect(submission.approval == nil)
        #expect(submission.requests.map(\.position) == [100, 101])
        let first = try #require(submission.requests.first)
        #expect(first.outcome == .shipDirectly && first.status == .awaitingGoods)
        #expect(first.rmaNumber == RequestNumbers.rmaNumber(sequence: 1))
        #expect(first.validUntil == World.today.adding(days: RequestNumbers.rmaValidityDays))
        #expect(first.message == "Ship it with the RMA number")
        let requests = await store.requests
        #expect(requests.map(\.submission) == [first.number, first.number], "one submission, named by its first")
        #expect(await store.positionCount == 0)
        #expect(await store.claimedSerials == ["1/SN1": 1, "1/SN2": 2])
        #expect(await store.confirmations == [[1, 2]])
        #expect(await store.announced == [[1, 2]])
        #expect(await store.lockedLines.last == [1])
    }

    @Test func aPositionNoLongerAllowedIsNamedAndNothingIsSubmitted() async throws {
        let store = try await Self.cart()
        // Meanwhile another submission claimed SN2.
        await store.claim(quantity: 1, serials: ["SN2"], ofLine: 1)
        let refused = await #expect(throws: Refusal.self) { try await Self.submitting(store).run() }
        #expect(refused?.kind == .conflict)
        #expect(refused?.errors.map(\.field) == ["positions/101"])
        #expect(await store.requests.isEmpty)
        #expect(await store.positionCount == 2, "the cart stays as it was")
    }

    @Test func anEmptyCartOrAStaffLoginSubmitsNothing() async throws {
        let store = await World.world()
        let empty = await #expect(throws: Refusal.self) { try await Self.submitting(store).run() }
        #expect(empty?.errors.map(\.field) == ["cart"])
        let full = try await Self.cart()
        let staff = await #expect(throws: Refusal.self) { try await Self.submitting(full, company: nil).run() }
        #expect(staff?.errors.map(\.field) == ["cart"])
        let badKey = await #expect(throws: Refusal.self) {
            try await Self.submitting(full, key: String(repeating: "k", count: 201)).run()
        }
        #expect(badKey?.errors.map(\.field) == ["Idempotency-Key"])
    }

    @Test func theSameKeyAgainAnswersWhatTheFirstAnswered() async throws {
        let store = try await Self.cart()
        let first = try await Self.submitting(store, key: "k1").run()
        let again = try await Self.submitting(store, key: "k1").run()
        #expect(again == first)
        #expect(await store.requests.count == 2)
    }

    @Test func aKeyStoredByAParallelSubmissionIsItsAnswerAndAClashIsAConflict() async throws {
        let store = try await Self.cart()
        let theirs = Submission(requests: [], approval: WaitingApproval(id: 9, status: .waiting, amount: .zero))
        await store.takeMeanwhile("k2")
        let clash = await #expect(throws: Refusal.self) { try await Self.submitting(store, key: "k2").run() }
        #expect(clash?.kind == .conflict)
        #expect(await store.requests.isEmpty, "the clash rolled everything back")
        await store.keep(theirs, userID: 10, key: "k2")
        #expect(try await Self.submitting(store, key: "k2").run() == theirs)
    }

    @Test func fourEyesHoldTheSubmissionUntilAColleagueApproves() async throws {
        let store = try await Self.cart()
        await store.setRule(.aboveAmount(Money(cents: 15_000)), of: 7)
        let held = try await Self.submitting(store).run()
        let approval = try #require(held.approval)
        #expect(approval.amount == Money(cents: 20_000) && held.requests.isEmpty)
        #expect(await store.requests.isEmpty)
        #expect(await store.positionCount == 2)
        let emptyNow = await #expect(throws: Refusal.self) { try await Self.submitting(store).run() }
        #expect(emptyNow?.errors.map(\.field) == ["cart"], "held positions are out of the cart")
        let approved = try await Self.submitting(store, approval: approval.id).run()
        #expect(approved.requests.count == 2 && approved.approval == nil, "approving does not ask again")
        let withRight = try await Self.cart()
        await withRight.setRule(.always, of: 7)
        #expect(try await Self.submitting(withRight, rights: [.submit, .approve]).run().requests.count == 2)
    }
}
