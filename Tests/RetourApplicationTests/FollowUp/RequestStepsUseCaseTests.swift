import Foundation
import RetourApplication
import RetourCore
import Testing

/// The lifecycle of a request as the agent and the reseller take it, on plain values: each step
/// decided on the request as stored, recorded, told to the reseller and announced.
@Suite struct RequestStepsUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let today = CalendarDay(year: 2026, month: 3, day: 16)!

    /// A buy-back of two units at €100 in review (goods come back), and a store that holds it.
    static func world() async -> InMemoryRequestStore {
        let store = InMemoryRequestStore()
        await store.add(request(id: 1, number: "R-1", company: 7, status: .inReview))
        await store.setUnitPrice(Money(cents: 10_000), line: 100)
        return store
    }

    static func request(id: Int, number: String, company: Int, status: RequestStatus) -> StoredRequest {
        StoredRequest(
            id: id, number: number, reason: .buyback, fields: [:], companyID: company, userID: 10 + id, lineID: 100,
            quantity: 2, serials: ["SN1", "SN2"], policyVersion: 1, status: status)
    }

    static func agent(_ store: InMemoryRequestStore, on day: CalendarDay = today) -> RequestSteps {
        RequestSteps(store: store, actor: .agent, actorID: 2, now: now, today: day)
    }

    static func reseller(_ store: InMemoryRequestStore) -> RequestSteps {
        RequestSteps(store: store, actor: .reseller, actorID: 11, now: now, today: today)
    }

    @Test func anApprovalGivesAnRMANumberValidFiveDaysAndTellsTheReseller() async throws {
        let store = await Self.world()
        let approved = try await Self.agent(store).decide(.approve, message: nil, on: 1)
        #expect(approved.status == .awaitingGoods)
        #expect(approved.rmaNumber == RequestNumbers.rmaNumber(sequence: 1))
        #expect(approved.validUntil == Self.today.adding(days: RequestNumbers.rmaValidityDays))
        #expect(await store.request(1) == approved, "stored as answered")
        let step = try #require(await store.steps(1).last)
        #expect((step.action, step.from, step.to, step.actor) == (.approve, .inReview, .awaitingGoods, .agent))
        #expect(await store.told == [.statusChanged(.approve, message: nil)])
        #expect(await store.announced == [.statusChanged])
    }

    @Test func aResellerCannotDecideAndARefusedStepChangesNothing() async throws {
        let store = await Self.world()
        let notYours = await #expect(throws: Refusal.self) {
            try await Self.reseller(store).perform(.approve, on: 1)
        }
        #expect(notYours?.kind == .forbidden)
        let noReason = await #expect(throws: Refusal.self) {
            try await Self.agent(store).decide(.reject, message: "  ", on: 1)
        }
        #expect(noReason?.errors.map(\.field) == ["message"])
        let notADecision = await #expect(throws: Refusal.self) {
            try await Self.agent(store).decide(.credit, message: nil, on: 1)
        }
        #expect(notADecision?.errors.map(\.field) == ["decision"])
        let closedTwice = await #expect(throws: Refusal.self) { try await Self.agent(store).perform(.close, on: 1) }
        #expect(closedTwice?.kind == .conflict, "a request in review cannot be closed")
        await #expect(throws: Refusal.self) { try await Self.agent(store).perform(.approve, on: 99) }
        #expect(await store.request(1)?.status == .inReview)
        #expect(await store.steps(1).isEmpty)
        #expect(await store.told.isEmpty)
    }

    @Test func aRejectionSaysWhyClosesTodayAndFreesTheSerials() async throws {
        let store = await Self.world()
        let rejected = try await Self.agent(store).decide(.reject, message: " Opened box ", on: 1)
        #expect(rejected.status == .rejected)
        #expect(rejected.closedOn == Self.today)
        #expect(await store.freedSerials == [1])
        #expect(await store.steps(1).last?.message == "Opened box")
    }

    @Test func aQuestionWaitsForTheResellersAnswerUntilTheAgentActs() async throws {
        let store = await Self.world()
        let asked = try await Self.agent(store).decide(.requestInfo, message: "Which box?", on: 1)
        #expect(asked.informationRequested && asked.status == .inReview)
        let answered = try await Self.reseller(store).post(
            message: "The blue one", attachments: [], seenBy: .company(7), on: 1)
        #expect(!answered.informationRequested)
        #expect(answered.answeredAt == Self.now)
        #expect(await store.told.count == 1, "the reseller is not mailed about their own message")
        #expect(await store.announced == [.messageCreated, .messageCreated])
        let approved = try await Self.agent(store).decide(.approve, message: nil, on: 1)
        #expect(approved.answeredAt == nil)
    }

    @Test func aMessageCarriesOnlyFilesOfTheRequestsOwnCompany() async throws {
        let store = await Self.world()
        await store.addFile("own", company: 7)
        await store.addFile("foreign", company: 8)
        let refused = await #expect(throws: Refusal.self) {
            // An agent sees every company's files, but must not hand one to another company.
            try await Self.agent(store).post(message: "See", attachments: ["foreign"], seenBy: .allCompanies, on: 1)
        }
        #expect(refused?.errors.map(\.field) == ["attachments"])
        let empty = await #expect(throws: Refusal.self) {
            try await Self.agent(store).post(message: "   ", attachments: [], seenBy: .allCompanies, on: 1)
        }
        #expect(empty?.errors.map(\.field) == ["message"])
        try await Self.agent(store).post(message: "See", attachments: ["own"], seenBy: .allCompanies, on: 1)
        #expect(await store.steps(1).map(\.attachments) == [["own"]])
    }

    @Test func aReceiptNamesEveryDifferenceInTheResellersWords() async throws {
        let store = await Self.world()
        try await Self.agent(store).decide(.approve, message: nil, on: 1)
        // The RMA number ran to the 21st; with three days in transit the 25th is late.
        let late = CalendarDay(year: 2026, month: 3, day: 25)!
        let received = try await Self.agent(store, on: late).receive(
            GoodsReceipt(quantity: 1, serials: [" SN1 ", "SN9", ""], condition: .opened, note: "Box torn"),
            on: 1)
        #expect(received.status == .received)
        let differences = try #require(received.receipt?.differences)
        guard case .found(let found) = differences else {
            Issue.record("differences as data")
            return
        }
        #expect(found.contains(.quantity(received: 1, requested: 2)))
        #expect(found.contains(.serialsNotReceived(["SN2"])))
        #expect(found.contains(.serialsNotRequested(["SN9"])))
        #expect(found.contains(.condition(.opened, sealed: true)))
        #expect(found.contains { if case .late = $0 { return true } else { return false } })
        #expect(received.receipt?.serials == ["SN1", "SN9"])
        let message = try #require(await store.steps(1).last?.message)
        #expect(message.hasPrefix("Box torn\nReceived differently: "))
    }

    @Test func aReceiptWithoutAQuantityOrConditionIsRefusedAtItsFields() async throws {
        let store = await Self.world()
        try await Self.agent(store).decide(.approve, message: nil, on: 1)
        let refused = await #expect(throws: Refusal.self) {
            try await Self.agent(store).receive(
                GoodsReceipt(quantity: -1, serials: [], condition: nil, note: nil), on: 1)
        }
        #expect(refused?.errors.map(\.field) == ["quantity", "condition"])
        #expect(await store.request(1)?.status == .awaitingGoods)
    }

    @Test func aCreditIsTheComputedAmountOrATypedOneWithAReasonNumberedWithoutGaps() async throws {
        let store = await Self.world()
        try await Self.agent(store).decide(.approve, message: nil, on: 1)
        try await Self.agent(store).receive(
            GoodsReceipt(quantity: 2, serials: ["SN1", "SN2"], condition: .asExpected, note: nil), on: 1)
        let noReason = await #expect(throws: Refusal.self) {
            try await Self.agent(store).credit(amount: Money(cents: 15_000), reason: " ", mayExceedValue: false, on: 1)
        }
        #expect(noReason?.errors.map(\.field) == ["reason"])
        let tooMuch = await #expect(throws: Refusal.self) {
            try await Self.agent(store).credit(
                amount: Money(cents: 20_001), reason: "goodwill", mayExceedValue: false, on: 1)
        }
        #expect(tooMuch?.errors.map(\.field) == ["amount"])
        let credited = try await Self.agent(store).credit(amount: nil, reason: nil, mayExceedValue: false, on: 1)
        #expect(credited.status == .credited)
        #expect(credited.creditNote?.amount == Money(cents: 20_000), "two units at €100, no fee in the policy")
        #expect(credited.creditNote?.number == CreditNotes.number(year: 2026, sequence: 1), "refusals took no number")
        #expect(await store.announced.suffix(2) == [.statusChanged, .creditNoteCreated])
        let twice = await #expect(throws: Refusal.self) {
            try await Self.agent(store).credit(amount: nil, reason: nil, mayExceedValue: false, on: 1)
        }
        #expect(twice?.kind == .conflict)
    }

    @Test func aResellerRenewsAnExpiredRMANumberOnce() async throws {
        let store = await Self.world()
        try await Self.agent(store).decide(.approve, message: nil, on: 1)
        let later = CalendarDay(year: 2026, month: 3, day: 23)!
        let round = try await RequestExpiry(store: store, now: Self.now, today: later).runOnce()
        #expect(round.expired == 1)
        #expect(await store.request(1)?.status == .expired)
        let reseller = RequestSteps(store: store, actor: .reseller, actorID: 11, now: Self.now, today: later)
        let renewed = try await reseller.perform(.extend, on: 1)
        #expect(renewed.status == .awaitingGoods && renewed.resellerExtensions == 1)
        #expect(renewed.rmaNumber == RequestNumbers.rmaNumber(sequence: 1), "the same RMA number")
        #expect(renewed.validUntil == later.adding(days: RequestNumbers.rmaValidityDays))
    }
}

