import Fluent
import Foundation
import RetourCore
import Vapor

/// The numbers behind the SLA dashboard, `GET /api/v1/stats` and its CSV, for requests submitted
/// from `from` to `to`.
struct ServiceLevelReport: Content {
    struct Durations: Content {
        var count: Int
        var median: Double?
        var p90: Int?
        var withinTarget: Double?
        var targetDays: Int

        init(_ durations: ServiceLevels.Durations, target: Int) {
            count = durations.count
            median = durations.median
            p90 = durations.p90
            withinTarget = durations.withinTarget
            targetDays = target
        }
    }

    struct Week: Content {
        var week: String
        var reason: String
        var requests: Int
        var decision: Durations
        var credit: Durations
        var creditedAmount: String
    }

    struct Brand: Content {
        var brand: String
        var defectRequests: Int
        var linesSold: Int
        var per100Lines: Double
    }

    var from: String
    var to: String
    /// True when the range asked for was longer than five years and was cut to its last five.
    var clamped: Bool
    var weeks: [Week]
    var brands: [Brand]

    static let maximumYears = 5

    /// `from` and `to` as asked (ISO dates, either may be absent: the last 12 weeks up to today),
    /// bounded to five years back from `to`.
    static func range(from: String?, to: String?, today: CalendarDay) throws -> (ClosedRange<CalendarDay>, Bool) {
        func day(_ text: String?, _ name: String) throws -> CalendarDay? {
            guard let text, !text.isEmpty else { return nil }
            guard text.count == 10, let day = CalendarDay(iso: text) else {
                throw Refusal.invalid([FieldError(name, message: Message("stats.dateFormat"))])
            }
            return day
        }
        let end = try day(to, "to") ?? today
        var start = try day(from, "from") ?? end.adding(days: -83)
        guard start <= end else {
            throw Refusal.invalid([FieldError("from", message: Message("stats.fromAfterTo"))])
        }
        let earliest = end.adding(months: -12 * maximumYears)
        let clamped = start < earliest
        if clamped { start = earliest }
        return (start...end, clamped)
    }

    static func make(_ range: ClosedRange<CalendarDay>, clamped: Bool, timeZone: TimeZone, on db: any Database)
        async throws -> ServiceLevelReport
    {
        let rows = try await ServiceLevelQuery.requests(submittedIn: range, on: db)
        let requests = rows.compactMap { row -> ServiceLevels.Request? in
            guard let reason = ReasonID(rawValue: row.reason), let submitted = CalendarDay(iso: row.submitted_on)
            else { return nil }
            let decided =
                row.decided_at.map { CalendarDay($0, in: timeZone) }
                ?? (row.outcome == Outcome.shipDirectly.rawValue ? submitted : nil)
            let credit = row.credit_kind == Settlement.Kind.charge.rawValue ? 0 : (row.credit_amount_cents ?? 0)
            return ServiceLevels.Request(
                reason: reason, submitted: submitted, decided: decided,
                credited: row.credit_note_date.flatMap(CalendarDay.init(iso:)), creditedCents: credit,
                brand: row.brand)
        }
        // Lines sold only of the brands that have defect requests: the rate needs no other.
        let defectBrands = Set(requests.filter { $0.reason == .defect || $0.reason == .doa }.compactMap(\.brand))
        var sold: [String: Int] = [:]
        if !defectBrands.isEmpty {
            let counted = try await ServiceLevelQuery.linesSold(of: defectBrands, invoicedIn: range, on: db)
            for row in counted { sold[row.brand] = row.lines }
        }
        return ServiceLevelReport(
            from: range.lowerBound.iso, to: range.upperBound.iso, clamped: clamped,
            weeks: ServiceLevels.weeks(requests).map { week in
                let target = ServiceLevels.target(for: week.reason)
                return Week(
                    week: week.week, reason: week.reason.rawValue, requests: week.requests,
                    decision: Durations(week.decision, target: target.decisionDays),
                    credit: Durations(week.credit, target: target.creditDays),
                    creditedAmount: week.credited.decimalString)
            },
            brands: ServiceLevels.brands(requests, linesSold: sold).map {
                Brand(
                    brand: $0.brand, defectRequests: $0.defectRequests, linesSold: $0.linesSold,
                    per100Lines: $0.per100Lines)
            })
    }

    /// The weeks as CSV (semicolons, for Dutch Excel), one row per week and reason.
    var csv: String {
        func number(_ value: Double?) -> String { value.map { String($0) } ?? "" }
        var lines = [
            "week;reason;requests;decided;decision_median_days;decision_p90_days;decision_within_target;"
                + "credited;credit_median_days;credit_p90_days;credit_within_target;credited_amount"
        ]
        for week in weeks {
            lines.append(
                [
                    week.week, week.reason, "\(week.requests)", "\(week.decision.count)", number(week.decision.median),
                    week.decision.p90.map(String.init) ?? "", number(week.decision.withinTarget),
                    "\(week.credit.count)", number(week.credit.median), week.credit.p90.map(String.init) ?? "",
                    number(week.credit.withinTarget), week.creditedAmount,
                ].joined(separator: ";"))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }
}
