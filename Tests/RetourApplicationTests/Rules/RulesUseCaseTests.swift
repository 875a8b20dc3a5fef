import Foundation
import RetourApplication
import RetourCore
import Testing

/// An administrator's work on the rules — publishing a version, changing a brand — against a store
/// of plain values.
@Suite struct RulesUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let today = CalendarDay(year: 2026, month: 3, day: 16)!
    static let acer = BrandSettings(
        id: 4, name: "ACER", doaDays: 14, warrantyMonths: 24, warrantyHandling: .credit, doaHandling: .credit,
        hasServiceCentre: false)

    @Test func versionsAreNumberedOneAfterTheOtherAndAudited() async throws {
        let store = InMemoryRulesStore()
        let publish = PublishPolicy(store: store, actorID: 1, now: Self.now, today: Self.today)
        let first = try await publish.run(.standard, effectiveFrom: nil, note: " eerste ")
        let second = try await publish.run(.standard, effectiveFrom: "2026-04-01", note: nil)
        #expect(first.version == 1 && first.effectiveFrom == Self.today && first.note == "eerste")
        #expect(second.version == 2 && second.effectiveFrom == CalendarDay(year: 2026, month: 4, day: 1))
        let audit = await store.state.audit
        #expect(audit.map(\.subject) == ["policy version 1", "policy version 2"])
        #expect(audit.first?.detail == "effective from 2026-03-16: eerste")
    }

    @Test func aDayInThePastALongNoteAndTheFormsOwnErrorsAreRefusedTogether() async throws {
        let store = InMemoryRulesStore()
        let publish = PublishPolicy(store: store, actorID: 1, now: Self.now, today: Self.today)
        let refusal = await #expect(throws: Refusal.self) {
            try await publish.run(
                nil, formErrors: [FieldError("windows.defect", message: Message("x"))], effectiveFrom: "2026-03-15",
                note: String(repeating: "a", count: PublishPolicy.maximumNote + 1))
        }
        #expect(refusal?.errors.map(\.field) == ["windows.defect", "effectiveFrom", "note"])
        #expect(await store.state.versions.isEmpty)
    }

    @Test func aBrandChangesItsDaysAndHandlingWithBeforeAndAfterInTheAudit() async throws {
        let store = InMemoryRulesStore()
        await store.add(Self.acer)
        let changed = try await UpdateBrand(store: store, actorID: 1, now: Self.now).run(
            brandID: 4, .init(doaDays: "", warrantyMonths: " 36 ", warrantyHandling: "credit", doaHandling: "credit"))
        #expect(changed.doaDays == nil && changed.warrantyMonths == 36)
        #expect(await store.state.brands[4] == changed)
        #expect(
            await store.state.audit.map(\.detail) == [
                "doa 14, warranty 24, credit/credit → doa none, warranty 36, credit/credit"
            ])
    }

    @Test func directServiceNeedsAServiceCentreAndNothingIsWrittenWhenRefused() async throws {
        let store = InMemoryRulesStore()
        await store.add(Self.acer)
        let update = UpdateBrand(store: store, actorID: 1, now: Self.now)
        let refusal = await #expect(throws: Refusal.self) {
            try await update.run(
                brandID: 4,
                .init(doaDays: "9999", warrantyMonths: "", warrantyHandling: "direct_service", doaHandling: "credit"))
        }
        #expect(refusal?.errors.map(\.field) == ["brand.doaDays", "brand.handling"])
        #expect(await store.state.brands[4] == Self.acer)
        #expect(await store.state.audit.isEmpty)
        await #expect(throws: Refusal.self) {
            try await update.run(
                brandID: 99, .init(doaDays: "", warrantyMonths: "", warrantyHandling: "credit", doaHandling: "credit"))
        }
    }

    @Test func articlesAreExcludedOneByOneOnTopOfEachOtherAndOnlyKnownOnes() async throws {
        let store = InMemoryRulesStore()
        await store.addArticle("4036185")
        await store.addArticle("4036186")
        let change = ChangeExclusions(store: store, actorID: 1, now: Self.now, today: Self.today)
        _ = try await change.run(.excludeArticle(" 4036185 "))
        let second = try await change.run(.excludeArticle("4036186"))
        #expect(second.version == 2)
        #expect(await store.state.policies[2]?.excludedArticles == ["4036185", "4036186"])
        for (wrong, field) in [
            ("999", "exclusions.noSuchArticle"), ("4036185", "exclusions.alreadyExcluded"),
            ("", "exclusions.enterAnArticleNumber"),
        ] {
            let refusal = await #expect(throws: Refusal.self) { try await change.run(.excludeArticle(wrong)) }
            #expect(refusal?.errors.map(\.message.key) == [field])
        }
        _ = try await change.run(.includeArticle("4036185"))
        #expect(await store.state.policies[3]?.excludedArticles == ["4036186"])
        #expect(await store.state.versions.count == 3)
        #expect(await store.state.audit.last?.detail == "effective from 2026-03-16: article 4036185 no longer excluded")
    }

    @Test func aReasonsExclusionsChangeAndTheRestOfTheRulesStay() async throws {
        let store = InMemoryRulesStore()
        var before = Policy.standard
        before.reasons[.buyback]?.maximumValue = Money(cents: 150_000)
        _ = try await PublishPolicy(store: store, actorID: 1, now: Self.now, today: Self.today)
            .run(before, effectiveFrom: nil, note: nil)
        let wanted = ChangeExclusions.ReasonExclusions(kinds: [.software], specialOrders: false, nonReturnable: true)
        _ = try await ChangeExclusions(store: store, actorID: 1, now: Self.now, today: Self.today)
            .run(.reasons([.commercialReturn: wanted]))
        let after = try #require(await store.state.policies[2])
        #expect(ChangeExclusions.ReasonExclusions(after[.commercialReturn]) == wanted)
        #expect(after[.buyback].maximumValue == Money(cents: 150_000))
        #expect(after[.defect] == before[.defect])
    }
}

/// The distributor's data as an administrator types it.
@Suite struct DistributorFormTests {
    static let form = ChangeDistributor.Form(
        returnAddress: " Retour BV \n\n Magazijnweg 7\r\n1234 AB Tilburg ", sellerName: "Retour B.V.", sellerStreet: "",
        sellerPostcode: "", sellerCity: "", sellerCountry: "nl", sellerVAT: "", sellerEmail: "")

    @Test func linesAreTrimmedEmptyOnesDroppedAndTheCountryWrittenInCapitals() throws {
        let read = try ChangeDistributor.read(Self.form)
        #expect(read.returnAddress == ["Retour BV", "Magazijnweg 7", "1234 AB Tilburg"])
        #expect(read.sellerCountry == "NL" && read.sellerStreet == nil)
    }

    @Test func everyProblemIsNamedAtOnce() {
        var form = Self.form
        form.returnAddress = "Eén regel"
        form.sellerName = " "
        form.sellerCountry = "NLD"
        form.sellerVAT = "NL 12"
        form.sellerEmail = "geen adres"
        let refusal = #expect(throws: Refusal.self) { try ChangeDistributor.read(form) }
        #expect(
            refusal?.errors.map(\.field) == [
                "returnAddress", "sellerName", "sellerCountry", "sellerVAT", "sellerEmail",
            ])
        form = Self.form
        form.returnAddress = "Retour · BV\nTilburg"
        #expect(throws: Refusal.self) { try ChangeDistributor.read(form) }
    }
}
