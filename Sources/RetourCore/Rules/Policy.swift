/// How long a reason stays open. Written in JSON as a number of days, `"warranty"` or `"brand_doa"`.
public enum Window: Sendable, Hashable, Codable {
    /// Calendar days after the invoice date, the last day included.
    case days(Int)
    /// The warranty term: the article's months, else its brand's, else the policy default.
    case warranty
    /// The brand's DOA days; a brand without them has no DOA.
    case brandDOA

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let days = try? container.decode(Int.self) {
            self = .days(days)
        } else {
            switch try container.decode(String.self) {
            case "warranty": self = .warranty
            case "brand_doa": self = .brandDOA
            case let other:
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription: "window \"\(other)\" is not a number of days, warranty or brand_doa")
            }
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .days(let days): try container.encode(days)
        case .warranty: try container.encode("warranty")
        case .brandDOA: try container.encode("brand_doa")
        }
    }
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
    /// Working days within which a request in review should get its first decision [default 2];
    /// nil in versions stored before this value existed.
    public var reviewTargetWorkingDays: Int?

    public var reviewTarget: Int { reviewTargetWorkingDays ?? 2 }

    public init(
        window: Window, minimumValue: Money? = nil, maximumValue: Money? = nil, excludedKinds: Set<ArticleKind> = [],
        excludeSpecialOrders: Bool = false, excludeNonReturnable: Bool = false, keepDiscountBasisPoints: Int? = nil,
        returnFeeBasisPoints: Int? = nil, requiredImages: Int = 0, reviewTargetWorkingDays: Int? = 2
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
        self.reviewTargetWorkingDays = reviewTargetWorkingDays
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
    /// Days after closing that a request moves to the archive [default 30]; nil in older versions.
    public var archiveAfterDays: Int?
    /// Days before a deadline from which the cart warns "submit before D" [default 3]; nil in older versions.
    public var cartWarningDays: Int?

    /// Days goods may travel after the RMA number's last day before their arrival is flagged late
    /// [default 3]; nil in older versions.
    public var transitGraceDays: Int?

    /// Article numbers the administrator excluded one by one: each is treated as not returnable,
    /// so every reason that excludes non-returnable articles refuses it; nil in older versions. A
    /// set: every reason of every line looks an article up in it.
    public var excludedArticles: Set<String>?

    public var archiveDays: Int { archiveAfterDays ?? 30 }
    public var transitGrace: Int { transitGraceDays ?? 3 }
    public var cartWarning: Int { cartWarningDays ?? 3 }

    public init(
        reasons: [ReasonID: ReasonPolicy], defaultWarrantyMonths: Int = 24, doaStart: DOAStart = .invoiceDate,
        licenceReasons: Set<ReasonID> = [.licenseReturn, .wrongInvoicing],
        licenceOnlyReasons: Set<ReasonID> = [.licenseReturn], archiveAfterDays: Int? = 30, cartWarningDays: Int? = 3,
        transitGraceDays: Int? = 3
    ) {
        self.reasons = reasons
        self.defaultWarrantyMonths = defaultWarrantyMonths
        self.doaStart = doaStart
        self.licenceReasons = licenceReasons
        self.licenceOnlyReasons = licenceOnlyReasons
        self.archiveAfterDays = archiveAfterDays
        self.cartWarningDays = cartWarningDays
        self.transitGraceDays = transitGraceDays
    }

    /// Whether the administrator excluded this article by its number.
    public func excludes(_ article: ArticleFacts) -> Bool {
        guard let number = article.number, let excluded = excludedArticles else { return false }
        return excluded.contains(number)
    }

    /// The most article numbers one version may exclude one by one, and the longest number.
    public static let maximumExcludedArticles = 10_000
    public static let maximumArticleNumberLength = 64

    /// A reason a stored version does not name (it was published before the reason existed) takes
    /// its defaults from the reason table: an upgrade never closes a new reason silently.
    public subscript(reason: ReasonID) -> ReasonPolicy {
        reasons[reason] ?? Reason.named(reason).defaults
    }

    /// The rulebook's values (§3): each reason's `defaults` in the reason table.
    public static let standard = Policy(
        reasons: Dictionary(uniqueKeysWithValues: Reason.catalogue.map { ($0.id, $0.defaults) }))
}

