/// The fourteen reasons of the rulebook, in the order of the screen (rulebook §3; `labels-nl.md` §D).
public enum ReasonID: String, CaseIterable, Sendable, Codable {
    case defect
    case doa
    case commercialReturn = "commercial_return"
    case wronglyOrdered = "wrongly_ordered"
    case buyback
    case wrongDelivery = "wrong_delivery"
    case tooMuchDelivered = "too_much_delivered"
    case productComplaint = "product_complaint"
    case transportDamage = "transport_damage"
    case concealedDamage = "concealed_damage"
    case shortage
    case missingAccessories = "missing_accessories"
    case wrongInvoicing = "wrong_invoicing"
    case licenseReturn = "license_return"
}

extension ReasonID {
    /// Whether a request for this reason holds the line's quantity and serials while it is not
    /// rejected (rulebook §4.6): a column of the reason table.
    public var holdsGoods: Bool { Reason.named(self).holdsGoods }

    /// Reasons of which a line has at most one open request (per sub-reason for wrong invoicing).
    public var oneOpenPerLine: Bool { Reason.named(self).oneOpenPerLine }

    public static let holdingGoods: [ReasonID] = allCases.filter(\.holdsGoods)
}

public enum ReasonCategory: String, Sendable, Codable {
    case defect
    case `return`
    case claim

    public var label: Message {
        switch self {
        case .defect: return Message("reason.defect")
        case .return: return Message("reason.return")
        case .claim: return Message("reason.claim")
        }
    }
}

/// What happens after submission (rulebook §4): goods may be sent at once with an RMA number,
/// the request waits for review (do NOT ship), or a claim is received with nothing to ship.
public enum Outcome: String, Sendable, Codable, CaseIterable {
    case shipDirectly = "ship_directly"
    case inReview = "in_review"
    case claim
}

/// Where a reason takes the brand's handling from (warranty or DOA): the manufacturer may settle
/// it directly ("Direct Service") instead of the distributor crediting it.
public enum BrandHandlingSource: Sendable, Hashable {
    case warranty
    case doa
}

/// One row of the reason table: everything fixed about a reason lives here, so that adding a reason
/// is one row, its texts and one test. What an administrator may change later (windows, limits,
/// fees, discounts) starts from `defaults` and is policy data from then on (`ReasonPolicy`).
public struct Reason: Sendable, Hashable {
    public let id: ReasonID
    public let label: Message
    public let category: ReasonCategory
    public let outcome: Outcome
    public let help: Message
    /// The form the reseller fills in: fields, quantity and serial rules.
    public let form: FormSchema
    /// The rulebook's values for the reason, used until an administrator publishes others.
    public let defaults: ReasonPolicy
    /// Whether an open request holds the line's quantity and serials (rulebook §4.6): only requests
    /// about the goods themselves do. An invoice claim, a missing accessory (the unit and its
    /// warranty stay with the reseller) and units delivered too many (not on the invoice) hold nothing.
    public let holdsGoods: Bool
    /// At most one open request per line (per sub-reason for wrong invoicing).
    public let oneOpenPerLine: Bool
    /// Whether goods come back once the request is approved.
    public let goods: GoodsRule
    /// What a granted request is worth by default.
    public let settlement: SettlementRule
    /// Goods must arrive 100 % sealed: any other condition at receipt is a difference.
    public let mustArriveSealed: Bool
    /// Rules the manual states for this reason beyond the policy's windows and limits.
    public let rules: [Message]
    /// Whose handling applies when the brand's manufacturer settles this reason itself.
    public let brandHandling: BrandHandlingSource?

    init(
        id: ReasonID, label: Message, category: ReasonCategory, outcome: Outcome, help: Message, form: FormSchema,
        defaults: ReasonPolicy, holdsGoods: Bool = true, oneOpenPerLine: Bool = false, goods: GoodsRule = .comeBack,
        settlement: SettlementRule = .creditValue, mustArriveSealed: Bool = false, rules: [Message] = [],
        brandHandling: BrandHandlingSource? = nil
    ) {
        self.id = id
        self.label = label
        self.category = category
        self.outcome = outcome
        self.help = help
        self.form = form
        self.defaults = defaults
        self.holdsGoods = holdsGoods
        self.oneOpenPerLine = oneOpenPerLine
        self.goods = goods
        self.settlement = settlement
        self.mustArriveSealed = mustArriveSealed
        self.rules = rules
        self.brandHandling = brandHandling
    }

