import Testing

@testable import RetourCore

@Suite struct LineSearchTests {
    let today = CalendarDay(iso: "2021-12-22")!

    func search(_ input: LineSearchInput) -> LineSearch? {
        try? input.validated(today: today).get()
    }

    func errors(_ input: LineSearchInput) -> [String] {
        if case .failure(let errors) = input.validated(today: today) { return errors.errors.map(\.field) }
        return []
    }

    @Test(arguments: [
        ("today", "2021-12-22"), ("1w", "2021-12-15"), ("2w", "2021-12-08"), ("1m", "2021-11-22"), ("2m", "2021-10-22"),
    ])
    func periodsEndTodayAndReachBack(_ period: String, _ from: String) {
        let found = search(LineSearchInput(period: period))
        #expect(found?.dates == CalendarDay(iso: from)!...today)
    }

    @Test func withNeitherNumberNorPeriodTheLastWeekIsSearched() {
        #expect(search(LineSearchInput())?.dates == CalendarDay(iso: "2021-12-15")!...today)
    }

    @Test func aNumberIgnoresThePeriodUnlessOneIsGiven() {
        let plain = search(LineSearchInput(number: " 0962405087 ", numberType: "invoice"))
        #expect(plain?.dates == nil)
        #expect(plain?.number == "0962405087")
        #expect(plain?.numberType == .invoice)
        let dated = search(LineSearchInput(period: "2w", number: "0962405087", numberType: "invoice"))
        #expect(dated?.dates?.lowerBound.iso == "2021-12-08")
    }

    @Test func allEightNumberTypesAreKnown() {
        for type in [
            "invoice", "customer_order", "manufacturer_model", "ean", "delivery_note", "order", "serial", "article",
        ] {
            #expect(search(LineSearchInput(number: "1", numberType: type))?.numberType?.rawValue == type)
        }
        #expect(errors(LineSearchInput(number: "1", numberType: "phone")) == ["numberType"])
    }

    @Test func aFreeRangeIsInclusiveAndOrdered() {
        let range = search(LineSearchInput(period: "custom", from: "2021-12-01", to: "2021-12-08"))
        #expect(range?.dates == CalendarDay(iso: "2021-12-01")!...CalendarDay(iso: "2021-12-08")!)
        #expect(
            search(LineSearchInput(from: "2021-12-08", to: "2021-12-08"))?.dates == CalendarDay(
                iso: "2021-12-08")!...CalendarDay(iso: "2021-12-08")!)
        #expect(errors(LineSearchInput(from: "2021-12-09", to: "2021-12-08")) == ["to"])
        #expect(errors(LineSearchInput(period: "custom", from: "2021-12-01")) == ["to"])
        #expect(errors(LineSearchInput(period: "custom", from: "yesterday", to: "2021-12-08")) == ["from"])
    }

    @Test func everyProblemIsReportedAtOnce() {
        let found = errors(
            LineSearchInput(
                period: "forever", number: String(repeating: "7", count: 500), numberType: "x", kind: "box", page: "0",
                per: "1000"))
        #expect(Set(found) == ["period", "number", "numberType", "kind", "page", "per"])
    }

    @Test func messagesComeInDutchAndEnglish() throws {
        guard
            case .failure(let problems) = LineSearchInput(from: "2021-12-09", to: "2021-12-08").validated(today: today)
        else {
            Issue.record("expected a failure")
            return
        }
        #expect(problems.messages(for: "to").map(\.nl) == ["De einddatum ligt vóór de begindatum."])
        #expect(problems.messages(for: "to").map(\.en) == ["The end date is before the start date."])
    }

    @Test func pagingHasBounds() {
        #expect(search(LineSearchInput(page: "3", per: "20"))?.offset == 40)
        #expect(search(LineSearchInput())?.per == 50)
        #expect(search(LineSearchInput(per: "500"))?.per == 500)
        #expect(errors(LineSearchInput(per: "501")) == ["per"])
    }
}