/// The worker's rounds: RMA numbers expire after their last day, the reseller is reminded once the
/// day before, and a reminder nobody can receive does not hold up the others.
@Suite struct RequestExpiryUseCaseTests {
    @Test func remindsOnceTheDayBeforeAndExpiresTheDayAfter() async throws {
        let store = await RequestStepsUseCaseTests.world()
        await store.add(RequestStepsUseCaseTests.request(id: 2, number: "R-2", company: 7, status: .inReview))
        await store.setUnreachable(12)
        for id in [1, 2] { try await RequestStepsUseCaseTests.agent(store).decide(.approve, message: nil, on: id) }
        let lastDay = RequestStepsUseCaseTests.today.adding(days: RequestNumbers.rmaValidityDays)
        let dayBefore = lastDay.adding(days: -1)
        let first = try await RequestExpiry(store: store, now: .now, today: dayBefore).runOnce()
        #expect(first == .init(expired: 0, reminded: 1, unreachable: ["R-2"]))
        #expect(try await RequestExpiry(store: store, now: .now, today: dayBefore).runOnce() == .init())
        #expect(try await RequestExpiry(store: store, now: .now, today: lastDay).runOnce().expired == 0)
        let after = try await RequestExpiry(store: store, now: .now, today: lastDay.adding(days: 1)).runOnce()
        #expect(after.expired == 2)
        #expect(await store.steps(1).last?.actor == .system)
    }
}

