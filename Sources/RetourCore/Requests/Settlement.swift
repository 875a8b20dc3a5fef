/// What a granted request is worth (rulebook §3 "Settling a kept article" and the return fee).
public struct Settlement: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
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
        func keepDiscount() throws(MoneyOverflow) -> Money {
            let special = unitPrice.discounted(byBasisPoints: rules.keepDiscountBasisPoints ?? 0)
            return try (unitPrice - special) * quantity
        }
        switch reason {
        case .commercialReturn, .wronglyOrdered:
            let net = value.discounted(byBasisPoints: rules.returnFeeBasisPoints ?? 0)
            return Settlement(kind: .credit, value: value, fee: try value - net, amount: net)
        case .transportDamage where fields["keep"] == .bool(true),
            .wrongDelivery where fields["variant"] == .string("match") && fields["keep"] == .bool(true):
            let credit = try keepDiscount()
            return Settlement(kind: .credit, value: value, fee: .zero, amount: credit)
        case .tooMuchDelivered:
            guard fields["keep"] == .bool(true) else {
                return Settlement(kind: .credit, value: value, fee: .zero, amount: .zero)
            }
            let special = unitPrice.discounted(byBasisPoints: rules.keepDiscountBasisPoints ?? 0)
            return Settlement(kind: .charge, value: value, fee: .zero, amount: try special * quantity)
        case .wrongInvoicing:
            // An invoice claim concerns the whole line; what is owed is the difference the agent
            // finds, never the line's value by default.
            return Settlement(kind: .credit, value: value, fee: .zero, amount: .zero)
        case .wrongDelivery where fields["variant"] == .string("mismatch"):
            // Option B: the ordered article is credited, or delivered again; the received one, when
            // kept, is charged at its special price. One booking: what remains of the two.
            let credit = fields["wantOriginal"] == .bool(true) ? Money.zero : value
            var charge = Money.zero
            if fields["keepReceived"] == .bool(true), let received = ReceivedArticle.unitPrice(in: fields) {
                charge = try received.discounted(byBasisPoints: rules.keepDiscountBasisPoints ?? 0) * quantity
            }
            if charge > credit {
                return Settlement(kind: .charge, value: value, fee: .zero, amount: try charge - credit)
            }
            return Settlement(kind: .credit, value: value, fee: .zero, amount: try credit - charge)
        default:
            return Settlement(kind: .credit, value: value, fee: .zero, amount: value)
        }
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
