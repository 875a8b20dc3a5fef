/// The facts of one invoice line that the rules read.
public struct LineFacts: Sendable, Hashable {
    public var invoiceDate: CalendarDay
    public var deliveryDate: CalendarDay?
    public var quantity: Int
    /// Quantity held by open or granted requests about the goods (and carts), rulebook §4.6.
    public var claimedQuantity: Int
    /// The number of a request that holds the line, to name it when nothing is left.
    public var heldBy: String?
    public var unitPrice: Money
    public var article: ArticleFacts
    public var brand: BrandFacts

    public init(
        invoiceDate: CalendarDay, deliveryDate: CalendarDay? = nil, quantity: Int, claimedQuantity: Int = 0,
        unitPrice: Money, article: ArticleFacts, brand: BrandFacts
    ) {
        self.invoiceDate = invoiceDate
        self.deliveryDate = deliveryDate
        self.quantity = quantity
        self.claimedQuantity = claimedQuantity
        self.unitPrice = unitPrice
        self.article = article
        self.brand = brand
    }

    public var claimableQuantity: Int { max(0, quantity - claimedQuantity) }

    /// What `reason` may still claim: reasons that hold nothing see the whole line.
    public func claimable(for reason: ReasonID) -> Int { reason.holdsGoods ? claimableQuantity : quantity }
}

public struct ArticleFacts: Sendable, Hashable {
    /// The distributor's article number, for the administrator's single exclusions.
    public var number: String?
    public var kind: ArticleKind
    public var specialOrder: Bool
    public var returnable: Bool
    public var warrantyMonths: Int?

    public init(
        number: String? = nil, kind: ArticleKind = .hardware, specialOrder: Bool = false, returnable: Bool = true,
        warrantyMonths: Int? = nil
    ) {
        self.number = number
        self.kind = kind
        self.specialOrder = specialOrder
        self.returnable = returnable
        self.warrantyMonths = warrantyMonths
    }
}

/// The brand facts the rules read are the brand as imported.
public typealias BrandFacts = BrandRecord

/// A keep offer: the normal purchase price and the special price for keeping the goods.
public struct KeepOffer: Sendable, Hashable {
    public var normalPrice: Money
    public var unitPrice: Money
}

/// Why a reason cannot be used for a line, as data; `message` words it for the reseller.
public enum EligibilityRefusal: Sendable, Hashable {
    case windowEnded(days: Int, on: CalendarDay)
    case warrantyEnded(months: Int, on: CalendarDay)
    case brandHasNoDOA(brand: String)
    case doaEnded(days: Int, on: CalendarDay)
    case valueOutsideLimits(unitPrice: Money, claimable: Int, minimum: Money?, maximum: Money?)
    case excludedKind(ArticleKind)
    case specialOrder
    case notReturnable
    case licenceArticle
    case notALicence
    case fullyClaimed(quantity: Int, by: String?)
}

/// The decision for one reason on one line.
public struct Verdict: Sendable, Hashable {
    public let reason: ReasonID
    public let refusal: EligibilityRefusal?
    /// The reason to use instead, where the rulebook names one and it is open for this line.
    public internal(set) var alternative: ReasonID?
    /// The last day the reason can be used; nil where no window applies.
    public let deadline: CalendarDay?
    public let handling: Handling
    public let serviceCentre: ServiceCentre?
    public let keepOffer: KeepOffer?

    public var enabled: Bool { refusal == nil }
    public var outcome: Outcome { Reason.named(reason).outcome }
}

public enum Eligibility {
    private static let order = ReasonID.allCases

    /// Decides every reason for `line` on `today`, in the screen's order.
    public static func evaluate(_ line: LineFacts, policy: Policy, today: CalendarDay) -> [Verdict] {
        var verdicts: [Verdict] = []
        verdicts.reserveCapacity(order.count)
        for reason in order {
            let (refusal, deadline) = decide(reason, line, policy, today)
            let handling: Handling =
                switch Reason.named(reason).brandHandling {
                case .warranty: line.brand.warrantyHandling
                case .doa: line.brand.doaHandling
                case nil: .credit
                }
            let keepOffer = policy[reason].keepDiscountBasisPoints.map {
                KeepOffer(normalPrice: line.unitPrice, unitPrice: line.unitPrice.discounted(byBasisPoints: $0))
            }
            verdicts.append(
                Verdict(
                    reason: reason, refusal: refusal, alternative: nil, deadline: deadline, handling: handling,
                    serviceCentre: handling == .directService ? line.brand.serviceCentre : nil, keepOffer: keepOffer))
        }
        // Point a refused reason to the one the manual names instead, when that one is open
        // (verdicts are in `order`, so a reason's index is its position there).
        for index in verdicts.indices {
            guard let refusal = verdicts[index].refusal,
                let alternative = alternative(for: verdicts[index].reason, refusal),
                let other = order.firstIndex(of: alternative), verdicts[other].enabled
            else { continue }
            verdicts[index].alternative = alternative
        }
        return verdicts
    }

