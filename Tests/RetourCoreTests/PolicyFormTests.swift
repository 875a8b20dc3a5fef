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

    @Test func dutchReadersSeeADecimalCommaAndTheFormStillRoundTrips() throws {
        let fields = PolicyForm.fields(of: .standard, language: .nl)
        #expect(fields["min_commercial_return"] == "25,00")
        #expect(fields["fee_commercial_return"] == "10,00")
        #expect(fields["keep_wrong_delivery"] == "0,50")
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
        // The first lines that change are kept as examples, a few per reason.
        #expect(changes[.commercialReturn]?.examples == [16, 17, 18])
        #expect(changes[.shortage]?.examples == [3, 4])
        #expect(changes[.defect]?.examples == [])
    }

    @Test func versionsStoredBeforeNewValuesGetTheDefaults() throws {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Policy.standard)) as! [String: Any]
        old["archiveAfterDays"] = nil
        old["cartWarningDays"] = nil
        var reasons = old["reasons"] as! [String: [String: Any]]
        for key in reasons.keys { reasons[key]?["reviewTargetWorkingDays"] = nil }
        old["reasons"] = reasons
        let policy = try JSONDecoder().decode(Policy.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(policy.archiveDays == 30)
        #expect(policy.cartWarning == 3)
        #expect(policy[.productComplaint].reviewTarget == 2)
    }

    /// A version published before a reason existed lacks it: the reason opens with the reason
    /// table's defaults, never with a window of 0 days (issue 21).
    @Test func aReasonNewerThanTheStoredVersionGetsItsDefaults() throws {
        var old = try JSONSerialization.jsonObject(with: JSONEncoder().encode(Policy.standard)) as! [String: Any]
        var reasons = old["reasons"] as! [String: Any]
        reasons["license_return"] = nil
        reasons["wrong_invoicing"] = nil
        old["reasons"] = reasons
        let policy = try JSONDecoder().decode(Policy.self, from: JSONSerialization.data(withJSONObject: old))
        #expect(policy[.licenseReturn] == Reason.named(.licenseReturn).defaults)
        #expect(policy[.wrongInvoicing] == Reason.named(.wrongInvoicing).defaults)
        #expect(policy[.licenseReturn].window != .days(0))
        // The form shows and keeps them with their defaults too.
        #expect(
            try PolicyForm.parse(PolicyForm.fields(of: policy), base: policy).get()[.licenseReturn]
                == Reason.named(.licenseReturn).defaults)
    }

    @Test func theFollowUpValuesAreOnTheForm() throws {
        var fields = PolicyForm.fields(of: .standard)
        #expect(fields["archiveAfterDays"] == "30")
        #expect(fields["target_buyback"] == "2")
        fields["archiveAfterDays"] = "45"
        fields["cartWarningDays"] = "5"
        fields["target_buyback"] = "4"
        let policy = try PolicyForm.parse(fields, base: .standard).get()
        #expect(policy.archiveDays == 45)
        #expect(policy.cartWarning == 5)
        #expect(policy[.buyback].reviewTarget == 4)
        fields["target_buyback"] = "0"
        guard case .failure(let errors) = PolicyForm.parse(fields, base: .standard) else {
            Issue.record("a target of 0 was accepted")
            return
        }
        #expect(errors.errors.map(\.field) == ["target_buyback"])
    }

    @Test func policiesSurviveJSON() throws {
        let data = try JSONEncoder().encode(Policy.standard)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"commercial_return\""))
        #expect(text.contains("\"brand_doa\""))
        #expect(try JSONDecoder().decode(Policy.self, from: data) == .standard)
    }
}
