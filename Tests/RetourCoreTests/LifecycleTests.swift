import Testing

@testable import RetourCore

@Suite struct LifecycleTests {
    /// Every allowed transition, with who may take it.
    static let allowed: [(RequestAction, RequestStatus, Bool, RequestStatus, Actor)] = [
        (.approve, .inReview, true, .awaitingGoods, .agent), (.approve, .inReview, false, .approved, .agent),
        (.reject, .inReview, true, .rejected, .agent), (.reject, .received, true, .rejected, .agent),
        (.reject, .approved, false, .rejected, .agent), (.requestInfo, .inReview, true, .inReview, .agent),
        (.message, .inReview, true, .inReview, .reseller), (.message, .awaitingGoods, true, .awaitingGoods, .agent),
        (.receive, .awaitingGoods, true, .received, .agent), (.receive, .expired, true, .received, .agent),
        (.credit, .approved, false, .credited, .agent), (.credit, .received, true, .credited, .agent),
        (.close, .credited, true, .closed, .agent), (.close, .approved, false, .closed, .agent),
        (.close, .received, true, .closed, .agent), (.close, .rejected, true, .closed, .agent),
        (.expire, .awaitingGoods, true, .expired, .system), (.extend, .expired, true, .awaitingGoods, .agent),
        (.extend, .awaitingGoods, true, .awaitingGoods, .agent), (.extend, .expired, true, .awaitingGoods, .reseller),
    ]

    @Test func everyAllowedTransition() {
        for (action, from, goods, to, actor) in Self.allowed {
            #expect(
                Lifecycle.decide(action, from: from, by: actor, expectsGoods: goods) == .success(to),
                "\(action) from \(from) by \(actor)")
        }
    }

    @Test func everyOtherTransitionIsRefused() {
        for action in RequestAction.allCases {
            for status in RequestStatus.allCases {
                for goods in [true, false] {
                    // Only an approval depends on whether goods come back.
                    let allowedHere = Self.allowed.contains {
                        $0.0 == action && $0.1 == status && (action != .approve || $0.2 == goods)
                    }
                    guard !allowedHere else { continue }
                    for actor in Actor.allCases {
                        if case .success(let next) = Lifecycle.decide(
                            action, from: status, by: actor, expectsGoods: goods)
                        {
                            // The message action keeps any open status; nothing else may slip through.
                            let isMessage = action == .message && next == status && status != .closed
                            #expect(isMessage, "\(action) from \(status) by \(actor) should be refused, led to \(next)")
                        }
                    }
                }
            }
        }
    }

    @Test func rolesAreChecked() {
        #expect(
            Lifecycle.decide(.approve, from: .inReview, by: .reseller, expectsGoods: true)
                == .failure(.notYourRole(action: .approve, actor: .reseller)))
        #expect(
            Lifecycle.decide(.expire, from: .awaitingGoods, by: .agent, expectsGoods: true)
                == .failure(.notYourRole(action: .expire, actor: .agent)))
        #expect(
            Lifecycle.decide(.credit, from: .received, by: .system, expectsGoods: true)
                == .failure(.notYourRole(action: .credit, actor: .system)))
    }

    @Test func aResellerRenewsAnExpiredNumberOnce() {
        #expect(
            Lifecycle.decide(.extend, from: .expired, by: .reseller, expectsGoods: true, resellerExtensions: 0)
                == .success(.awaitingGoods))
        #expect(
            Lifecycle.decide(.extend, from: .expired, by: .reseller, expectsGoods: true, resellerExtensions: 1)
                == .failure(.alreadyExtended))
        #expect(
            Lifecycle.decide(.extend, from: .awaitingGoods, by: .reseller, expectsGoods: true)
                == .failure(.notAllowed(action: .extend, status: .awaitingGoods)))
        #expect(
            Lifecycle.decide(.extend, from: .expired, by: .agent, expectsGoods: true, resellerExtensions: 3)
                == .success(.awaitingGoods))
    }

    @Test func whetherGoodsComeBack() {
        #expect(Lifecycle.expectsGoods(.defect, fields: [:]))
        #expect(!Lifecycle.expectsGoods(.shortage, fields: [:]))
        #expect(!Lifecycle.expectsGoods(.transportDamage, fields: ["keep": .bool(true)]))
        #expect(Lifecycle.expectsGoods(.transportDamage, fields: ["keep": .bool(false)]))
        #expect(!Lifecycle.expectsGoods(.wrongDelivery, fields: ["variant": .string("match"), "keep": .bool(true)]))
        #expect(
            Lifecycle.expectsGoods(
                .wrongDelivery, fields: ["variant": .string("mismatch"), "keepReceived": .bool(false)]))
    }

    @Test func workingDaysSkipWeekends() {
        let friday = CalendarDay(iso: "2021-12-10")!
        #expect(friday.isWorkingDay)
        #expect(!friday.adding(days: 1).isWorkingDay)
        #expect(friday.workingDays(until: friday.adding(days: 3)) == 1)  // Monday
        #expect(friday.workingDays(until: friday.adding(days: 4)) == 2)
    }
}

