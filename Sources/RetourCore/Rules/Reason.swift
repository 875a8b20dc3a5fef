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
    /// rejected (rulebook §4.6): only requests about the goods themselves do. An invoice claim, a
    /// missing accessory (the unit and its warranty stay with the reseller) and units delivered too
    /// many (not on the invoice) hold nothing.
    public var holdsGoods: Bool {
        switch self {
        case .wrongInvoicing, .missingAccessories, .tooMuchDelivered: return false
        default: return true
        }
    }

    /// Reasons of which a line has at most one open request (per sub-reason for wrong invoicing).
    public var oneOpenPerLine: Bool { self == .wrongInvoicing || self == .tooMuchDelivered }

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
public enum Outcome: String, Sendable, Codable {
    case shipDirectly = "ship_directly"
    case inReview = "in_review"
    case claim
}

/// One reason of the catalogue: its fixed facts. Everything that may change (windows, limits,
/// fees, discounts) is policy data, in `ReasonPolicy`.
public struct Reason: Sendable, Hashable {
    public let id: ReasonID
    public let label: Message
    public let category: ReasonCategory
    public let outcome: Outcome
    public let help: Message

    public var shipsDirectly: Bool { outcome == .shipDirectly }
}

extension Reason {
    public static let catalogue: [Reason] = [
        Reason(
            id: .defect, label: Message("reason.defect"), category: .defect, outcome: .shipDirectly,
            help: Message("reason.requestYourStandardRmasHereTechnically")),
        Reason(
            id: .doa, label: Message("reason.doaDeadOnArrivalRequest"),
            category: .defect, outcome: .shipDirectly,
            help: Message("reason.alsoFollowsTheDoaArrangementsAs")),
        Reason(
            id: .commercialReturn,
            label: Message("reason.commercialReturnOfNewProductS"),
            category: .return, outcome: .shipDirectly,
            help: Message("reason.chooseThisReasonIfYouNo")),
        Reason(
            id: .wronglyOrdered, label: Message("reason.orderedWronglyYourself"),
            category: .return, outcome: .shipDirectly,
            help: Message("reason.theSameRulesApplyAsFor")),
        Reason(
            id: .buyback, label: Message("reason.buyBack"), category: .return, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfYouNo2")),
        Reason(
            id: .wrongDelivery, label: Message("reason.wrongDelivery"), category: .return,
            outcome: .inReview,
            help: Message("reason.chooseThisReasonIfYouReceived")),
        Reason(
            id: .tooMuchDelivered, label: Message("reason.tooMuchDelivered"), category: .return,
            outcome: .inReview,
            help: Message("reason.chooseThisReasonIfAlsoDelivered")),
        Reason(
            id: .productComplaint,
            label: Message("reason.complaintAboutTheProductNotDefective"),
            category: .claim, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfYouHave")),
        Reason(
            id: .transportDamage, label: Message("reason.transportDamage"), category: .claim,
            outcome: .inReview,
            help: Message("reason.visibleTransportDamageMustAlwaysBe")),
        Reason(
            id: .concealedDamage,
            label: Message("reason.theArticleIsDamagedInsideAn"),
            category: .claim, outcome: .inReview,
            help: Message("reason.chooseThisReasonForDamageYou")),
        Reason(
            id: .shortage, label: Message("reason.shortage"), category: .claim, outcome: .claim,
            help: Message("reason.chooseThisReasonIfYouReceived2")),
        Reason(
            id: .missingAccessories, label: Message("reason.missingAccessories"),
            category: .claim, outcome: .inReview,
            help: Message("reason.chooseThisReasonIfAnAccessory")),
        Reason(
            id: .wrongInvoicing, label: Message("reason.wrongInvoicing"), category: .claim,
            outcome: .claim,
            help: Message("reason.chooseThisReasonIfTheAlso")),
        Reason(
            id: .licenseReturn, label: Message("reason.licenceReturn"), category: .claim,
            outcome: .claim,
            help: Message("reason.chooseThisReasonToCancelA")),
    ]

    private static let byID = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.id, $0) })

    public static func named(_ id: ReasonID) -> Reason { byID[id]! }
}
