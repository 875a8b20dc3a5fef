import Testing

@testable import RetourCore

@Suite struct VendorReturnTermsTests {
    let invoiced = CalendarDay(iso: "2026-01-10")!
    let prices = UnitPrices(
        invoicedPrice: Money(cents: 71_50), purchasePrice: Money(cents: 60_00), listPrice: Money(cents: 69_99))

    @Test func aUnitGoesBackOnlyWithReturnRightsAndWithinTheDays() {
        #expect(VendorReturnTerms.none.refusal(invoiceDate: invoiced, markedOn: invoiced) == .noReturnRights)
        let terms = VendorReturnTerms(accepts: true, withinDays: 30)
        #expect(terms.refusal(invoiceDate: invoiced, markedOn: invoiced.adding(days: 30)) == nil)
        #expect(
            terms.refusal(invoiceDate: invoiced, markedOn: invoiced.adding(days: 31))
                == .windowPassed(lastDay: CalendarDay(iso: "2026-02-09")!, withinDays: 30))
        #expect(
            VendorReturnTerms(accepts: true).refusal(invoiceDate: invoiced, markedOn: invoiced.adding(days: 3000))
                == nil)
    }

    @Test func theExpectedCreditIsTheBasisLessTheFeeRoundedHalfUp() throws {
        // 3 × 60.00 less 2.5 % = 175.50.
        let purchase = VendorReturnTerms(accepts: true, creditBasis: .purchasePrice, handlingFeeBasisPoints: 250)
        #expect(try purchase.expectedCredit(prices: prices, quantity: 3) == Money(cents: 175_50))
        // 69.99 less 12.5 % = 61.24125 → 61.24; 2 × … = 122.4825 → 122.48.
        let current = VendorReturnTerms(accepts: true, creditBasis: .currentPrice, handlingFeeBasisPoints: 1_250)
        #expect(try current.expectedCredit(prices: prices, quantity: 1) == Money(cents: 61_24))
        #expect(try current.expectedCredit(prices: prices, quantity: 2) == Money(cents: 122_48))
        // 0.05 less 10 % = 0.045 → 0.05: half rounds up.
        let tiny = UnitPrices(invoicedPrice: Money(cents: 5), purchasePrice: nil, listPrice: nil)
        #expect(
            try VendorReturnTerms(accepts: true, handlingFeeBasisPoints: 1_000).expectedCredit(
                prices: tiny, quantity: 1)
                == Money(cents: 5))
        // Without a purchase or list price the invoiced price is the basis.
        #expect(try current.expectedCredit(prices: tiny, quantity: 1) == Money(cents: 4))
    }
}

@Suite struct DispositionRuleTests {
    @Test func theProposalFollowsTheReasonTheConditionAndTheVendor() {
        #expect(
            DispositionRules.propose(reason: .commercialReturn, condition: .asExpected, vendorTakesIt: false)
                == .restock)
        #expect(DispositionRules.propose(reason: .commercialReturn, condition: .opened, vendorTakesIt: true) == .bStock)
        #expect(
            DispositionRules.propose(reason: .defect, condition: .asExpected, vendorTakesIt: true) == .returnToVendor)
        #expect(DispositionRules.propose(reason: .doa, condition: .damaged, vendorTakesIt: false) == .refurbish)
        #expect(
            DispositionRules.propose(reason: .defect, condition: .otherArticle, vendorTakesIt: true)
                == .returnToCustomer)
        #expect(DispositionRules.propose(reason: .transportDamage, condition: .damaged, vendorTakesIt: true) == .scrap)
        #expect(DispositionRules.proposedGrade(reason: .defect, condition: .asExpected) == .defective)
        #expect(DispositionRules.proposedGrade(reason: .commercialReturn, condition: .opened) == .b)
    }

    /// Every reason and condition gets a proposal, and a refused vendor never gets one.
    @Test func everyReasonAndConditionHasAProposalThatRespectsTheVendor() {
        for reason in ReasonID.allCases {
            for condition in ReceiptCondition.allCases {
                #expect(
                    DispositionRules.propose(reason: reason, condition: condition, vendorTakesIt: false)
                        != .returnToVendor)
            }
        }
    }
}

@Suite struct VendorClaimStepTests {
    @Test func aClaimIsSentOnceThenCreditedUntilSettled() {
        let expected = Money(cents: 100_00)
        #expect(
            VendorClaimStep.send.next(from: .open, units: 2, expected: expected, received: .zero) == .success(.sent))
        #expect(
            VendorClaimStep.send.next(from: .open, units: 0, expected: .zero, received: .zero) == .failure(.noUnits))
        #expect(
            VendorClaimStep.send.next(from: .sent, units: 2, expected: expected, received: .zero)
                == .failure(.notOpen(.sent)))
        #expect(
            VendorClaimStep.credit(Money(cents: 40_00)).next(from: .sent, units: 2, expected: expected, received: .zero)
                == .success(.partiallyCredited))
        #expect(
            VendorClaimStep.credit(Money(cents: 60_00)).next(
                from: .partiallyCredited, units: 2, expected: expected, received: Money(cents: 40_00))
                == .success(.settled))
        #expect(
            VendorClaimStep.credit(.zero).next(from: .sent, units: 2, expected: expected, received: .zero)
                == .failure(.amountNotPositive))
        #expect(
            VendorClaimStep.credit(Money(cents: 1)).next(from: .open, units: 2, expected: expected, received: .zero)
                == .failure(.notAwaitingCredit(.open)))
        #expect(
            VendorClaimStep.writeOff.next(from: .partiallyCredited, units: 2, expected: expected, received: .zero)
                == .success(.writtenOff))
        #expect(
            VendorClaimStep.writeOff.next(from: .settled, units: 2, expected: expected, received: expected)
                == .failure(.closed(.settled)))
        #expect(VendorClaimNumbers.number(sequence: 42) == "VC-000042")
    }
}

