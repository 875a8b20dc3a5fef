import Foundation
import Testing

@testable import RetourCore

/// The rulebook's rules (§3 and "Further rules"), each with its boundary days and amounts.
@Suite struct EligibilityTests {
    static let invoiceDay = CalendarDay(iso: "2021-12-08")!
    static let logitech = BrandFacts(name: "LOGITECH", doaDays: 14, warrantyMonths: 24)

    static func line(
        price: String = "63.21", quantity: Int = 1, claimed: Int = 0, article: ArticleFacts = ArticleFacts(),
        brand: BrandFacts = logitech
    ) -> LineFacts {
        LineFacts(
            invoiceDate: invoiceDay, deliveryDate: invoiceDay.adding(days: -1), quantity: quantity,
            claimedQuantity: claimed,
            unitPrice: Money(decimal: price)!, article: article, brand: brand)
    }

    static func verdict(_ reason: ReasonID, _ line: LineFacts, daysAfterInvoice: Int, policy: Policy = .standard)
        -> Verdict
    {
        Eligibility.evaluate(line, policy: policy, today: invoiceDay.adding(days: daysAfterInvoice)).first {
            $0.reason == reason
        }!
    }

    @Test func everyReasonOfTheTableInTheScreensOrderTheManualsFourteenAmongThem() {
        let verdicts = Eligibility.evaluate(Self.line(), policy: .standard, today: Self.invoiceDay)
        #expect(verdicts.map(\.reason) == Reason.catalogue.map(\.id))
        let manual = [
            "defect", "doa", "commercial_return", "wrongly_ordered", "buyback", "wrong_delivery", "too_much_delivered",
            "product_complaint", "transport_damage", "concealed_damage", "shortage", "missing_accessories",
            "wrong_invoicing", "license_return",
        ]
        #expect(verdicts.map(\.reason.rawValue).filter(manual.contains) == manual)
    }

    @Test(arguments: [
        (ReasonID.commercialReturn, 15), (.wronglyOrdered, 15), (.buyback, 30), (.wrongDelivery, 15),
        (.tooMuchDelivered, 15), (.productComplaint, 15), (.transportDamage, 4), (.concealedDamage, 15), (.shortage, 4),
        (.missingAccessories, 15), (.wrongInvoicing, 30),
    ])
    func windowsIncludeTheirLastDay(_ reason: ReasonID, _ days: Int) {
        let line = Self.line()
        let last = Self.verdict(reason, line, daysAfterInvoice: days)
        #expect(last.enabled, "\(reason) day \(days)")
        #expect(last.deadline == Self.invoiceDay.adding(days: days))
        let after = Self.verdict(reason, line, daysAfterInvoice: days + 1)
        #expect(!after.enabled, "\(reason) day \(days + 1)")
        #expect(after.refusal == .windowEnded(days: days, on: Self.invoiceDay.adding(days: days)))
        let ended = Language.nl.format(Self.invoiceDay.adding(days: days))
        #expect(after.explanation?.nl.contains("verlopen op \(ended)") == true)
    }