/// An advance replacement: shipped only when approved, reminded three days before the unit is
/// due back, charged at the line's price the day after.
@Suite struct ReplacementStepsUseCaseTests {
    static func world() async throws -> InMemoryRequestStore {
        let store = InMemoryRequestStore()
        var request = RequestStepsUseCaseTests.request(id: 1, number: "R-1", company: 7, status: .inReview)
        request.reason = .defect
        request.replacement = .init(
            status: .waitingApproval, shipBy: nil, returnBy: nil, tracking: nil, reminded: false)
        await store.add(request)
        await store.setUnitPrice(Money(cents: 4_950), line: 100)
        return store
    }

    static func steps(_ store: InMemoryRequestStore, on day: CalendarDay) -> RequestSteps {
        RequestSteps(store: store, actor: .agent, actorID: 2, now: .now, today: day)
    }

    @Test func shippedOnlyOnceApprovedThenRemindedThenCharged() async throws {
        let store = try await Self.world()
        let today = RequestStepsUseCaseTests.today
        let early = await #expect(throws: Refusal.self) {
            try await Self.steps(store, on: today).shipReplacement(requestID: 1, tracking: nil, returnDays: 14)
        }
        #expect(early?.kind == .conflict)
        let approved = try await RequestStepsUseCaseTests.agent(store).decide(.approve, message: nil, on: 1)
        #expect(approved.replacement?.status == .toShip)
        #expect(approved.replacement?.shipBy == AdvanceReplacement.shipBy(approvedOn: today))
        let tooLong = await #expect(throws: Refusal.self) {
            try await Self.steps(store, on: today).shipReplacement(
                requestID: 1, tracking: String(repeating: "1", count: 101), returnDays: 14)
        }
        #expect(tooLong?.errors.map(\.field) == ["trackingNumber"])
        let shipped = try await Self.steps(store, on: today).shipReplacement(
            requestID: 1, tracking: " TT1 ", returnDays: 14)
        let returnBy = today.adding(days: 14)
        #expect(shipped.replacement?.returnBy == returnBy && shipped.replacement?.tracking == "TT1")
        #expect(shipped.validUntil == returnBy, "the RMA number lasts as long as the unit may come back")
        #expect(await store.audit == ["replacement.ship request R-1: return by \(returnBy.iso)"])

        #expect(try await Self.steps(store, on: returnBy.adding(days: -4)).replacementRound() == (0, 0))
        #expect(try await Self.steps(store, on: returnBy.adding(days: -3)).replacementRound() == (1, 0))
        #expect(
            try await Self.steps(store, on: returnBy).replacementRound() == (0, 0),
            "one reminder; the last day is theirs")
        #expect(try await Self.steps(store, on: returnBy.adding(days: 1)).replacementRound() == (0, 1))
        let charged = try #require(await store.request(1))
        #expect(charged.replacement?.status == .charged)
        #expect(charged.creditNote?.kind == .charge && charged.creditNote?.amount == Money(cents: 9_900))
        let told: [ResellerNotice] = [
            .statusChanged(.approve, message: nil), .replacementShipped, .replacementDueSoon, .replacementCharged,
        ]
        #expect(await store.told == told)
        #expect(await store.announced.last == IntegrationEventKind.creditNoteCreated)
    }

    @Test func aUnitBackInTimeIsNotCharged() async throws {
        let store = try await Self.world()
        let today = RequestStepsUseCaseTests.today
        try await RequestStepsUseCaseTests.agent(store).decide(.approve, message: nil, on: 1)
        try await Self.steps(store, on: today).shipReplacement(requestID: 1, tracking: nil, returnDays: 14)
        let back = try await RequestStepsUseCaseTests.agent(store, on: today.adding(days: 14)).receive(
            GoodsReceipt(quantity: 2, serials: ["SN1", "SN2"], condition: .asExpected, note: nil), on: 1)
        #expect(back.replacement?.status == .returned)
        #expect(try await Self.steps(store, on: today.adding(days: 20)).replacementRound() == (0, 0))
        #expect(await store.request(1)?.creditNote == nil)
    }
}
