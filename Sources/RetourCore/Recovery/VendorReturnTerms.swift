/// What a manufacturer takes back and pays for, as the distributor's contract with it says.
public struct VendorReturnTerms: Sendable, Hashable, Codable {
    public enum CreditBasis: String, Sendable, Hashable, Codable, CaseIterable {
        /// The distributor's own cost (the article's purchase price, else the line's unit price).
        case purchasePrice = "purchase_price"
        /// The article's price list price today.
        case currentPrice = "current_price"
    }

    public static let withinDaysRange = 0...3650
    /// A handling fee in basis points: 0–100 % with at most two decimals.
    public static let handlingFeeRange = 0...10_000

    public var accepts: Bool
    /// Calendar days from the reseller's invoice date to the day a unit is marked for the vendor;
    /// nil: no limit.
    public var withinDays: Int?
    public var creditBasis: CreditBasis
    public var handlingFeeBasisPoints: Int
    public var address: VendorAddress?

    public init(
        accepts: Bool, withinDays: Int? = nil, creditBasis: CreditBasis = .purchasePrice,
        handlingFeeBasisPoints: Int = 0, address: VendorAddress? = nil
    ) {
        self.accepts = accepts
        self.withinDays = withinDays
        self.creditBasis = creditBasis
        self.handlingFeeBasisPoints = handlingFeeBasisPoints
        self.address = address
    }

    /// A brand without terms takes nothing back.
    public static let none = VendorReturnTerms(accepts: false)

    /// Why a unit cannot go back to its vendor on `day`, or nil when it can.
    public func refusal(invoiceDate: CalendarDay, markedOn day: CalendarDay) -> VendorReturnRefusal? {
        guard accepts else { return .noReturnRights }
        if let withinDays, day > invoiceDate.adding(days: withinDays) {
            return .windowPassed(lastDay: invoiceDate.adding(days: withinDays), withinDays: withinDays)
        }
        return nil
    }

    /// What the vendor owes for `quantity` units: the basis less the handling fee, rounded half-up
    /// to the cent.
    public func expectedCredit(prices: UnitPrices, quantity: Int) throws(MoneyOverflow) -> Money {
        let basis: Money
        switch creditBasis {
        case .purchasePrice: basis = prices.purchasePrice ?? prices.invoicedPrice
        case .currentPrice: basis = prices.listPrice ?? prices.invoicedPrice
        }
        return try (basis * quantity).scaled(by: Int64(10_000 - handlingFeeBasisPoints), over: 10_000)
    }
}

/// The prices of one unit that a credit from the vendor may be based on.
public struct UnitPrices: Sendable, Hashable {
    public var invoicedPrice: Money
    public var purchasePrice: Money?
    public var listPrice: Money?

    public init(invoicedPrice: Money, purchasePrice: Money?, listPrice: Money?) {
        self.invoicedPrice = invoicedPrice
        self.purchasePrice = purchasePrice
        self.listPrice = listPrice
    }
}

/// Where units go back to: the vendor's returns department.
public struct VendorAddress: Sendable, Hashable, Codable {
    public var company: String
    public var street: String
    public var postcode: String
    public var city: String
    public var country: String

    public init(company: String, street: String, postcode: String, city: String, country: String) {
        self.company = company
        self.street = street
        self.postcode = postcode
        self.city = city
        self.country = country
    }
}

/// Why a unit may not be sent back to its manufacturer.
public enum VendorReturnRefusal: Sendable, Hashable {
    case noReturnRights
    case windowPassed(lastDay: CalendarDay, withinDays: Int)

    public func message(brand: String) -> Message {
        switch self {
        case .noReturnRights:
            return Message("recovery.refused.noReturnRights", ["brand": .text(brand)])
        case .windowPassed(let lastDay, let withinDays):
            return Message(
                "recovery.refused.windowPassed",
                ["brand": .text(brand), "days": "\(withinDays)", "lastDay": .day(lastDay)])
        }
    }
}