@Suite struct RecoveryReportTests {
    @Test func perBrandTheCreditsTheClaimsAndTheExposureByAge() {
        let credits = [
            RecoveryReport.ResellerCredits(brand: "LOGITECH", month: "2026-01", amount: Money(cents: 300_00)),
            RecoveryReport.ResellerCredits(brand: "LOGITECH", month: "2026-02", amount: Money(cents: 100_00)),
            RecoveryReport.ResellerCredits(brand: "HP", month: "2026-02", amount: Money(cents: 50_00)),
        ]
        let shares = [
            RecoveryReport.ClaimShare(claim: "VC-1", month: "2026-01", expected: Money(cents: 200_00)),
            RecoveryReport.ClaimShare(claim: "VC-1", month: "2026-02", expected: Money(cents: 100_00)),
            RecoveryReport.ClaimShare(claim: "VC-2", month: "2026-02", expected: Money(cents: 40_00)),
        ]
        let claims = [
            RecoveryReport.ClaimState(
                claim: "VC-1", brand: "LOGITECH", status: .partiallyCredited, received: Money(cents: 100_00),
                ageDays: 45),
            RecoveryReport.ClaimState(
                claim: "VC-2", brand: "LOGITECH", status: .writtenOff, received: Money(cents: 10_00), ageDays: 120),
        ]
        let brands = RecoveryReport.rows(credits: credits, shares: shares, claims: claims, byMonth: false)
        #expect(brands.map(\.brand) == ["HP", "LOGITECH"])
        let logitech = brands[1]
        #expect(logitech.creditedToResellers == Money(cents: 400_00))
        #expect(logitech.expectedFromVendor == Money(cents: 340_00))
        #expect(logitech.receivedFromVendor == Money(cents: 110_00))
        // VC-1 still owes 200.00 at 45 days; the written-off VC-2 is no exposure.
        #expect(logitech.openExposure.days31to60 == Money(cents: 200_00))
        #expect(logitech.openExposure.total == Money(cents: 200_00))
        #expect(logitech.recoveryRate == "0.3235")
        #expect(brands[0].recoveryRate == nil)

        let months = RecoveryReport.rows(credits: credits, shares: shares, claims: claims, byMonth: true)
        let january = months.first { $0.brand == "LOGITECH" && $0.month == "2026-01" }
        // VC-1's 100.00 shared 2:1 over its months.
        #expect(january?.receivedFromVendor == Money(cents: 66_67))
        let received = months.filter { $0.brand == "LOGITECH" }.reduce(Int64(0)) { $0 + $1.receivedFromVendor.cents }
        #expect(received == 110_00)
    }

    @Test func sharesAddUpToTheWholeToTheCent() {
        let parts = RecoveryReport.allocate(
            Money(cents: 100), over: [Money(cents: 1), Money(cents: 1), Money(cents: 1)])
        #expect(parts.map(\.cents).reduce(0, +) == 100)
        #expect(parts.map(\.cents).sorted() == [33, 33, 34])
        #expect(RecoveryReport.allocate(Money(cents: 5), over: [.zero]) == [.zero])
    }
}

@Suite struct AdvanceReplacementTests {
    @Test func offeredForDefectsAndDOAOfABrandThatOffersItToACompanyThatMayUseIt() {
        #expect(AdvanceReplacement.offered(reason: .defect, brandOffers: true, companyMayUse: true))
        #expect(AdvanceReplacement.offered(reason: .doa, brandOffers: true, companyMayUse: true))
        #expect(!AdvanceReplacement.offered(reason: .commercialReturn, brandOffers: true, companyMayUse: true))
        #expect(!AdvanceReplacement.offered(reason: .defect, brandOffers: false, companyMayUse: true))
        #expect(!AdvanceReplacement.offered(reason: .defect, brandOffers: true, companyMayUse: false))
    }

    @Test func theReplacementShipsOnTheNextWorkingDay() {
        #expect(CalendarDay(iso: "2026-03-16")!.weekday == 0)  // a Monday
        #expect(
            AdvanceReplacement.shipBy(approvedOn: CalendarDay(iso: "2026-03-16")!) == CalendarDay(iso: "2026-03-17"))
        // Friday → Monday; Saturday → Monday.
        #expect(
            AdvanceReplacement.shipBy(approvedOn: CalendarDay(iso: "2026-03-20")!) == CalendarDay(iso: "2026-03-23"))
        #expect(
            AdvanceReplacement.shipBy(approvedOn: CalendarDay(iso: "2026-03-21")!) == CalendarDay(iso: "2026-03-23"))
    }

    @Test func aReminderThreeDaysBeforeTheDeadlineAndTheChargeAfterIt() {
        let returnBy = CalendarDay(iso: "2026-03-31")!
        func due(_ day: String, reminded: Bool = false, status: ReplacementStatus = .shipped) -> AdvanceReplacement.Due?
        {
            AdvanceReplacement.due(
                status: status, returnBy: returnBy, reminded: reminded, today: CalendarDay(iso: day)!)
        }
        #expect(due("2026-03-27") == nil)
        #expect(due("2026-03-28") == .remind)
        #expect(due("2026-03-30", reminded: true) == nil)
        #expect(due("2026-03-31", reminded: true) == nil)
        #expect(due("2026-04-01", reminded: true) == .charge)
        #expect(due("2026-04-01", status: .returned) == nil)
    }
}
