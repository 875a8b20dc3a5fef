import Foundation
import RetourApplication
import RetourCore
import Testing

/// Four eyes on plain values: a colleague with the right approves (the held positions are
/// submitted as the submitter, re-checked as of now) or rejects with a reason (they go back to the
/// cart); never the submitter, never twice, never another company's.
@Suite struct DecideApprovalUseCaseTests {
    typealias World = AddPositionsUseCaseTests

    /// User 10's two positions held for approval 1 (company 7 asks above €150).
    static func held() async throws -> InMemoryCartStore {
        let store = try await SubmitCartUseCaseTests.cart()
        await store.setRule(.aboveAmount(Money(cents: 15_000)), of: 7)
        await store.addSubmitter(
            Submitter(userID: 10, companyID: 7, rights: [.view, .register, .submit], language: .nl, active: true))
        _ = try await SubmitCartUseCaseTests.submitting(store).run()
        return store
    }

    static func deciding(
        _ store: InMemoryCartStore, approver: Int = 20, company: Int = 7, rights: Set<UserRight> = [.view, .approve]
    ) -> DecideApproval {
        DecideApproval(
            store: store, approverID: approver, approverCompany: company, approverRights: rights, now: World.now,
            today: World.today, translations: [Translations(language: .nl, texts: [:])], language: .en)
    }

    @Test func approvingSubmitsTheHeldPositionsAsTheSubmitter() async throws {
        let store = try await Self.held()
        let outcome = try await Self.deciding(store).run(approval: 1, decision: .approve, message: " ok ")
        guard case .approved(let submission) = outcome else {
            Issue.record("approved")
            return
        }
        #expect(submission.requests.count == 2)
        #expect(await store.requests.allSatisfy { $0.userID == 10 })
        #expect(await store.decision(1) == .approved)
        #expect(await store.audit == ["approval.approve approval 1"])
        let twice = await #expect(throws: Refusal.self) {
            try await Self.deciding(store).run(approval: 1, decision: .reject, message: "late")
        }
        #expect(twice?.kind == .conflict)
    }

    @Test func aRejectionSaysWhyAndReturnsThePositionsToTheCart() async throws {
        let store = try await Self.held()
        let silent = await #expect(throws: Refusal.self) {
            try await Self.deciding(store).run(approval: 1, decision: .reject, message: "  ")
        }
        #expect(silent?.errors.map(\.field) == ["message"])
        #expect(try await Self.deciding(store).run(approval: 1, decision: .reject, message: "Too dear") == .rejected)
        #expect(await store.toldRejected == ["Too dear"])
        #expect(await store.requests.isEmpty)
        #expect(
            try await SubmitCartUseCaseTests.submitting(store).run().approval != nil, "back in the cart, held again")
    }

    @Test func onlyAColleagueWithTheRightOfTheSameCompanyDecides() async throws {
        let store = try await Self.held()
        let own = await #expect(throws: Refusal.self) {
            try await Self.deciding(store, approver: 10).run(approval: 1, decision: .approve, message: "")
        }
        #expect(own?.kind == .forbidden)
        let noRight = await #expect(throws: Refusal.self) {
            try await Self.deciding(store, rights: [.view]).run(approval: 1, decision: .approve, message: "")
        }
        #expect(noRight?.kind == .forbidden)
        let foreign = await #expect(throws: Refusal.self) {
            try await Self.deciding(store, company: 8).run(approval: 1, decision: .approve, message: "")
        }
        #expect(foreign?.kind == .notFound)
        #expect(await store.decision(1) == nil)
    }

    @Test func aPositionNoLongerAllowedRefusesTheApprovalAndSaysWhich() async throws {
        let store = try await Self.held()
        await store.claim(quantity: 1, serials: ["SN1"], ofLine: 1)
        let refused = await #expect(throws: Refusal.self) {
            try await Self.deciding(store).run(approval: 1, decision: .approve, message: "")
        }
        #expect(refused?.errors.map(\.field) == ["positions/100"])
        #expect(await store.decision(1) == nil, "still waiting: the approver may reject it")
    }
}
