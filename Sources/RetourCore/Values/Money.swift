/// An amount of money in cents. Money never travels as a floating-point number: the contract
/// writes it as a decimal string with two decimals ("63.21").
public struct Money: Hashable, Comparable, Sendable, Codable {
    public var cents: Int64

    public init(cents: Int64) {
        self.cents = cents
    }

    /// Parses "63.21", "63.2", "63" or "-4.50". Anything else (exponents, commas, spaces,
    /// more than two decimals, amounts beyond `Limits.moneyCents`) is refused rather than guessed.
    public init?(decimal text: String) {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" {
            negative = true
            digits = digits.dropFirst()
        }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2 else { return nil }
        let whole = parts[0]
        let fraction = parts.count == 2 ? parts[1] : ""
        guard !whole.isEmpty, whole.count <= 12, whole.allSatisfy(\.isASCIIDigit),
            fraction.count <= 2, fraction.allSatisfy(\.isASCIIDigit),
            parts.count == 1 || !fraction.isEmpty
        else { return nil }
        guard let units = Int64(whole) else { return nil }
        let paddedFraction = fraction.padding(toLength: 2, withPad: "0", startingAt: 0)
        guard let hundredths = Int64(paddedFraction) else { return nil }
        let value = units * 100 + hundredths
        guard Limits.moneyCents.contains(negative ? -value : value) else { return nil }
        cents = negative ? -value : value
    }

    public static let zero = Money(cents: 0)

    /// The contract's form: "63.21".
    public var decimalString: String {
        let sign = cents < 0 ? "-" : ""
        let magnitude = cents.magnitude
        let fraction = magnitude % 100
        return "\(sign)\(magnitude / 100).\(fraction < 10 ? "0" : "")\(fraction)"
    }

    public static func < (lhs: Money, rhs: Money) -> Bool { lhs.cents < rhs.cents }

    // Arithmetic reports overflow instead of trapping: a trap would take the whole server down.
    public static func + (lhs: Money, rhs: Money) throws(MoneyOverflow) -> Money {
        let (sum, overflow) = lhs.cents.addingReportingOverflow(rhs.cents)
        guard !overflow else { throw MoneyOverflow() }
        return Money(cents: sum)
    }

    public static func - (lhs: Money, rhs: Money) throws(MoneyOverflow) -> Money {
        let (difference, overflow) = lhs.cents.subtractingReportingOverflow(rhs.cents)
        guard !overflow else { throw MoneyOverflow() }
        return Money(cents: difference)
    }

    public static func * (lhs: Money, rhs: Int) throws(MoneyOverflow) -> Money {
        let (product, overflow) = lhs.cents.multipliedReportingOverflow(by: Int64(rhs))
        guard !overflow else { throw MoneyOverflow() }
        return Money(cents: product)
    }

    /// `self × numerator / denominator`, rounded half away from zero, computed at double width so
    /// that no intermediate product can overflow.
    public func scaled(by numerator: Int64, over denominator: Int64) throws(MoneyOverflow) -> Money {
        precondition(denominator > 0)
        let negative = (cents < 0) != (numerator < 0)
        let product = cents.magnitude.multipliedFullWidth(by: numerator.magnitude)
        guard product.high < denominator.magnitude else { throw MoneyOverflow() }
        var (quotient, remainder) = denominator.magnitude.dividingFullWidth(product)
        if remainder >= denominator.magnitude - remainder { quotient += 1 }
        guard quotient <= UInt64(Int64.max) else { throw MoneyOverflow() }
        return Money(cents: negative ? -Int64(quotient) : Int64(quotient))
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let money = Money(decimal: text) else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "\"\(text)\" is not an amount like \"63.21\"")
        }
        self = money
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(decimalString)
    }
}

/// An amount too large to compute with; callers answer it as an input error.
public struct MoneyOverflow: Error, Hashable, Sendable {
    public init() {}
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