    /// The rulebook's "use instead": DOA → Defect; commercial return and wrongly ordered → Buy back
    /// when refused on date or value. Visible transport damage past its window is not pointed to
    /// concealed damage: that reason is only for damage that could not be seen on delivery.
    static func alternative(for reason: ReasonID, _ refusal: EligibilityRefusal) -> ReasonID? {
        switch (reason, refusal) {
        case (.doa, .brandHasNoDOA), (.doa, .doaEnded): return .defect
        case (.commercialReturn, .windowEnded), (.commercialReturn, .valueOutsideLimits),
            (.wronglyOrdered, .windowEnded), (.wronglyOrdered, .valueOutsideLimits):
            return .buyback
        default: return nil
        }
    }

    /// The first rule that refuses `reason`, if any, and the reason's last day.
    static func decide(_ reason: ReasonID, _ line: LineFacts, _ policy: Policy, _ today: CalendarDay)
        -> (EligibilityRefusal?, CalendarDay?)
    {
        let rules = policy[reason]
        let isLicence = line.article.kind == .licence
        if isLicence && !policy.licenceReasons.contains(reason) { return (.licenceArticle, nil) }
        if !isLicence && policy.licenceOnlyReasons.contains(reason) { return (.notALicence, nil) }

        var deadline: CalendarDay?
        var windowRefusal: EligibilityRefusal?
        switch rules.window {
        case .days(let days):
            let last = line.invoiceDate.adding(days: days)
            deadline = last
            if today > last { windowRefusal = .windowEnded(days: days, on: last) }
        case .warranty:
            let months = line.article.warrantyMonths ?? line.brand.warrantyMonths ?? policy.defaultWarrantyMonths
            let last = line.invoiceDate.adding(months: months)
            deadline = last
            if today > last { windowRefusal = .warrantyEnded(months: months, on: last) }
        case .brandDOA:
            guard let days = line.brand.doaDays else { return (.brandHasNoDOA(brand: line.brand.name), nil) }
            let start = policy.doaStart == .deliveryDate ? (line.deliveryDate ?? line.invoiceDate) : line.invoiceDate
            let last = start.adding(days: days)
            deadline = last
            if today > last { windowRefusal = .doaEnded(days: days, on: last) }
        }

        if reason.holdsGoods && line.claimableQuantity == 0 {
            return (.fullyClaimed(quantity: line.quantity, by: line.heldBy), deadline)
        }
        if rules.excludedKinds.contains(line.article.kind) { return (.excludedKind(line.article.kind), deadline) }
        if rules.excludeSpecialOrders && line.article.specialOrder { return (.specialOrder, deadline) }
        if rules.excludeNonReturnable && (!line.article.returnable || policy.excludes(line.article)) {
            return (.notReturnable, deadline)
        }
        if let windowRefusal { return (windowRefusal, deadline) }
        if rules.minimumValue != nil || rules.maximumValue != nil {
            let claimable = line.claimable(for: reason)
            if allowedQuantities(unitPrice: line.unitPrice, claimable: claimable, rules: rules) == nil {
                return (
                    .valueOutsideLimits(
                        unitPrice: line.unitPrice, claimable: claimable, minimum: rules.minimumValue,
                        maximum: rules.maximumValue), deadline
                )
            }
        }
        return (nil, deadline)
    }

    /// The quantities 1…claimable whose value (unit price × quantity) lies within the reason's
    /// limits, or nil when there are none.
    public static func allowedQuantities(unitPrice: Money, claimable: Int, rules: ReasonPolicy) -> ClosedRange<Int>? {
        guard claimable >= 1 else { return nil }
        var lowest = 1
        var highest = claimable
        let price = unitPrice.cents
        if let minimum = rules.minimumValue?.cents, minimum > 0 {
            guard price > 0 else { return nil }
            lowest = max(lowest, Int((minimum + price - 1) / price))
        }
        if let maximum = rules.maximumValue?.cents, price > 0 {
            highest = min(highest, Int(min(maximum / price, Int64(Int.max))))
        }
        return lowest <= highest ? lowest...highest : nil
    }
}