    @Test func commercialReturnEndsOnDay15AndPointsToBuyback() {
        let verdict = Self.verdict(.commercialReturn, Self.line(), daysAfterInvoice: 16)
        #expect(verdict.alternative == .buyback)
        #expect(
            verdict.explanation?.nl
                == "Deze reden kan tot 15 kalenderdagen na de factuurdatum; die termijn is verlopen op 23-12-2021. U kunt kiezen voor Buy back."
        )
        #expect(
            verdict.explanation?.en
                == "This reason is open until 15 calendar days after the invoice date; that period ended on 23 Dec 2021. You can choose Buy back instead."
        )
        // After day 30 Buy back is closed too: then no alternative is offered.
        #expect(Self.verdict(.commercialReturn, Self.line(), daysAfterInvoice: 31).alternative == nil)
    }

    @Test(arguments: [("24.99", false), ("25.00", true), ("2000.00", true), ("2000.01", false)])
    func valueLimitsOfACommercialReturn(_ price: String, _ allowed: Bool) {
        let verdict = Self.verdict(.commercialReturn, Self.line(price: price), daysAfterInvoice: 1)
        #expect(verdict.enabled == allowed, "\(price)")
        if !allowed {
            #expect(verdict.explanation?.nl.contains("niet lager dan 25,00 EUR en niet hoger dan 2.000,00 EUR") == true)
        }
    }

    @Test func aLineIsOfferedWhenSomeQuantityFitsTheLimits() {
        // 5 × 10.00: 3 × 10.00 = 30.00 qualifies.
        #expect(Self.verdict(.commercialReturn, Self.line(price: "10.00", quantity: 5), daysAfterInvoice: 1).enabled)
        let rules = Policy.standard[.commercialReturn]
        #expect(Eligibility.allowedQuantities(unitPrice: Money(cents: 1_000), claimable: 5, rules: rules) == 3...5)
        #expect(Eligibility.allowedQuantities(unitPrice: Money(cents: 90_000), claimable: 5, rules: rules) == 1...2)
        #expect(Eligibility.allowedQuantities(unitPrice: Money(cents: 1_000), claimable: 2, rules: rules) == nil)
        // 2 × 10.00 = 20.00 is too little, and Buy back (≥ 25) is closed too: no alternative.
        let small = Self.verdict(.commercialReturn, Self.line(price: "10.00", quantity: 2), daysAfterInvoice: 1)
        #expect(!small.enabled)
        #expect(small.alternative == nil)
        // Above 2000 a commercial return is refused, but Buy back (no maximum) is open.
        let large = Self.verdict(.commercialReturn, Self.line(price: "2500.00"), daysAfterInvoice: 1)
        #expect(large.alternative == .buyback)
    }

    @Test func buybackNeedsTwentyFiveEuros() {
        #expect(!Self.verdict(.buyback, Self.line(price: "24.99"), daysAfterInvoice: 29).enabled)
        #expect(Self.verdict(.buyback, Self.line(price: "25.00"), daysAfterInvoice: 29).enabled)
        #expect(Self.verdict(.buyback, Self.line(price: "9999.00"), daysAfterInvoice: 30).enabled)
    }

    @Test(arguments: [
        (ArticleFacts(kind: .software), EligibilityRefusal.excludedKind(.software)),
        (ArticleFacts(kind: .threeDPrinter), .excludedKind(.threeDPrinter)),
        (ArticleFacts(specialOrder: true), .specialOrder), (ArticleFacts(returnable: false), .notReturnable),
    ])
    func excludedArticlesCannotBeReturned(_ article: ArticleFacts, _ refusal: EligibilityRefusal) {
        for reason in [ReasonID.commercialReturn, .wronglyOrdered, .buyback] {
            let verdict = Self.verdict(reason, Self.line(article: article), daysAfterInvoice: 1)
            #expect(verdict.refusal == refusal, "\(reason)")
            #expect(verdict.alternative == nil)
        }
        // A defect is still a defect.
        #expect(Self.verdict(.defect, Self.line(article: article), daysAfterInvoice: 1).enabled)
    }

    @Test func anArticleTheAdministratorExcludedCountsAsNotReturnable() throws {
        var policy = Policy.standard
        policy.excludedArticles = ["4036185"]
        let excluded = Self.line(article: ArticleFacts(number: "4036185"))
        let other = Self.line(article: ArticleFacts(number: "4036186"))
        for reason in [ReasonID.commercialReturn, .wronglyOrdered, .buyback] {
            #expect(Self.verdict(reason, excluded, daysAfterInvoice: 1, policy: policy).refusal == .notReturnable)
            #expect(Self.verdict(reason, other, daysAfterInvoice: 1, policy: policy).enabled)
            #expect(Self.verdict(reason, excluded, daysAfterInvoice: 1).enabled, "the standard rules exclude none")
        }
        #expect(Self.verdict(.defect, excluded, daysAfterInvoice: 1, policy: policy).enabled)
        // A version stored before single exclusions existed reads as excluding none.
        var stored = try JSONSerialization.jsonObject(with: JSONEncoder().encode(policy)) as! [String: Any]
        stored.removeValue(forKey: "excludedArticles")
        let old = try JSONDecoder().decode(Policy.self, from: JSONSerialization.data(withJSONObject: stored))
        #expect(old.excludedArticles == nil && !old.excludes(ArticleFacts(number: "4036185")))
        policy.excludedArticles = [String(repeating: "9", count: Policy.maximumArticleNumberLength + 1)]
        #expect(policy.problems().map(\.field) == ["excludedArticles"])
    }

    @Test func doaFollowsTheBrand() {
        #expect(Self.verdict(.doa, Self.line(), daysAfterInvoice: 14).enabled)
        let late = Self.verdict(.doa, Self.line(), daysAfterInvoice: 15)
        #expect(late.refusal == .doaEnded(days: 14, on: Self.invoiceDay.adding(days: 14)))
        #expect(late.alternative == .defect)
        let netgear = BrandFacts(name: "NETGEAR", doaDays: nil)
        let none = Self.verdict(.doa, Self.line(brand: netgear), daysAfterInvoice: 0)
        #expect(none.refusal == .brandHasNoDOA(brand: "NETGEAR"))
        #expect(none.alternative == .defect)
        #expect(none.explanation?.nl.hasSuffix("U kunt kiezen voor Defect.") == true)
        #expect(none.explanation?.en.contains("NETGEAR has no DOA arrangement") == true)
    }

    @Test func doaCanCountFromTheDeliveryDate() {
        var policy = Policy.standard
        policy.doaStart = .deliveryDate
        // Delivered the day before the invoice: the 14 days end one day earlier.
        #expect(!Self.verdict(.doa, Self.line(), daysAfterInvoice: 14, policy: policy).enabled)
        #expect(Self.verdict(.doa, Self.line(), daysAfterInvoice: 13, policy: policy).enabled)
    }

    @Test func warrantyComesFromArticleThenBrandThenPolicy() {
        let lastDefault = Self.invoiceDay.adding(months: 24)
        let noWarrantyBrand = BrandFacts(name: "X", doaDays: nil, warrantyMonths: nil)
        #expect(Self.verdict(.defect, Self.line(brand: noWarrantyBrand), daysAfterInvoice: 0).deadline == lastDefault)
        let lenovo = BrandFacts(name: "LENOVO", doaDays: 14, warrantyMonths: 36)
        #expect(
            Self.verdict(.defect, Self.line(brand: lenovo), daysAfterInvoice: 0).deadline
                == Self.invoiceDay.adding(months: 36))
        let article = ArticleFacts(warrantyMonths: 12)
        let verdict = Self.verdict(.defect, Self.line(article: article, brand: lenovo), daysAfterInvoice: 400)
        #expect(verdict.refusal == .warrantyEnded(months: 12, on: CalendarDay(iso: "2022-12-08")!))
        #expect(verdict.explanation?.nl == "De garantietermijn van 12 maanden is verlopen op 8-12-2022.")
        let days = Self.invoiceDay.days(until: lastDefault)
        #expect(Self.verdict(.defect, Self.line(), daysAfterInvoice: days).enabled)
        #expect(!Self.verdict(.defect, Self.line(), daysAfterInvoice: days + 1).enabled)
    }

    @Test func directServiceStaysEnabledAndShowsTheServiceCentre() {
        let centre = ServiceCentre(
            company: "ACER COMPUTER BV", street: "Europalaan 89", postcode: "NL-5232 BC", city: "'s-Hertogenbosch",
            url: "http://www.acer.com/gc/nl/NL/content/")
        let acer = BrandFacts(
            name: "ACER", doaDays: 14, warrantyMonths: 24, warrantyHandling: .directService, doaHandling: .credit,
            serviceCentre: centre)
        let defect = Self.verdict(.defect, Self.line(brand: acer), daysAfterInvoice: 100)
        #expect(defect.enabled)
        #expect(defect.handling == .directService)
        #expect(defect.serviceCentre == centre)
        let doa = Self.verdict(.doa, Self.line(brand: acer), daysAfterInvoice: 1)
        #expect(doa.handling == .credit)
        #expect(doa.serviceCentre == nil)
        #expect(Self.verdict(.defect, Self.line(), daysAfterInvoice: 1).handling == .credit)
    }

    @Test func licencesUseOnlyLicenceReturnAndWrongInvoicing() {
        let licence = Eligibility.evaluate(
            Self.line(article: ArticleFacts(kind: .licence)), policy: .standard, today: Self.invoiceDay.adding(days: 1))
        #expect(Set(licence.filter(\.enabled).map(\.reason)) == [.licenseReturn, .wrongInvoicing])
        #expect(licence.first { $0.reason == .defect }?.refusal == .licenceArticle)
        let hardware = Eligibility.evaluate(Self.line(), policy: .standard, today: Self.invoiceDay.adding(days: 1))
        #expect(hardware.first { $0.reason == .licenseReturn }?.refusal == .notALicence)
        #expect(hardware.filter(\.enabled).map(\.reason) == Reason.catalogue.map(\.id).filter { $0 != .licenseReturn })
    }

    @Test func aFullyHeldLineLeavesOpenOnlyTheClaimsThatHoldNothing() {
        // Rulebook §4.6: the goods reasons are held; the three on the right stay open.
        var line = Self.line(quantity: 3, claimed: 3)
        let verdicts = Eligibility.evaluate(line, policy: .standard, today: Self.invoiceDay.adding(days: 1))
        #expect(verdicts.filter(\.enabled).map(\.reason) == [.tooMuchDelivered, .missingAccessories, .wrongInvoicing])
        #expect(verdicts.filter(\.enabled).allSatisfy { !$0.reason.holdsGoods })
        #expect(verdicts.first?.explanation?.nl == "De volledige hoeveelheid (3) van deze regel is al aangevraagd.")
        line.heldBy = "RET-0000012"
        let named = Eligibility.evaluate(line, policy: .standard, today: Self.invoiceDay.adding(days: 1))
        #expect(
            named.first?.explanation?.nl == "De volledige hoeveelheid (3) van deze regel is al aangevraagd: RET-0000012"
        )
        // Partly claimed: the remaining quantity decides the value limits (2 × 10.00 < 25.00).
        let partly = Self.verdict(
            .commercialReturn, Self.line(price: "10.00", quantity: 5, claimed: 3), daysAfterInvoice: 1)
        #expect(
            partly.refusal
                == .valueOutsideLimits(
                    unitPrice: Money(cents: 1_000), claimable: 2, minimum: Money(cents: 2_500),
                    maximum: Money(cents: 200_000)))
    }

    @Test func visibleTransportDamagePastItsWindowIsNotPointedToConcealedDamage() {
        // Concealed damage is only for damage that could not be seen on delivery (issue 11, item 3).
        let verdict = Self.verdict(.transportDamage, Self.line(), daysAfterInvoice: 5)
        #expect(verdict.refusal != nil)
        #expect(verdict.alternative == nil)
        #expect(verdict.explanation?.nl.contains("Het artikel is beschadigd in een onbeschadigde buitendoos") == false)
    }

    @Test func requestNumbersNeverLookLikeRMANumbers() {
        for category in [ReasonCategory.defect, .return, .claim] {
            #expect(!RequestNumbers.requestNumber(category: category, sequence: 5).hasPrefix("RMA"))
        }
        #expect(RequestNumbers.requestNumber(category: .defect, sequence: 5) == "DEF-0000005")
        #expect(RequestNumbers.rmaNumber(sequence: 3).hasPrefix("RMA"))
    }

    @Test func theVerbAgreesWithTheExcludedKind() {
        #expect(EligibilityRefusal.excludedKind(.software).message.nl == "Software is uitgesloten voor deze reden.")
        #expect(
            EligibilityRefusal.excludedKind(.threeDPrinter).message.nl
                == "3D-printers zijn uitgesloten voor deze reden.")
    }

    @Test(arguments: [
        (ReasonID.wrongDelivery, "63.21", "62.89"), (.tooMuchDelivered, "333.97", "332.30"),
        (.transportDamage, "333.97", "300.57"), (.wrongDelivery, "153.84", "153.07"),
    ])
    func keepOffersFromTheManual(_ reason: ReasonID, _ normal: String, _ special: String) {
        let verdict = Self.verdict(reason, Self.line(price: normal), daysAfterInvoice: 1)
        #expect(
            verdict.keepOffer == KeepOffer(normalPrice: Money(decimal: normal)!, unitPrice: Money(decimal: special)!))
        #expect(Self.verdict(.defect, Self.line(price: normal), daysAfterInvoice: 1).keepOffer == nil)
    }

    @Test func discountsRoundHalfUp() {
        #expect(Money(cents: 100).discounted(byBasisPoints: 50) == Money(cents: 100))  // 0.995 → 1.00
        #expect(Money(cents: 1_000).discounted(byBasisPoints: 50) == Money(cents: 995))
        #expect(Money(cents: 30).discounted(byBasisPoints: 5_000) == Money(cents: 15))
        #expect(Money(cents: 31).discounted(byBasisPoints: 5_000) == Money(cents: 16))  // 15.5 → 16
    }

    @Test func outcomesFollowTheManual() {
        let outcomes = Dictionary(uniqueKeysWithValues: Reason.catalogue.map { ($0.id, $0.outcome) })
        #expect(
            Set(outcomes.filter { $0.value == .shipDirectly }.keys) == [
                .defect, .doa, .commercialReturn, .wronglyOrdered,
            ])
        #expect(Set(outcomes.filter { $0.value == .claim }.keys) == [.shortage, .wrongInvoicing, .licenseReturn])
        #expect(
            Set(outcomes.filter { $0.value == .inReview }.keys).isSuperset(of: [
                .buyback, .wrongDelivery, .tooMuchDelivered, .productComplaint, .transportDamage, .concealedDamage,
                .missingAccessories,
            ]))
    }

    @Test func policyValuesAreDataNotCode() {
        var policy = Policy.standard
        policy.reasons[.commercialReturn]?.window = .days(20)
        policy.reasons[.commercialReturn]?.minimumValue = Money(cents: 10_000)
        #expect(
            Self.verdict(.commercialReturn, Self.line(price: "150.00"), daysAfterInvoice: 20, policy: policy).enabled)
        #expect(
            !Self.verdict(.commercialReturn, Self.line(price: "63.21"), daysAfterInvoice: 1, policy: policy).enabled)
    }
}

