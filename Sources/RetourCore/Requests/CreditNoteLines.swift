/// One line of a credit note below the goods: each deduction or addition on its own line, so that
/// the lines add up to the amount booked.
public struct CreditNoteLine: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// The goods at their invoiced price.
        case goods
        /// The policy's return fee.
        case returnFee
        /// The reseller keeps the article and is credited the keep discount only.
        case keptAtSpecialPrice
        /// Kept units charged at the special price: the discount off their normal price.
        case specialPriceDiscount
        /// A reason that credits nothing by itself.
        case notCredited
        /// Wrong delivery: the article received, kept or not, against the one ordered.
        case exchange
        /// Settled with an advance replacement instead of money.
        case replacement
        /// The agent's own amount, with the reason given.
        case adjustment
    }

    public var kind: Kind
    /// Signed as it counts toward the total.
    public var amount: Money

    public init(_ kind: Kind, _ amount: Money) {
        self.kind = kind
        self.amount = amount
    }
}

extension Settlement {
    /// The lines of a note that books `booked`: the goods' value, the return fee, what the reason's
    /// settlement makes of the rest, and the agent's adjustment. They add up to `booked` exactly.
    /// `replaced`: the request was settled with an advance replacement (`amount` is then zero).
    public func lines(booked: Money, method: SettlementMethod, replaced: Bool) throws(MoneyOverflow)
        -> [CreditNoteLine]
    {
        var lines = [CreditNoteLine(.goods, value)]
        if fee != .zero { lines.append(CreditNoteLine(.returnFee, try .zero - fee)) }
        let running = try value - fee
        let difference = try amount - running
        if difference != .zero {
            let kind: CreditNoteLine.Kind
            switch method {
            case _ where replaced: kind = .replacement
            case .creditKeepDiscount: kind = .keptAtSpecialPrice
            case .chargeKeptUnits: kind = .specialPriceDiscount
            case .exchangeForReceived: kind = .exchange
            case .noCredit, .creditValue, .creditValueLessReturnFee: kind = .notCredited
            }
            lines.append(CreditNoteLine(kind, difference))
        }
        if booked != amount { lines.append(CreditNoteLine(.adjustment, try booked - amount)) }
        return lines
    }
}
