import Foundation
import RetourApplication
import RetourCore
import Testing

/// The vendor-recovery use cases over a store of plain values: what an agent's steps store, what
/// they refuse and why.
@Suite struct RecoveryUseCaseTests {
    static let day = CalendarDay(iso: "2026-03-16")!
    static let now = Date(timeIntervalSince1970: 1_773_648_000)

    static func subject(
        _ number: String = "DEF-0000001", terms: VendorReturnTerms = .init(accepts: true, withinDays: 90),
        invoiceDate: String = "2026-02-01", received: Int? = 2, serials: [String] = ["S1", "S2"]
    ) -> DispositionSubject {
        DispositionSubject(
            requestID: Int(number.suffix(3))!, number: number, reason: .defect, requestedSerials: serials,
            requestedQuantity: 2, receivedQuantity: received, receivedSerials: received == nil ? [] : serials,
            receivedCondition: .asExpected, brandID: 7, brandName: "Logitech", terms: terms,
            invoiceDate: CalendarDay(iso: invoiceDate)!,
            prices: UnitPrices(
                invoicedPrice: Money(cents: 100_00), purchasePrice: Money(cents: 80_00), listPrice: Money(cents: 90_00)),
            units: [])
    }

    func record(
        _ store: InMemoryRecoveryStore, _ units: [RecordDisposition.UnitInput], request number: String = "DEF-0000001",
        on day: CalendarDay = day
    ) async throws -> [StoredUnit] {
        try await RecordDisposition(store: store, actorID: 3, today: day, now: Self.now)(request: number, units: units)
    }

    static func unit(_ serial: String?, _ disposition: Disposition, quantity: Int = 1) -> RecordDisposition.UnitInput {
        RecordDisposition.UnitInput(
            serial: serial, quantity: quantity, disposition: disposition, grade: .defective, note: nil)
    }

    @Test func unitsForTheVendorJoinTheBrandsOpenClaimWithTheCreditTheVendorOwes() async throws {
        let store = InMemoryRecoveryStore()
        var terms = VendorReturnTerms(accepts: true, withinDays: 90, handlingFeeBasisPoints: 250)
        terms.creditBasis = .purchasePrice
        await store.add(Self.subject(terms: terms))
        await store.add(Self.subject("DEF-0000002", terms: terms, serials: ["T1", "T2"]))
        let units = try await record(store, [Self.unit("S1", .returnToVendor), Self.unit("S2", .scrap)])
        #expect(units.map(\.disposition) == [.returnToVendor, .scrap])
        // 80.00 less 2.5 %.
        #expect(units[0].expectedCredit == Money(cents: 78_00))
        #expect(units[1].expectedCredit == nil)
        _ = try await record(store, [Self.unit("T1", .returnToVendor)], request: "DEF-0000002")
        let (claims, total) = try await store.claims(in: .open, page: 1, per: 10, today: Self.day)
        #expect(total == 1)
        #expect(claims[0].number.hasPrefix("VC-"))
        #expect(claims[0].units.map(\.serial) == ["S1", "T1"])
        #expect(claims[0].expectedCredit == Money(cents: 156_00))
        #expect(await store.audit.filter { $0.hasPrefix("disposition.record") }.count == 2)
    }