@Suite struct ExplanationTests {
    static let day = CalendarDay(iso: "2021-12-08")!

    @Test(arguments: [
        EligibilityRefusal.windowEnded(days: 15, on: day), .warrantyEnded(months: 24, on: day),
        .brandHasNoDOA(brand: "NETGEAR"),
        .doaEnded(days: 14, on: day),
        .valueOutsideLimits(unitPrice: Money(cents: 999), claimable: 2, minimum: Money(cents: 2_500), maximum: nil),
        .excludedKind(.software), .excludedKind(.threeDPrinter), .specialOrder, .notReturnable, .licenceArticle,
        .notALicence, .fullyClaimed(quantity: 4, by: "RET-0000012"), .fullyClaimed(quantity: 4, by: nil),
    ])
    func everyRefusalIsExplainedInBothLanguages(_ refusal: EligibilityRefusal) {
        let message = refusal.message
        #expect(!message.nl.isEmpty && !message.en.isEmpty)
        #expect(message.nl != message.en)
        if case .windowEnded = refusal {
            #expect(message.nl.contains("8-12-2021"))
            #expect(message.en.contains("8 Dec 2021"))
        }
        if case .valueOutsideLimits = refusal {
            #expect(message.nl.contains("niet lager dan 25,00 EUR"))
            #expect(message.en.contains("at least 25.00 EUR"))
            #expect(message.nl.contains("2 stuks: 19,98 EUR"))
        }
    }

