import Foundation
import RetourApplication
import RetourCore
import Testing

/// Adding to a reseller's cart, on plain values: one position from the form or the API, an edit of
/// one, or many rows of a spreadsheet — each checked against what requests and the cart already hold.
@Suite struct AddPositionsUseCaseTests {
    static let now = Date(timeIntervalSince1970: 1_773_619_200)
    static let today = CalendarDay(year: 2026, month: 3, day: 16)!
    static let serials = ["SN1", "SN2"]
    static let fault: [String: JSONValue] = ["fault": .string("no_response"), "description": .string("Geen beeld")]

    /// Company 7's line 1 (invoice F-1, position 1) of two serialised units bought a month ago; line 2
    /// is another company's.
    static func world() async -> InMemoryCartStore {
        let store = InMemoryCartStore()
        let line = CheckedLine(
            facts: LineFacts(
                invoiceDate: today.adding(days: -30), quantity: 2, unitPrice: Money(cents: 10_000),
                article: ArticleFacts(), brand: BrandFacts(name: "SEAGATE", doaDays: 14)),
            requestClaims: LineClaims(), serialised: true, deliveredSerials: serials)
        await store.add(line: 1, invoice: "F-1", position: 1, companyID: 7, line)
        await store.add(line: 2, invoice: "F-2", position: 1, companyID: 8, line)
        await store.setCompanyAddress(
            CompanyAddress(street: "Stationsweg 1", postcode: "3811 AA", city: "Amersfoort", country: "Nederland"),
            of: 7)
        return store
    }

    static func adding(_ store: InMemoryCartStore, owner: Int = 10, company: Int? = 7) -> AddPositions {
        AddPositions(
            owner: PositionOwner(userID: owner, companyID: company), store: store, now: now, today: today,
            countryNames: [Translations(language: .nl, texts: ["country.NL": "Nederland"])])
    }

    static func defect(line: Int = 1, serials: [String], attachments: [String] = []) -> PositionDraft {
        PositionDraft(
            line: line, reason: .defect, quantity: nil, serials: serials, fields: fault, attachments: attachments,
            returnAddress: nil)
    }

    @Test func aPositionIsKeptWithTheCompanysAddressItsCountryAsACode() async throws {
        let store = await Self.world()
        let id = try await Self.adding(store).save(Self.defect(serials: ["SN1"]))
        let kept = try #require(await store.position(id))
        #expect(kept.prepared?.position.quantity == 1)
        #expect(kept.prepared?.returnAddress.country == "NL")
        #expect(kept.prepared?.policyVersion == 1)
        #expect(kept.createdAt == Self.now)
        #expect(await store.lockedLines == [[1]], "the line is locked before it is read")
    }

