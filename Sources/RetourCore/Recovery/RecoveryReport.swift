/// What the distributor credited to resellers and what it gets back from manufacturers, per brand
/// (and per month of the credit to the reseller).
public enum RecoveryReport {
    /// Credit notes to resellers for one brand in one month.
    public struct ResellerCredits: Sendable, Hashable {
        public var brand: String
        public var month: String
        public var amount: Money

        public init(brand: String, month: String, amount: Money) {
            self.brand = brand
            self.month = month
            self.amount = amount
        }
    }

    /// The units of one claim whose requests were credited in one month.
    public struct ClaimShare: Sendable, Hashable {
        public var claim: String
        public var month: String
        public var expected: Money

        public init(claim: String, month: String, expected: Money) {
            self.claim = claim
            self.month = month
            self.expected = expected
        }
    }

    /// A claim as it stands: what the vendor paid so far and how old it is.
    public struct ClaimState: Sendable, Hashable {
        public var claim: String
        public var brand: String
        public var status: VendorClaimStatus
        public var received: Money
        public var ageDays: Int

        public init(claim: String, brand: String, status: VendorClaimStatus, received: Money, ageDays: Int) {
            self.claim = claim
            self.brand = brand
            self.status = status
            self.received = received
            self.ageDays = ageDays
        }
    }

    /// The expected credit still outstanding on open claims, by the claim's age.
    public struct Exposure: Sendable, Hashable {
        public var days0to30 = Money.zero
        public var days31to60 = Money.zero
        public var days61to90 = Money.zero
        public var over90 = Money.zero

        public init() {}

        public var total: Money { Money(cents: days0to30.cents + days31to60.cents + days61to90.cents + over90.cents) }

        mutating func add(_ amount: Money, ageDays: Int) {
            switch ageDays {
            case ...30: days0to30.cents += amount.cents
            case 31...60: days31to60.cents += amount.cents
            case 61...90: days61to90.cents += amount.cents
            default: over90.cents += amount.cents
            }
        }
    }

    public struct Row: Sendable, Hashable {
        public var brand: String
        /// nil in the per-brand totals.
        public var month: String?
        public var creditedToResellers = Money.zero
        public var expectedFromVendor = Money.zero
        public var receivedFromVendor = Money.zero
        public var openExposure = Exposure()

        public init(brand: String, month: String?) {
            self.brand = brand
            self.month = month
        }

        /// Received ÷ expected with four decimals ("0.5000"), nil when nothing is expected.
        public var recoveryRate: String? {
            guard expectedFromVendor.cents > 0,
                let rate = try? Money(cents: receivedFromVendor.cents).scaled(
                    by: 10_000, over: expectedFromVendor.cents)
            else { return nil }
            let whole = rate.cents / 10_000
            let fraction = String(rate.cents % 10_000)
            return "\(whole)." + String(repeating: "0", count: 4 - fraction.count) + fraction
        }
    }

    /// What the report is made of, read once: the rows per brand and per brand and month both come
    /// from it.
    public struct Figures: Sendable, Hashable {
        public var credits: [ResellerCredits]
        public var shares: [ClaimShare]
        public var claims: [ClaimState]

        public init(credits: [ResellerCredits], shares: [ClaimShare], claims: [ClaimState]) {
            self.credits = credits
            self.shares = shares
            self.claims = claims
        }

        public func rows(byMonth: Bool) -> [Row] {
            RecoveryReport.rows(credits: credits, shares: shares, claims: claims, byMonth: byMonth)
        }
    }

    /// Rows per brand and month (`byMonth`) or per brand, sorted by brand and month. A claim's
    /// received credit is shared among its months in proportion to what each expects, so the parts
    /// add up to the whole to the cent.
    public static func rows(
        credits: [ResellerCredits], shares: [ClaimShare], claims: [ClaimState], byMonth: Bool
    ) -> [Row] {
        var rows: [String: Row] = [:]
        func key(_ brand: String, _ month: String) -> String { byMonth ? brand + "\u{1F}" + month : brand }
        func update(_ brand: String, _ month: String, _ change: (inout Row) -> Void) {
            let k = key(brand, month)
            var row = rows[k] ?? Row(brand: brand, month: byMonth ? month : nil)
            change(&row)
            rows[k] = row
        }
        for credit in credits {
            update(credit.brand, credit.month) { $0.creditedToResellers.cents += credit.amount.cents }
        }
        let states = Dictionary(claims.map { ($0.claim, $0) }, uniquingKeysWith: { first, _ in first })
        for (claim, parts) in Dictionary(grouping: shares, by: \.claim) {
            guard let state = states[claim] else { continue }
            let parts = parts.sorted { $0.month < $1.month }
            let received = allocate(state.received, over: parts.map(\.expected))
            for (part, got) in zip(parts, received) {
                update(state.brand, part.month) { row in
                    row.expectedFromVendor.cents += part.expected.cents
                    row.receivedFromVendor.cents += got.cents
                    if state.status.collects || state.status.awaitsCredit {
                        row.openExposure.add(
                            Money(cents: max(0, part.expected.cents - got.cents)), ageDays: state.ageDays)
                    }
                }
            }
        }
        return rows.values.sorted { ($0.brand, $0.month ?? "") < ($1.brand, $1.month ?? "") }
    }

    /// `total` shared in proportion to `weights`, the cents left by rounding down going to the
    /// largest remainders first, so the shares add up to `total`.
    static func allocate(_ total: Money, over weights: [Money]) -> [Money] {
        let sum = weights.reduce(Int64(0)) { $0 + $1.cents }
        guard sum > 0 else { return weights.map { _ in .zero } }
        var shares: [(index: Int, cents: Int64, remainder: Int64)] = weights.enumerated().map { index, weight in
            let product = total.cents.multipliedFullWidth(by: weight.cents)
            let (quotient, remainder) = sum.dividingFullWidth(product)
            return (index, quotient, remainder)
        }
        var left = total.cents - shares.reduce(0) { $0 + $1.cents }
        for position in shares.indices.sorted(by: { shares[$0].remainder > shares[$1].remainder }) where left > 0 {
            shares[position].cents += 1
            left -= 1
        }
        return shares.sorted { $0.index < $1.index }.map { Money(cents: $0.cents) }
    }
}
