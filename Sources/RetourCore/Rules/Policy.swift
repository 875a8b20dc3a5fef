/// How long a reason stays open.
public enum Window: Sendable, Hashable, Codable {
    /// Calendar days after the invoice date, the last day included.
    case days(Int)
    /// The warranty term: the article's months, else its brand's, else the policy default.
    case warranty
    /// The brand's DOA days; a brand without them has no DOA.
    case brandDOA
}

/// The changeable rules of one reason. Every value the rulebook marks [default] lives here.
public struct ReasonPolicy: Sendable, Hashable, Codable {
    public var window: Window
    /// Limits on the return value, unit price × quantity.
    public var minimumValue: Money?
    public var maximumValue: Money?
    public var excludedKinds: Set<ArticleKind>
    public var excludeSpecialOrders: Bool
    public var excludeNonReturnable: Bool
    /// Discount of a keep offer in basis points (50 = 0.5 %), nil when the reason offers none.
    public var keepDiscountBasisPoints: Int?
    /// Return fee on the credit in basis points (1000 = 10 %), nil when none.
    public var returnFeeBasisPoints: Int?
    /// Image attachments a position needs.
    public var requiredImages: Int

    public init(
        window: Window, minimumValue: Money? = nil, maximumValue: Money? = nil, excludedKinds: Set<ArticleKind> = [],
        excludeSpecialOrders: Bool = false, excludeNonReturnable: Bool = false, keepDiscountBasisPoints: Int? = nil,
        returnFeeBasisPoints: Int? = nil, requiredImages: Int = 0
    ) {
        self.window = window
        self.minimumValue = minimumValue
        self.maximumValue = maximumValue
        self.excludedKinds = excludedKinds
        self.excludeSpecialOrders = excludeSpecialOrders
        self.excludeNonReturnable = excludeNonReturnable
        self.keepDiscountBasisPoints = keepDiscountBasisPoints
        self.returnFeeBasisPoints = returnFeeBasisPoints
        self.requiredImages = requiredImages
    }
}

/// Where the DOA day counter starts.
public enum DOAStart: String, Sendable, Hashable, Codable {
    case invoiceDate = "invoice_date"
    case deliveryDate = "delivery_date"
}

/// All rules as data: one `ReasonPolicy` per reason plus the rules that span reasons.
public struct Policy: Sendable, Hashable, Codable {
    public var reasons: [ReasonID: ReasonPolicy]
    public var defaultWarrantyMonths: Int
    public var doaStart: DOAStart
    /// The only reasons a licence article may use.
    public var licenceReasons: Set<ReasonID>
    /// Reasons only licence articles may use.
    public var licenceOnlyReasons: Set<ReasonID>

    public init(
        reasons: [ReasonID: ReasonPolicy], defaultWarrantyMonths: Int = 24, doaStart: DOAStart = .invoiceDate,
        licenceReasons: Set<ReasonID> = [.licenseReturn, .wrongInvoicing],
        licenceOnlyReasons: Set<ReasonID> = [.licenseReturn]
    ) {
        self.reasons = reasons
        self.defaultWarrantyMonths = defaultWarrantyMonths
        self.doaStart = doaStart
        self.licenceReasons = licenceReasons
        self.licenceOnlyReasons = licenceOnlyReasons
    }

    public subscript(reason: ReasonID) -> ReasonPolicy {
        reasons[reason] ?? ReasonPolicy(window: .days(0))
    }

    /// The rulebook's values (§3): [manual] ones as the manual states them, [default] ones as we chose.
    public static let standard: Policy = {
        let sealedReturn = ReasonPolicy(
            window: .days(15), minimumValue: Money(cents: 2_500), maximumValue: Money(cents: 200_000),
            excludedKinds: [.software, .threeDPrinter], excludeSpecialOrders: true, excludeNonReturnable: true,
            returnFeeBasisPoints: 1_000)
        return Policy(reasons: [
            .defect: ReasonPolicy(window: .warranty),
            .doa: ReasonPolicy(window: .brandDOA),
            .commercialReturn: sealedReturn,
            .wronglyOrdered: sealedReturn,
            .buyback: ReasonPolicy(
                window: .days(30), minimumValue: Money(cents: 2_500), excludedKinds: [.software, .threeDPrinter],
                excludeSpecialOrders: true, excludeNonReturnable: true),
            .wrongDelivery: ReasonPolicy(window: .days(15), keepDiscountBasisPoints: 50),
            .tooMuchDelivered: ReasonPolicy(window: .days(15), keepDiscountBasisPoints: 50),
            .productComplaint: ReasonPolicy(window: .days(15)),
            .transportDamage: ReasonPolicy(window: .days(4), keepDiscountBasisPoints: 1_000, requiredImages: 3),
            .concealedDamage: ReasonPolicy(window: .days(15), requiredImages: 1),
            .shortage: ReasonPolicy(window: .days(4)),
            .missingAccessories: ReasonPolicy(window: .days(15)),
            .wrongInvoicing: ReasonPolicy(window: .days(30)),
            .licenseReturn: ReasonPolicy(window: .days(15)),
        ])
    }()
}

extension ReasonID: CodingKeyRepresentable {}

extension Money {
    /// This amount less `basisPoints` (50 = 0.5 %), rounded half-up to the cent.
    public func discounted(byBasisPoints basisPoints: Int) -> Money {
        let scaled = cents * Int64(10_000 - basisPoints)
        let rounded = scaled >= 0 ? (scaled + 5_000) / 10_000 : -((-scaled + 5_000) / 10_000)
        return Money(cents: rounded)
    }
}
