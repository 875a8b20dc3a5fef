import Testing

@testable import RetourCore

@Suite struct ServiceLevelTests {
    func day(_ iso: String) -> CalendarDay { CalendarDay(iso: iso)! }

    @Test func workingDaysCountMondayToFriday() {
        // 2026-03-13 is a Friday.
        #expect(ServiceLevels.workingDays(from: day("2026-03-13"), to: day("2026-03-13")) == 0)
        #expect(ServiceLevels.workingDays(from: day("2026-03-13"), to: day("2026-03-15")) == 0)  // the weekend
        #expect(ServiceLevels.workingDays(from: day("2026-03-13"), to: day("2026-03-16")) == 1)  // Monday
        #expect(ServiceLevels.workingDays(from: day("2026-03-09"), to: day("2026-03-13")) == 4)
        #expect(ServiceLevels.workingDays(from: day("2026-03-09"), to: day("2026-03-23")) == 10)
        #expect(ServiceLevels.workingDays(from: day("1969-12-26"), to: day("1970-01-05")) == 6)
        #expect(ServiceLevels.workingDays(from: day("2026-03-16"), to: day("2026-03-09")) == 0)
    }

    @Test func isoWeeks() {
        #expect(ServiceLevels.isoWeek(of: day("2026-03-16")) == "2026-W12")
        #expect(ServiceLevels.isoWeek(of: day("2026-01-01")) == "2026-W01")  // a Thursday
        #expect(ServiceLevels.isoWeek(of: day("2027-01-01")) == "2026-W53")  // a Friday
        #expect(ServiceLevels.isoWeek(of: day("2024-12-30")) == "2025-W01")  // a Monday
    }

    @Test func aWeekOfOneReason() {
        func request(_ decided: String?, _ credited: String?, cents: Int64 = 0) -> ServiceLevels.Request {
            .init(
                reason: .defect, submitted: day("2026-03-09"), decided: decided.map(day), credited: credited.map(day),
                creditedCents: cents, brand: "LOGITECH")
        }
        let weeks = ServiceLevels.weeks([
            request("2026-03-10", "2026-03-20", cents: 1_000), request("2026-03-11", nil), request("2026-03-13", nil),
            request(nil, nil), request("2026-03-09", "2026-03-27", cents: 2_550),
        ])
        #expect(weeks.count == 1)
        let week = weeks[0]
        #expect(week.week == "2026-W11")
        #expect(week.requests == 5)
        // Decided after 1, 2, 4 and 0 working days: median 1.5, 90th percentile 4, 3 of 4 within 2.
        #expect(week.decision.count == 4)
        #expect(week.decision.median == 1.5)
        #expect(week.decision.p90 == 4)
        #expect(week.decision.withinTarget == 0.75)
        // Credited after 9 and 14 working days; the target for goods is 10.
        #expect(week.credit.median == 11.5)
        #expect(week.credit.withinTarget == 0.5)
        #expect(week.credited == Money(cents: 3_550))
    }

    @Test func brandsByDefectsPer100LinesSold() {
        let requests =
            (0..<3).map { _ in
                ServiceLevels.Request(
                    reason: .defect, submitted: day("2026-03-09"), decided: nil, credited: nil, creditedCents: 0,
                    brand: "A")
            } + [
                .init(
                    reason: .doa, submitted: day("2026-03-09"), decided: nil, credited: nil, creditedCents: 0,
                    brand: "B"),
                .init(
                    reason: .commercialReturn, submitted: day("2026-03-09"), decided: nil, credited: nil,
                    creditedCents: 0,
                    brand: "B"),
            ]
        let rates = ServiceLevels.brands(requests, linesSold: ["A": 300, "B": 20, "C": 5])
        #expect(rates.map(\.brand) == ["B", "A"])
        #expect(rates[0].per100Lines == 5)
        #expect(rates[1].per100Lines == 1)
    }
}
