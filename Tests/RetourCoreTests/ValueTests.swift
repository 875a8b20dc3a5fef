import Foundation
import Testing

@testable import RetourCore

@Suite struct MoneyTests {
    @Test(arguments: [("63.21", 6321), ("0.5", 50), ("2000", 200_000), ("-4.50", -450), ("0.00", 0)])
    func parsesContractAmounts(_ text: String, _ cents: Int64) {
        #expect(Money(decimal: text)?.cents == cents)
    }

    @Test(arguments: ["1,50", "1.505", "", "-", "1e3", " 1.00", "1.", ".5", "abc", "1.0.0", "99999999999999999999"])
    func refusesAnythingElse(_ text: String) {
        #expect(Money(decimal: text) == nil)
    }

    @Test func writesTwoDecimals() throws {
        #expect(Money(cents: 6321).decimalString == "63.21")
        #expect(Money(cents: 5).decimalString == "0.05")
        #expect(Money(cents: -450).decimalString == "-4.50")
        #expect(try (Money(cents: 1001) * 3).decimalString == "30.03")
    }

    @Test func arithmeticReportsOverflowInsteadOfTrapping() {
        let huge = Money(cents: .max / 2)
        #expect(throws: MoneyOverflow.self) { try huge * 3 }
        #expect(throws: MoneyOverflow.self) { try Money(cents: .max) + Money(cents: 1) }
        #expect(throws: MoneyOverflow.self) { try Money(cents: .min) - Money(cents: 1) }
        #expect(throws: MoneyOverflow.self) { try Money(cents: .max).scaled(by: 3, over: 2) }
        // The largest amount and quantity accepted from outside still compute.
        #expect(throws: Never.self) { try Money(cents: Limits.moneyCents.upperBound) * Limits.quantity.upperBound }
    }

    @Test func amountsBeyondTheLimitAreRefused() {
        #expect(Money(decimal: "10000000000.00")?.cents == Limits.moneyCents.upperBound)
        #expect(Money(decimal: "10000000000.01") == nil)
        #expect(Money(decimal: "-10000000000.01") == nil)
    }

    @Test func vatRoundsHalfUpEvenForLargeAmounts() throws {
        #expect(try CreditNotes.vat(on: Money(cents: 50)) == Money(cents: 11))  // 10.5 → 11
        #expect(try CreditNotes.vat(on: Money(cents: 1_000_000_000_000)) == Money(cents: 210_000_000_000))
    }
}

@Suite struct WholeNumberTests {
    @Test(arguments: [("3", 3), (" 3 ", 3), ("0", 0), ("-1", -1), ("007", 7), ("\t12\n", 12)])
    func readsWholeNumbers(_ text: String, _ value: Int) throws {
        #expect(try WholeNumber.parse(text, in: -10...100).get() == value)
    }

    @Test(arguments: ["abc", "2abc", "1.5", "1e3", "+3", "- 3", "٣", "3 4", "0x10", "NaN", "1e30"])
    func refusesWhatIsNotAWholeNumber(_ text: String) {
        #expect(WholeNumber.parse(text, in: -10...100) == .failure(.notWhole))
    }

    @Test func emptyIsAnErrorNeverADefault() {
        #expect(WholeNumber.parse("", in: 1...10) == .failure(.empty))
        #expect(WholeNumber.parse("   ", in: 1...10) == .failure(.empty))
    }

    @Test(arguments: ["9223372036854775807", "-9223372036854775808", "99999999999999999999999999", "101", "-11"])
    func refusesNumbersOutsideTheRange(_ text: String) {
        #expect(WholeNumber.parse(text, in: -10...100) == .failure(.outOfRange(-10...100)))
    }

    @Test func errorsNameTheField() {
        let error = WholeNumber.error(.outOfRange(1...500), field: "per")
        #expect(error.field == "per")
        #expect(error.message.nl.contains("1 tot en met 500"))
    }
}

@Test func formatsPerLanguage() {
    #expect(Language.nl.format(Money(cents: 6321)) == "63,21 EUR")
    #expect(Language.nl.format(Money(cents: 106_321)) == "1.063,21 EUR")
    #expect(Language.en.format(Money(cents: 106_321)) == "1,063.21 EUR")
    #expect(Language.nl.format(Money(cents: 123_456_789)) == "1.234.567,89 EUR")
}