@Suite struct SettlementTests {
    @Test func commercialReturnPaysTheValueLessTheFee() throws {
        let settlement = try Settlement.compute(
            reason: .commercialReturn, fields: [:], unitPrice: Money(cents: 5_495), quantity: 2, policy: .standard)
        #expect(settlement.value == Money(cents: 10_990))
        #expect(settlement.fee == Money(cents: 1_099))
        #expect(settlement.amount == Money(cents: 9_891))
        #expect(settlement.kind == .credit)
    }

    @Test func keptGoodsAreSettledAtTheDiscount() throws {
        // Transport damage kept: (333.97 − 300.57) × 2 = 66.80.
        let kept = try Settlement.compute(
            reason: .transportDamage, fields: ["keep": .bool(true)], unitPrice: Money(cents: 33_397), quantity: 2,
            policy: .standard)
        #expect(kept.amount == Money(cents: 6_680))
        let returned = try Settlement.compute(
            reason: .transportDamage, fields: ["keep": .bool(false)], unitPrice: Money(cents: 33_397), quantity: 2,
            policy: .standard)
        #expect(returned.amount == Money(cents: 66_794))
        // Too much delivered and kept: a charge at the special price, 332.30 each.
        let charge = try Settlement.compute(
            reason: .tooMuchDelivered, fields: ["keep": .bool(true)], unitPrice: Money(cents: 33_397), quantity: 1,
            policy: .standard)
        #expect(charge.kind == .charge)
        #expect(charge.amount == Money(cents: 33_230))
    }

    @Test func wrongDeliveryOptionTwoChargesTheKeptArticleAtItsSpecialPrice() throws {
        // Ordered 63.21; received the SEAGATE 10TB of 153.84, offered at 153.07 (manual L540–543).
        let received = ReceivedArticle.fields(number: "4224506", unitPrice: Money(cents: 15_384))
        func settle(keep: Bool, wantOriginal: Bool, _ extra: [String: JSONValue] = received) throws -> Settlement {
            let fields: [String: JSONValue] = [
                "variant": .string("mismatch"), "materialCode": .string("STKP10000400"),
                "keepReceived": .bool(keep), "wantOriginal": .bool(wantOriginal),
            ]
            return try Settlement.compute(
                reason: .wrongDelivery, fields: fields.merging(extra) { $1 }, unitPrice: Money(cents: 6_321),
                quantity: 1, policy: .standard)
        }
        // Kept, and the ordered article is still wanted: the kept one is charged at 153.07.
        let keptAndRedelivered = try settle(keep: true, wantOriginal: true)
        #expect(keptAndRedelivered.kind == .charge)
        #expect(keptAndRedelivered.amount == Money(cents: 15_307))
        // Kept, ordered one not wanted: its 63.21 is set against the charge in one booking.
        let keptInstead = try settle(keep: true, wantOriginal: false)
        #expect(keptInstead.kind == .charge)
        #expect(keptInstead.amount == Money(cents: 15_307 - 6_321))
        // Returned: the ordered article is credited, or delivered again (nothing credited).
        #expect(try settle(keep: false, wantOriginal: false).amount == Money(cents: 6_321))
        #expect(try settle(keep: false, wantOriginal: true).amount == .zero)
        // An unknown article has no price: nothing is charged for it.
        let unknown = try settle(keep: true, wantOriginal: false, [:])
        #expect(unknown.kind == .credit)
        #expect(unknown.amount == Money(cents: 6_321))
    }

    @Test func anInvoiceClaimIsCreditedWhatTheAgentFindsNotTheLinesValue() throws {
        let claim = try Settlement.compute(
            reason: .wrongInvoicing, fields: ["subReason": .string("price")], unitPrice: Money(cents: 5_495),
            quantity: 15, policy: .standard)
        #expect(claim.value == Money(cents: 82_425))
        #expect(claim.amount == .zero)
    }

    @Test func creditNoteNumbersAndVAT() throws {
        #expect(CreditNotes.number(year: 2026, sequence: 42) == "CN2026-000042")
        #expect(try CreditNotes.vat(on: Money(cents: 9_891)) == Money(cents: 2_077))
    }
}

@Suite struct RefusalWordingTests {
    @Test func refusalsNameActionsAndStatusesInWordsNotCodes() {
        let refusal = Lifecycle.Refusal.notAllowed(action: .extend, status: .awaitingGoods)
        #expect(
            refusal.message.nl == "Het RMA-nummer verlengen kan niet bij een aanvraag met status \"Wacht op goederen\"."
        )
        for action in RequestAction.allCases {
            for status in RequestStatus.allCases {
                let text = Lifecycle.Refusal.notAllowed(action: action, status: status).message
                #expect(!text.nl.contains(status.rawValue) || status.rawValue == status.label.nl.lowercased())
                #expect(!text.nl.contains("_"), "\(text.nl)")
            }
        }
    }
}
