/// The service the distributor gives, per reason and week: how many requests came in, how many
/// working days (Monday to Friday) they waited for a decision and for a credit, how many within
/// the reason's target, what was credited; and which brands draw the most defect requests per
/// 100 lines sold.
public enum ServiceLevels {
    /// One request as the report needs it.
    public struct Request: Sendable {
        public var reason: ReasonID
        public var submitted: CalendarDay
        /// The first approval or rejection; the submission itself when the RMA number came at once.
        public var decided: CalendarDay?
        public var credited: CalendarDay?
        /// Credited to the reseller (not a charge), in cents.
        public var creditedCents: Int64
        public var brand: String?

        public init(
            reason: ReasonID, submitted: CalendarDay, decided: CalendarDay?, credited: CalendarDay?,
            creditedCents: Int64, brand: String?
        ) {
            self.reason = reason
            self.submitted = submitted
            self.decided = decided
            self.credited = credited
            self.creditedCents = creditedCents
            self.brand = brand
        }
    }

    /// Working days a reason's request may take to a decision and to a credit.
    public struct Target: Sendable, Hashable, Codable {
        public var decisionDays: Int
        public var creditDays: Int
    }

    /// Decisions within two working days; credits within ten working days where goods come back
    /// (they travel and are inspected), within five for claims about the paperwork.
    public static func target(for reason: ReasonID) -> Target {
        Target(decisionDays: 2, creditDays: reason.holdsGoods ? 10 : 5)
    }

    public struct Durations: Sendable, Hashable {
        public var count: Int
        public var median: Double?
        public var p90: Int?
        /// The share (0…1) done within the target.
        public var withinTarget: Double?
    }

    public struct Week: Sendable, Hashable {
        /// ISO 8601 week of submission, like `2026-W11`.
        public var week: String
        public var reason: ReasonID
        public var requests: Int
        public var decision: Durations
        public var credit: Durations
        public var credited: Money
    }

    public struct BrandRate: Sendable, Hashable {
        public var brand: String
        public var defectRequests: Int
        public var linesSold: Int
        /// Defect requests per 100 lines sold, to two decimals, as basis points of a line (×100).
        public var per100Lines: Double
    }

    /// Monday to Friday after `start` up to and including `end` (0 for the same day or a weekend
    /// in between only).
    public static func workingDays(from start: CalendarDay, to end: CalendarDay) -> Int {
        guard end > start else { return 0 }
        let first = start.dayNumber + 1
        let last = end.dayNumber
        func weekdaysUpTo(_ number: Int) -> Int {
            // Day number 0 (1970-01-01) was a Thursday: shift so that 0 is a Monday.
            let shifted = number + 3
            let weeks = floorDivide(shifted, 7)
            let rest = shifted - weeks * 7
            return weeks * 5 + min(rest + 1, 5)
        }
        return weekdaysUpTo(last) - weekdaysUpTo(first - 1)
    }

    /// The ISO week of `day`: `2026-W11`.
    public static func isoWeek(of day: CalendarDay) -> String {
        let weekday = ((day.dayNumber + 3) % 7 + 7) % 7  // 0 Monday … 6 Sunday
        let thursday = day.adding(days: 3 - weekday)
        let january1 = CalendarDay(year: thursday.year, month: 1, day: 1)!
        let week = january1.days(until: thursday) / 7 + 1
        return "\(thursday.year)-W\(week < 10 ? "0" : "")\(week)"
    }

    public static func weeks(_ requests: [Request]) -> [Week] {
        struct Key: Hashable {
            var week: String
            var reason: ReasonID
        }
        let grouped = Dictionary(grouping: requests) { Key(week: isoWeek(of: $0.submitted), reason: $0.reason) }
        return grouped.map { key, group in
            let target = target(for: key.reason)
            let decisions = group.compactMap { request in
                request.decided.map { workingDays(from: request.submitted, to: $0) }
            }
            let credits = group.compactMap { request in
                request.credited.map { workingDays(from: request.submitted, to: $0) }
            }
            let credited = group.reduce(Int64(0)) { $0 + $1.creditedCents }
            return Week(
                week: key.week, reason: key.reason, requests: group.count,
                decision: durations(decisions, target: target.decisionDays),
                credit: durations(credits, target: target.creditDays), credited: Money(cents: credited))
        }
        .sorted { ($0.week, $0.reason.rawValue) < ($1.week, $1.reason.rawValue) }
    }

    /// Brands by defect requests (defect and dead on arrival) per 100 lines sold, most first.
    public static func brands(_ requests: [Request], linesSold: [String: Int], limit: Int = 10) -> [BrandRate] {
        var defects: [String: Int] = [:]
        for request in requests where request.reason == .defect || request.reason == .doa {
            if let brand = request.brand { defects[brand, default: 0] += 1 }
        }
        return defects.compactMap { brand, count -> BrandRate? in
            guard let sold = linesSold[brand], sold > 0 else { return nil }
            return BrandRate(
                brand: brand, defectRequests: count, linesSold: sold,
                per100Lines: (Double(count * 10_000 / sold)) / 100)
        }
        .sorted { ($1.per100Lines, $0.brand) < ($0.per100Lines, $1.brand) }
        .prefix(limit).map { $0 }
    }

    static func durations(_ days: [Int], target: Int) -> Durations {
        guard !days.isEmpty else { return Durations(count: 0, median: nil, p90: nil, withinTarget: nil) }
        let sorted = days.sorted()
        let middle = sorted.count / 2
        let median = sorted.count % 2 == 1 ? Double(sorted[middle]) : Double(sorted[middle - 1] + sorted[middle]) / 2
        // Nearest rank: the smallest value at least 90 % of the requests reach.
        let rank = (sorted.count * 9 + 9) / 10
        let within = sorted.filter { $0 <= target }.count
        return Durations(
            count: sorted.count, median: median, p90: sorted[rank - 1],
            withinTarget: Double(within * 1000 / sorted.count) / 1000)
    }

    private static func floorDivide(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
}
