import Foundation
import Testing

@testable import RetourCore

@Suite struct PolicyFormTests {
    @Test func theFormRoundTripsThePolicy() throws {
        let fields = PolicyForm.fields(of: .standard)
        #expect(fields["window_commercial_return"] == "15")
        #expect(fields["keep_wrong_delivery"] == "0.50")
        #expect(fields["fee_commercial_return"] == "10.00")
        #expect(fields["window_defect"] == nil)
        #expect(try PolicyForm.parse(fields, base: .standard).get() == .standard)
    }

    @Test func dutchNumbersAreRead() throws {
        var fields = PolicyForm.fields(of: .standard)
        fields["min_buyback"] = "30,00"
        fields["keep_transport_damage"] = "7,5"
        fields["max_buyback"] = ""
        let policy = try PolicyForm.parse(fields, base: .standard).get()
        #expect(policy[.buyback].minimumValue == Money(cents: 3_000))
        #expect(policy[.transportDamage].keepDiscountBasisPoints == 750)
        #expect(policy[.buyback].maximumValue == nil)
    }

    @Test func everyBadFieldIsNamed() {
        var fields = PolicyForm.fields(of: .standard)
        fields["window_shortage"] = "-1"
        fields["min_commercial_return"] = "3000"
        fields["keep_wrong_delivery"] = "150"
        fields["images_transport_damage"] = "x"
        fields["doaStart"] = "tomorrow"
        guard case .failure(let errors) = PolicyForm.parse(fields, base: .standard) else {
            Issue.record("expected errors")
            return
        }
        #expect(
            Set(errors.errors.map(\.field)) == [
                "window_shortage", "max_commercial_return", "keep_wrong_delivery", "images_transport_damage",
                "doaStart",
            ])
    }

    @Test func whatIfCountsChangesPerReason() {
        let day = CalendarDay(iso: "2021-12-08")!
        let lines = (0..<30).map { age in
            LineFacts(
                invoiceDate: day.adding(days: -age), quantity: 1, unitPrice: Money(cents: 6_321),
                article: ArticleFacts(),
                brand: BrandFacts(name: "SEAGATE", doaDays: 14))
        }
        var draft = Policy.standard
        draft.reasons[.commercialReturn]?.window = .days(20)
        draft.reasons[.shortage]?.window = .days(2)
        let result = WhatIf.compare(lines, current: .standard, draft: draft, today: day)
        #expect(result.lines == 30)
        let changes = Dictionary(uniqueKeysWithValues: result.changes.map { ($0.reason, $0) })
        #expect(changes[.commercialReturn]?.refusedToAllowed == 5)  // ages 16…20
        #expect(changes[.commercialReturn]?.allowedToRefused == 0)
        #expect(changes[.shortage]?.allowedToRefused == 2)  // ages 3 and 4
        #expect(changes[.defect]?.refusedToAllowed == 0)
    }

    @Test func policiesSurviveJSON() throws {
        let data = try JSONEncoder().encode(Policy.standard)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"commercial_return\""))
        #expect(text.contains("\"brand_doa\""))
        #expect(try JSONDecoder().decode(Policy.self, from: data) == .standard)
    }
}