@Suite struct CalendarDayTests {
    @Test func parsesAndWritesISODates() {
        let day = CalendarDay(iso: "2021-12-08")
        #expect(day?.year == 2021 && day?.month == 12 && day?.day == 8)
        #expect(day?.iso == "2021-12-08")
        #expect(CalendarDay(iso: "2021-02-29") == nil)
        #expect(CalendarDay(iso: "2020-02-29") != nil)
        #expect(CalendarDay(iso: "2021-13-01") == nil)
        #expect(CalendarDay(iso: "8-12-2021") == nil)
        #expect(CalendarDay(iso: "2021-1-08") == nil)
    }

    @Test func dayNumbersRoundTrip() {
        var day = CalendarDay(iso: "1999-12-25")!
        for _ in 0..<1000 {
            #expect(CalendarDay(dayNumber: day.dayNumber) == day)
            let next = day.adding(days: 1)
            #expect(next.dayNumber == day.dayNumber + 1)
            day = next
        }
        #expect(CalendarDay(iso: "1970-01-01")!.dayNumber == 0)
        #expect(CalendarDay(iso: "2021-12-08")!.adding(days: 15).iso == "2021-12-23")
        #expect(CalendarDay(iso: "2021-12-20")!.adding(days: 15).iso == "2022-01-04")
    }

    @Test func monthsClampToTheMonthsEnd() {
        #expect(CalendarDay(iso: "2021-03-31")!.adding(months: -1).iso == "2021-02-28")
        #expect(CalendarDay(iso: "2024-03-31")!.adding(months: -1).iso == "2024-02-29")
        #expect(CalendarDay(iso: "2021-01-15")!.adding(months: -2).iso == "2020-11-15")
    }

    @Test func dutchDatesHaveNoLeadingZeros() {
        #expect(Language.nl.format(CalendarDay(iso: "2021-12-08")!) == "8-12-2021")
        #expect(Language.nl.format(CalendarDay(iso: "2021-01-05")!) == "5-1-2021")
    }

    @Test func todayDependsOnTheTimeZone() {
        // 23:30 UTC on 7 December is already 8 December in Amsterdam.
        let instant = Date(timeIntervalSince1970: 1_638_919_800)
        #expect(CalendarDay(instant, in: TimeZone(identifier: "UTC")!).iso == "2021-12-07")
        #expect(CalendarDay(instant, in: TimeZone(identifier: "Europe/Amsterdam")!).iso == "2021-12-08")
    }
}

@Suite struct LoginThrottleTests {
    let throttle = LoginThrottle(maximumFailures: 3, windowSeconds: 600)

    @Test func allowsUpToTheLimit() {
        #expect(throttle.waitSeconds(failures: [100, 200], now: 300) == nil)
    }

    @Test func blocksAtTheLimitUntilTheOldestFailureLeavesTheWindow() {
        #expect(throttle.waitSeconds(failures: [100, 200, 300], now: 400) == 300)
        #expect(throttle.waitSeconds(failures: [100, 200, 300], now: 700) == nil)
        #expect(throttle.waitSeconds(failures: [100, 200, 300, 350], now: 700) == 100)
    }

    @Test func anAccountSlowsDownInsteadOfLockingOut() {
        #expect(throttle.growingDelay(failures: [100, 101], now: 102) == nil)
        #expect(throttle.growingDelay(failures: [100, 101, 102], now: 102) == 2)
        #expect(throttle.growingDelay(failures: [100, 101, 102], now: 104) == nil)
        #expect(throttle.growingDelay(failures: [100, 101, 102, 104], now: 104) == 4)
        // However many failures, the wait never exceeds the longest delay.
        let many = (0..<200).map { Int64(200 + $0) }
        #expect(throttle.growingDelay(failures: many, now: 399) == 120 - (399 - 399))
        #expect(throttle.growingDelay(failures: many, now: 399 + 120) == nil)
    }

    @Test func passwordsNeedTwelveCharacters() {
        #expect(PasswordPolicy.problems(with: "elevenchars").count == 1)
        #expect(PasswordPolicy.problems(with: "twelve chars").isEmpty)
        #expect(PasswordPolicy.problems(with: String(repeating: "x", count: 73)).count == 1)
    }
}