    public var shipsDirectly: Bool { outcome == .shipDirectly }
}

extension Reason {
    /// The reason table, in the order of the screen. [manual] values as the manual states them,
    /// [default] ones as we chose.
    public static let catalogue: [Reason] = [
        Reason(
            id: .defect, label: Message("reason.defect"), category: .defect, outcome: .shipDirectly,
            help: Message("reason.requestYourStandardRmasHereTechnically"),
            form: .faultReport,
            defaults: ReasonPolicy(window: .warranty), brandHandling: .warranty),
        Reason(
            id: .doa, label: Message("reason.doaDeadOnArrivalRequest"), category: .defect, outcome: .shipDirectly,
            help: Message("reason.alsoFollowsTheDoaArrangementsAs"),
            form: .faultReport,
            defaults: ReasonPolicy(window: .brandDOA), brandHandling: .doa),
        Reason(
            id: .commercialReturn, label: Message("reason.commercialReturnOfNewProductS"), category: .return,
            outcome: .shipDirectly, help: Message("reason.chooseThisReasonIfYouNo"),
            form: .sealedReturn,
            defaults: .sealedReturn, settlement: .creditValueLessReturnFee, mustArriveSealed: true,
            rules: [Message("rule.theArticlesMustBe100Sealed")]),
        Reason(
            id: .wronglyOrdered, label: Message("reason.orderedWronglyYourself"), category: .return,
            outcome: .shipDirectly, help: Message("reason.theSameRulesApplyAsFor"),
            form: .sealedReturn,
            defaults: .sealedReturn, settlement: .creditValueLessReturnFee, mustArriveSealed: true,
            rules: [Message("rule.theArticlesMustBe100Sealed")]),
        Reason(
            id: .buyback, label: Message("reason.buyBack"), category: .return, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfYouNo2"),
            form: FormSchema(
                fields: [
                    .choice("condition", ["unopened", "opened", "damaged", "unclear"]), .comment(required: true),
                    .reference,
                ], quantity: .serialsOrEntered, serials: .requiredWhenSerialised),
            defaults: ReasonPolicy(
                window: .days(30), minimumValue: Money(cents: 2_500), excludedKinds: [.software, .threeDPrinter],
                excludeSpecialOrders: true, excludeNonReturnable: true),
            // "Een nader te bepalen return fee": none by default; the agent sets it per request.
            settlement: .creditValueLessReturnFee, mustArriveSealed: true,
            rules: [Message("rule.theGoodsMustStillBe100")]),
        Reason(
            id: .wrongDelivery, label: Message("reason.wrongDelivery"), category: .return, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfYouReceived"),
            // The manual's two steps: first whether delivery note and goods match, then that option's fields.
            form: FormSchema(
                fields: [
                    .choice("variant", ["match", "mismatch"]),
                    FormField(name: "keep", kind: .flag, required: true, when: .init(field: "variant", value: "match")),
                    FormField(
                        name: "materialCode", kind: .text(maximumLength: 64), required: true,
                        when: .init(field: "variant", value: "mismatch")),
                    FormField(
                        name: "keepReceived", kind: .flag, required: true,
                        when: .init(field: "variant", value: "mismatch")),
                    FormField(
                        name: "wantOriginal", kind: .flag, required: true,
                        when: .init(field: "variant", value: "mismatch")),
                    .comment(required: false), .reference,
                ], quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(15), keepDiscountBasisPoints: 50),
            goods: .comeBack(
                unless: FieldTest(["variant": "match", "keep": true]),
                FieldTest(["variant": "mismatch", "keepReceived": true])),
            settlement: SettlementRule(
                .when(FieldTest(["variant": "match", "keep": true]), .creditKeepDiscount),
                .when(FieldTest(["variant": "mismatch"]), .exchangeForReceived), otherwise: .creditValue)),
        Reason(
            id: .tooMuchDelivered, label: Message("reason.tooMuchDelivered"), category: .return, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfAlsoDelivered"),
            form: FormSchema(
                fields: [
                    FormField(name: "totalDelivered", kind: .integer, required: true), .flag("keep"),
                    .comment(required: false), .reference,
                ], quantity: .excessOverInvoiced, serials: .freeText),
            defaults: ReasonPolicy(window: .days(15), keepDiscountBasisPoints: 50), holdsGoods: false,
            oneOpenPerLine: true, goods: .comeBack(unless: FieldTest(["keep": true])),
            // Units sent back were never invoiced: nothing to credit. Kept ones are charged.
            settlement: SettlementRule(.when(FieldTest(["keep": true]), .chargeKeptUnits), otherwise: .noCredit)),
        Reason(
            id: .productComplaint, label: Message("reason.complaintAboutTheProductNotDefective"), category: .claim,
            outcome: .inReview, help: Message("reason.chooseThisReasonIfYouHave"),
            form: FormSchema(
                fields: [
                    .choice("condition", ["unopened", "opened", "damaged", "undetermined"]),
                    .comment(required: false), .reference,
                ], quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(15))),
        Reason(
            id: .transportDamage, label: Message("reason.transportDamage"), category: .claim, outcome: .inReview,
            help: Message("reason.visibleTransportDamageMustAlwaysBe"),
            form: FormSchema(
                fields: [.flag("damageNoted"), .flag("keep"), .comment(required: true), .reference],
                quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(4), keepDiscountBasisPoints: 1_000, requiredImages: 3),
            goods: .comeBack(unless: FieldTest(["keep": true])),
            settlement: SettlementRule(.when(FieldTest(["keep": true]), .creditKeepDiscount), otherwise: .creditValue)),
        Reason(
            id: .concealedDamage, label: Message("reason.theArticleIsDamagedInsideAn"), category: .claim,
            outcome: .inReview, help: Message("reason.chooseThisReasonForDamageYou"),
            form: FormSchema(fields: [.comment(required: true), .reference], quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(15), requiredImages: 1)),
        Reason(
            id: .shortage, label: Message("reason.shortage"), category: .claim, outcome: .claim,
            help: Message("reason.chooseThisReasonIfYouReceived2"),
            form: FormSchema(
                fields: [
                    .choice("procedure", ["credit", "credit_and_redeliver"]), .comment(required: false), .reference,
                ],
                quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(4)), goods: .stay),
        Reason(
            id: .missingAccessories, label: Message("reason.missingAccessories"), category: .claim, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfAnAccessory"),
            form: FormSchema(fields: [.comment(required: true), .reference], quantity: .entered, serials: .optional),
            defaults: ReasonPolicy(window: .days(15)), holdsGoods: false, goods: .stay),
        Reason(
            id: .wrongInvoicing, label: Message("reason.wrongInvoicing"), category: .claim, outcome: .claim,
            help: Message("reason.chooseThisReasonIfTheAlso"),
            form: FormSchema(
                fields: [.choice("subReason", FormSchema.subReasons), .comment(required: true)], quantity: .notAsked,
                serials: .notAsked),
            defaults: ReasonPolicy(window: .days(30)), holdsGoods: false, oneOpenPerLine: true, goods: .stay,
            // An invoice claim concerns the whole line; what is owed is the difference the agent
            // finds, never the line's value by default.
            settlement: SettlementRule(otherwise: .noCredit)),
        Reason(
            id: .licenseReturn, label: Message("reason.licenceReturn"), category: .claim, outcome: .claim,
            help: Message("reason.chooseThisReasonToCancelA"),
            form: FormSchema(
                fields: [.declaration("notActivatedDeclaration"), .comment(required: false)], quantity: .entered,
                serials: .freeText),
            defaults: ReasonPolicy(window: .days(15)), goods: .stay),
    ]

    private static let byID = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.id, $0) })

    public static func named(_ id: ReasonID) -> Reason { byID[id]! }
}

extension FormSchema {
    /// Defect and DOA: what is wrong, described, for every serial.
    static let faultReport = FormSchema(
        fields: [.choice("fault", FormSchema.faults), .text("description", required: true), .reference],
        quantity: .serialsOrEntered, serials: .requiredWhenSerialised)

    /// Commercial return and wrongly ordered: the reseller declares the goods sealed and new.
    static let sealedReturn = FormSchema(
        fields: [.declaration("sealedDeclaration"), .comment(required: false), .reference],
        quantity: .serialsOrEntered, serials: .requiredWhenSerialised)
}

extension ReasonPolicy {
    /// Commercial return and wrongly ordered [manual]: 15 days, €25–€2000, sealed, 10 % fee.
    static let sealedReturn = ReasonPolicy(
        window: .days(15), minimumValue: Money(cents: 2_500), maximumValue: Money(cents: 200_000),
        excludedKinds: [.software, .threeDPrinter], excludeSpecialOrders: true, excludeNonReturnable: true,
        returnFeeBasisPoints: 1_000)
}