    @Test func aBrandThatTakesNoReturnsOrAClosedWindowIsRefusedNamingTheRule() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject(terms: .none))
        await store.add(Self.subject("DEF-0000002", invoiceDate: "2025-12-01", serials: ["T1", "T2"]))
        await #expect {
            try await record(store, [Self.unit("S1", .returnToVendor)])
        } throws: { error in
            let refusal = error as? Refusal
            return refusal?.kind == .invalid && refusal?.detail.key == "recovery.refused.noReturnRights"
                && refusal?.errors.first?.field == "units/0/disposition"
        }
        // Invoiced 2025-12-01, 90 days: the last day was 2026-03-01.
        await #expect {
            try await record(store, [Self.unit("T1", .returnToVendor)], request: "DEF-0000002")
        } throws: { error in
            (error as? Refusal)?.detail
                == Message(
                    "recovery.refused.windowPassed",
                    ["brand": "Logitech", "days": "90", "lastDay": .day(CalendarDay(iso: "2026-03-01")!)])
        }
        // Nothing was stored by the refused attempts.
        #expect(try await store.dispositions(ofRequest: "DEF-0000001") == [])
        #expect(try await store.claims(in: nil, page: 1, per: 10, today: Self.day).total == 0)
    }

    @Test func aUnitMarkedInTimeKeepsItsDayWhenTheDispositionIsSavedAgainLater() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject(invoiceDate: "2026-01-01"))
        _ = try await record(store, [Self.unit("S1", .returnToVendor)])
        // 2026-04-15 is past the 90 days, but S1 was marked on 2026-03-16.
        let later = CalendarDay(iso: "2026-04-15")!
        let units = try await record(store, [Self.unit("S1", .returnToVendor), Self.unit("S2", .restock)], on: later)
        #expect(units.first { $0.serial == "S1" }?.markedOn == Self.day)
    }

    @Test func changingTheDispositionTakesTheUnitOutOfTheClaimAndAnEmptyClaimGoes() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject())
        _ = try await record(store, [Self.unit("S1", .returnToVendor)])
        #expect(try await store.claims(in: .open, page: 1, per: 10, today: Self.day).total == 1)
        _ = try await record(store, [Self.unit("S1", .refurbish)])
        #expect(try await store.claims(in: .open, page: 1, per: 10, today: Self.day).total == 0)
    }

    @Test func unitsMustHaveArrivedAndNotOutnumberWhatArrived() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject(received: nil))
        await store.add(Self.subject("DEF-0000002", serials: []))
        await store.add(Self.subject("DEF-0000003"))
        await #expect {
            try await record(store, [Self.unit("S1", .scrap)])
        } throws: { ($0 as? Refusal)?.kind == .conflict }
        await #expect {
            try await record(store, [Self.unit(nil, .scrap, quantity: 3)], request: "DEF-0000002")
        } throws: { ($0 as? Refusal)?.errors.map(\.field) == ["units"] }
        await #expect {
            try await record(store, [Self.unit("S9", .scrap)], request: "DEF-0000003")
        } throws: { ($0 as? Refusal)?.errors.map(\.field) == ["units/0/serial"] }
    }

    @Test func aClaimIsSentCreditedInPartsAndSettledWhenTheExpectedCreditIsReached() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject(terms: .init(accepts: true, creditBasis: .currentPrice)))
        _ = try await record(store, [Self.unit("S1", .returnToVendor), Self.unit("S2", .returnToVendor)])
        let number = try await store.claims(in: .open, page: 1, per: 1, today: Self.day).claims[0].number
        let steps = VendorClaimSteps(store: store, actorID: 3, today: Self.day, now: Self.now)
        await #expect {
            try await steps.credit(number, amount: Money(cents: 10_00), reference: "early")
        } throws: { ($0 as? Refusal)?.kind == .conflict }
        await #expect {
            try await steps.send(number, vendorRmaNumber: "  ")
        } throws: { ($0 as? Refusal)?.errors.map(\.field) == ["vendorRmaNumber"] }
        let sent = try await steps.send(number, vendorRmaNumber: "LOGI-778")
        #expect(sent.status == .sent)
        #expect(sent.vendorRmaNumber == "LOGI-778")
        await #expect {
            try await steps.send(number, vendorRmaNumber: "again")
        } throws: { ($0 as? Refusal)?.kind == .conflict }
        let part = try await steps.credit(number, amount: Money(cents: 100_00), reference: "CN-1")
        #expect(part.status == .partiallyCredited)
        #expect(part.receivedCredit == Money(cents: 100_00))
        let settled = try await steps.credit(number, amount: Money(cents: 80_00), reference: "CN-2")
        #expect(settled.status == .settled)
        #expect(settled.receivedCredit == Money(cents: 180_00))
        #expect(await store.events.map(\.0) == [.sent, .credited, .credited, .settled])
        await #expect {
            try await steps.writeOff(number, reason: "late")
        } throws: { ($0 as? Refusal)?.kind == .conflict }
    }

    @Test func theRestOfAClaimIsWrittenOffWithAReason() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject())
        _ = try await record(store, [Self.unit("S1", .returnToVendor)])
        let number = try await store.claims(in: .open, page: 1, per: 1, today: Self.day).claims[0].number
        let steps = VendorClaimSteps(store: store, actorID: 3, today: Self.day, now: Self.now)
        _ = try await steps.send(number, vendorRmaNumber: "R-1")
        _ = try await steps.credit(number, amount: Money(cents: 30_00), reference: "")
        await #expect {
            try await steps.writeOff(number, reason: "")
        } throws: { ($0 as? Refusal)?.errors.map(\.field) == ["reason"] }
        let closed = try await steps.writeOff(number, reason: "Vendor refuses the rest: opened packaging")
        #expect(closed.status == .writtenOff)
        #expect(closed.outstanding == .zero)
        #expect(try await store.claims(in: .settled, page: 1, per: 10, today: Self.day).total == 1)
        // A unit of a sent claim is history: its disposition cannot change any more.
        await #expect {
            try await record(store, [Self.unit("S1", .scrap)])
        } throws: { ($0 as? Refusal)?.kind == .conflict }
    }

    @Test func anAdministratorsChangeOfTermsIsAVersionAndTheSameTermsAgainChangeNothing() async throws {
        let store = InMemoryRecoveryStore()
        await store.add(Self.subject(terms: .none))
        await store.addBrand(BrandTerms(brandID: 7, brand: "Logitech", terms: nil, advanceReplacement: false))
        let change = ChangeVendorTerms(store: store, actorID: 1, now: Self.now)
        let terms = VendorReturnTerms(accepts: true, withinDays: 180, handlingFeeBasisPoints: 250)
        #expect(try await change(brandID: 7, terms: terms, advanceReplacement: true))
        #expect(try await !change(brandID: 7, terms: terms, advanceReplacement: true))
        #expect(try await store.termsVersions(brandID: 7, limit: 10).count == 1)
        #expect(try await store.brandTerms(brandID: 7)?.terms == terms)
        #expect(await store.audit == ["brand.vendor_returns brand Logitech"])
        await #expect {
            try await change(
                brandID: 7, terms: VendorReturnTerms(accepts: true, withinDays: 9_999, handlingFeeBasisPoints: 20_000),
                advanceReplacement: false)
        } throws: { ($0 as? Refusal)?.errors.map(\.field) == ["withinDays", "handlingFeePercent"] }
        await #expect { try await change(brandID: 99, terms: nil, advanceReplacement: false) } throws: {
            ($0 as? Refusal)?.kind == .notFound
        }
    }
}