    @Test func anotherCompanysLineIsNotFoundAndStaffRegisterNothing() async throws {
        let store = await Self.world()
        let foreign = await #expect(throws: Refusal.self) {
            try await Self.adding(store).save(Self.defect(line: 2, serials: ["SN1"]))
        }
        #expect(foreign?.kind == .notFound)
        let staff = await #expect(throws: Refusal.self) {
            try await Self.adding(store, company: nil).save(Self.defect(serials: ["SN1"]))
        }
        #expect(staff?.kind == .forbidden)
        let unknown = #expect(throws: Refusal.self) { try PositionDraft.reason("refund-please") }
        #expect(unknown?.errors.map(\.field) == ["reason"])
        #expect(await store.positionCount == 0)
    }

    @Test func theCartHoldsWhatItClaimsAndAnEditDoesNotCountAgainstItself() async throws {
        let store = await Self.world()
        let first = try await Self.adding(store).save(Self.defect(serials: ["SN1"]))
        let again = await #expect(throws: Refusal.self) {
            try await Self.adding(store).save(Self.defect(serials: ["SN1"]))
        }
        #expect(again?.kind == .conflict, "SN1 is in the cart already")
        try await Self.adding(store).save(Self.defect(serials: ["SN2"]), replacing: first)
        #expect(await store.position(first)?.prepared?.position.serials == ["SN2"])
        #expect(await store.positionCount == 1)
        let notYours = await #expect(throws: Refusal.self) {
            try await Self.adding(store, owner: 11).save(Self.defect(serials: ["SN1"]), replacing: first)
        }
        #expect(notYours?.kind == .notFound)
    }

    @Test func filesOfAnotherCompanyAndAMissingAddressAreNamedAtTheirFields() async throws {
        let store = await Self.world()
        await store.addFile("theirs", FileFacts(companyID: 8, isImage: true))
        await store.setCompanyAddress(CompanyAddress(street: nil, postcode: nil, city: nil, country: nil), of: 7)
        let refused = await #expect(throws: Refusal.self) {
            try await Self.adding(store).save(Self.defect(serials: ["SN1"], attachments: ["theirs"]))
        }
        #expect(refused?.errors.map(\.field) == ["attachments", "returnAddress"])
    }

    @Test func oneOpenWrongInvoicingPerLineAndSubReason() async throws {
        let store = await Self.world()
        await store.addOpenRequest(
            OpenRequest(number: "R-9", fields: ["subReason": .string("price")]), reason: .wrongInvoicing, onLine: 1)
        func invoicing(_ sub: String) -> PositionDraft {
            PositionDraft(
                line: 1, reason: .wrongInvoicing, quantity: nil, serials: [],
                fields: ["subReason": .string(sub), "comment": .string("Prijs te hoog")], attachments: [],
                returnAddress: nil)
        }
        let open = await #expect(throws: Refusal.self) { try await Self.adding(store).save(invoicing("price")) }
        #expect(open?.kind == .conflict)
        try await Self.adding(store).save(invoicing("currency"))
        let inCart = await #expect(throws: Refusal.self) { try await Self.adding(store).save(invoicing("currency")) }
        #expect(inCart?.kind == .conflict, "the cart holds one already")
    }

    @Test func aPhoneLinkLastsHalfAnHourAndJoinsThePositionItFilledIn() async throws {
        let store = await Self.world()
        let token = try await Self.adding(store).phoneLink(nil, line: 1) { "fresh" }
        #expect(token == "fresh")
        let link = try #require(await store.phoneLink("fresh"))
        #expect(link.owner == 10 && link.line == 1)
        #expect(link.until == Self.now.addingTimeInterval(30 * 60))
        #expect(
            try await Self.adding(store).phoneLink("fresh", line: 1) { "other" } == "fresh", "the page keeps its link")
        #expect(await store.phoneLink("other") == nil)
        try await Self.adding(store, owner: 11).save(Self.defect(serials: ["SN2"]), phoneLink: "fresh")
        #expect(await store.phoneLink("fresh")?.position == nil, "another user's link joins nothing")
        let id = try await Self.adding(store).save(Self.defect(serials: ["SN1"]), phoneLink: "fresh")
        #expect(await store.phoneLink("fresh")?.position == id)
    }

    @Test func rowsSeeTheRowsAboveThemAndADryRunKeepsNothing() async throws {
        let store = await Self.world()
        func row(_ number: Int, invoice: String, serial: String) -> BulkRow {
            BulkRow(
                row: number, header: ["invoice", "position", "reason", "serials", "fault", "description"],
                cells: [invoice, "1", "defect", serial, "no_response", "Geen beeld"])
        }
        let rows = [
            row(2, invoice: "f-1", serial: "SN1"), row(3, invoice: "F-1", serial: "SN1"),
            row(4, invoice: "F-2", serial: "SN2"), row(5, invoice: "F-1", serial: "SN2"),
            BulkRow(row: 6, header: ["invoice", "reason"], cells: ["F-1", "defect"]),
        ]
        let dry = try await Self.adding(store).add(rows: rows, dryRun: true)
        #expect(dry.map(\.added) == [true, false, false, true, false])
        #expect(dry.allSatisfy { $0.cartPosition == nil })
        #expect(await store.positionCount == 0, "a dry run keeps nothing")
        let real = try await Self.adding(store).add(rows: rows, dryRun: false)
        #expect(real.map(\.added) == dry.map(\.added), "the dry run said what the real one does")
        #expect(real[2].refusal?.errors.map(\.field) == ["invoice"], "another company's invoice is not found")
        #expect(real[1].refusal?.kind == .conflict)
        #expect(real[4].refusal?.errors.map(\.field) == ["position"], "a cell it cannot read is named")
        #expect(await store.positionCount == 2)
        #expect(Set(real.compactMap(\.cartPosition)).count == 2)
    }
}
