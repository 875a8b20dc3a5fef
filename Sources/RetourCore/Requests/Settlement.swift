/// What a granted request is worth (rulebook §3 "Settling a kept article" and the return fee).
public struct Settlement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// Money back to the reseller.
        case credit
        /// The reseller keeps extra goods and pays for them.
        case charge
    }

    public var kind: Kind
    /// Goods value before fees: unit price × quantity.
    public var value: Money
    public var fee: Money
    /// What the credit note (or charge) says, net of VAT.
    public var amount: Money

    /// The default amount for a request; an agent may change it, with a reason.
    public static func compute(
        reason: ReasonID, fields: [String: JSONValue], unitPrice: Money, quantity: Int, policy: Policy
    ) throws(MoneyOverflow) -> Settlement {
        let value = try unitPrice * quantity
        let rules = policy[reason]
        let special = unitPrice.discounted(byBasisPoints: rules.keepDiscountBasisPoints ?? 0)
        switch Reason.named(reason).settlement.method(given: fields) {
        case .creditValue:
            return Settlement(kind: .credit, value: value, fee: .zero, amount: value)
        case .creditValueLessReturnFee:
            let net = value.discounted(byBasisPoints: rules.returnFeeBasisPoints ?? 0)
            return Settlement(kind: .credit, value: value, fee: try value - net, amount: net)
        case .creditKeepDiscount:
            return Settlement(kind: .credit, value: value, fee: .zero, amount: try (unitPrice - special) * quantity)
        case .chargeKeptUnits:
            return Settlement(kind: .charge, value: value, fee: .zero, amount: try special * quantity)
        case .noCredit:
            return Settlement(kind: .credit, value: value, fee: .zero, amount: .zero)
        case .exchangeForReceived:
            // The ordered article is credited, or delivered again; the received one, when kept, is
            // charged at its special price. One booking: what remains of the two.
            let credit = fields["wantOriginal"] == .bool(true) ? Money.zero : value
            var charge = Money.zero
            if fields["keepReceived"] == .bool(true), let received = ReceivedArticle.unitPrice(in: fields) {
                charge = try received.discounted(byBasisPoints: rules.keepDiscountBasisPoints ?? 0) * quantity
            }
            if charge > credit {
                return Settlement(kind: .charge, value: value, fee: .zero, amount: try charge - credit)
            }
            return Settlement(kind: .credit, value: value, fee: .zero, amount: try credit - charge)
        }
    }
}

/// How money moves when a request is granted; a reason's `SettlementRule` picks one.
public enum SettlementMethod: Sendable, Hashable {
    /// Credit of the goods' value (unit price × quantity).
    case creditValue
    /// Credit of the value less the policy's return fee.
    case creditValueLessReturnFee
    /// The reseller keeps the article: credit of the policy's keep discount.
    case creditKeepDiscount
    /// The reseller keeps units that were not invoiced: charged at the special price.
    case chargeKeptUnits
    /// Nothing by default; the agent sets the amount.
    case noCredit
    /// Wrong delivery, option B: the ordered article against the received one.
    case exchangeForReceived
}

/// A reason's settlement: the first case whose test holds, otherwise the default method.
public struct SettlementRule: Sendable, Hashable {
    public struct Case: Sendable, Hashable {
        public let test: FieldTest
        public let method: SettlementMethod

        public static func when(_ test: FieldTest, _ method: SettlementMethod) -> Case {
            Case(test: test, method: method)
        }
    }

    public let cases: [Case]
    public let otherwise: SettlementMethod

    public init(_ cases: Case..., otherwise: SettlementMethod) {
        self.cases = cases
        self.otherwise = otherwise
    }

    public static let creditValue = SettlementRule(otherwise: .creditValue)
    public static let creditValueLessReturnFee = SettlementRule(otherwise: .creditValueLessReturnFee)

    public func method(given fields: [String: JSONValue]) -> SettlementMethod {
        cases.first { $0.test.holds(in: fields) }?.method ?? otherwise
    }
}

public enum CreditNotes {
    /// VAT shown on credit notes, in basis points [default: Dutch 21 %].
    public static let vatBasisPoints = 2_100

    public static func vat(on amount: Money) throws(MoneyOverflow) -> Money {
        try amount.scaled(by: Int64(vatBasisPoints), over: 10_000)
    }

    public static func number(year: Int, sequence: Int64) -> String {
        let text = String(sequence)
        return "CN\(year)-" + String(repeating: "0", count: max(0, 6 - text.count)) + text
    }
}