extension ReasonID: CodingKeyRepresentable {}

extension Money {
    /// This amount less `basisPoints` (50 = 0.5 %), rounded half-up to the cent.
    public func discounted(byBasisPoints basisPoints: Int) -> Money {
        // A discount of 0–100 % never makes an amount larger, so this cannot overflow.
        let kept = Int64(10_000 - min(max(basisPoints, 0), 10_000))
        return (try? scaled(by: kept, over: 10_000)) ?? self
    }
}

extension Policy {
    /// Every value an administrator could set wrongly, named by `reasons.<id>.<field>` or the global field.
    public func problems() -> [FieldError] {
        var errors: [FieldError] = []
        if !(1...3650).contains(archiveDays) {
            errors.append(
                FieldError(
                    "archiveAfterDays", message: Message("policy.archiveAfter1To3650Days")))
        }
        if !(0...60).contains(transitGrace) {
            errors.append(
                FieldError("transitGraceDays", message: Message("policy.transitGrace0To60Days")))
        }
        if !(0...60).contains(cartWarning) {
            errors.append(
                FieldError("cartWarningDays", message: Message("policy.warn0To60DaysAhead")))
        }
        if !(1...240).contains(defaultWarrantyMonths) {
            errors.append(
                FieldError(
                    "defaultWarrantyMonths", message: Message("policy.theDefaultWarrantyIs1To")))
        }
        if let excluded = excludedArticles {
            if excluded.count > Policy.maximumExcludedArticles {
                errors.append(FieldError("excludedArticles", message: Message("policy.atMost10000ExcludedArticles")))
            }
            if excluded.contains(where: { $0.isEmpty || $0.count > Policy.maximumArticleNumberLength }) {
                errors.append(FieldError("excludedArticles", message: Message("policy.anArticleNumberIs1To64")))
            }
        }
        for reason in ReasonID.allCases {
            let field = "reasons.\(reason.rawValue)"
            guard let rules = reasons[reason] else {
                errors.append(FieldError(field, message: Message("policy.thisReasonHasNoRules")))
                continue
            }
            if case .days(let days) = rules.window, !(0...3650).contains(days) {
                errors.append(
                    FieldError(
                        field + ".window", message: Message("policy.aWindowIs0To3650")))
            }
            for (name, amount) in [("minimumValue", rules.minimumValue), ("maximumValue", rules.maximumValue)] {
                if let amount, amount.cents < 0 {
                    errors.append(
                        FieldError(
                            field + "." + name, message: Message("policy.anAmountIsNotNegative")))
                }
            }
            if let minimum = rules.minimumValue, let maximum = rules.maximumValue, minimum > maximum {
                errors.append(
                    FieldError(
                        field + ".maximumValue", message: Message("policy.theMaximumIsBelowTheMinimum")))
            }
            for (name, points) in [
                ("keepDiscountBasisPoints", rules.keepDiscountBasisPoints),
                ("returnFeeBasisPoints", rules.returnFeeBasisPoints),
            ] {
                if let points, !(0...10_000).contains(points) {
                    errors.append(
                        FieldError(
                            field + "." + name, message: Message("policy.aPercentageLiesBetween0And")))
                }
            }
            if !(1...60).contains(rules.reviewTarget) {
                errors.append(
                    FieldError(
                        field + ".reviewTargetWorkingDays", message: Message("policy.aTargetIs1To60")))
            }
            if !(0...20).contains(rules.requiredImages) {
                errors.append(
                    FieldError(
                        field + ".requiredImages", message: Message("policy.theNumberOfPhotosIs0")
                    ))
            }
        }
        return errors
    }
}