    @Test func oneItemIsOneStukNotStuks() {
        let one = EligibilityRefusal.valueOutsideLimits(
            unitPrice: Money(cents: 995), claimable: 1, minimum: Money(cents: 2_500), maximum: nil
        ).message
        #expect(one.nl.contains("(1 stuk: 9,95 EUR)") && one.nl.contains("mag niet lager dan 25,00 EUR zijn"))
        #expect(one.en.contains("(1 piece: 9.95 EUR)"))
    }
}

@Suite struct RuleSentencesTests {
    @Test func theCommercialReturnsRulesAreStatedUpFrontFromThePolicy() {
        let nl = RuleSentences.of(.commercialReturn, policy: .standard).map(\.nl)
        #expect(nl.contains("Dit kan binnen 15 kalenderdagen na de factuurdatum."))
        #expect(nl.contains("Het te retourneren bedrag mag niet lager zijn dan € 25,- en niet hoger dan € 2000,-."))
        #expect(nl.contains { $0.hasPrefix("Sommige artikelen zijn uitgesloten: software, 3D-printers") })
        #expect(nl.contains("De artikelen moeten 100% gesloten en nieuw zijn."))
        #expect(nl.contains("Er wordt 10% retourkosten in rekening gebracht."))
        let buyback = RuleSentences.of(.buyback, policy: .standard).map(\.nl)
        #expect(buyback.contains("Dit kan binnen 30 kalenderdagen na de factuurdatum."))
        #expect(buyback.contains("De goederen moeten 100% nieuw zijn."))
    }

    @Test func theFeeFollowsThePolicyNotATypedText() {
        var policy = Policy.standard
        policy.reasons[.commercialReturn]?.returnFeeBasisPoints = 1_250
        #expect(
            RuleSentences.of(.commercialReturn, policy: policy).map(\.nl)
                .contains("Er wordt 12,5% retourkosten in rekening gebracht."))
    }
}
