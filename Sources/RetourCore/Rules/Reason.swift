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
        case .defect: return Message(nl: "Defect", en: "Defect")
        case .return: return Message(nl: "Return", en: "Return")
        case .claim: return Message(nl: "Claim", en: "Claim")
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
            id: .defect, label: Message(nl: "Defect", en: "Defect"), category: .defect, outcome: .shipDirectly,
            help: Message(
                nl: "Hier kunt u uw standaard RMA's aanvragen. (technisch defect)",
                en: "Request your standard RMAs here (technically defective).")),
        Reason(
            id: .doa, label: Message(nl: "DOA (dead on arrival) aanvraag", en: "DOA (dead on arrival) request"),
            category: .defect, outcome: .shipDirectly,
            help: Message(
                nl:
                    "ALSO volgt de DOA-regelingen zoals onze leveranciers die opgeven. Indien de DOA termijn verstreken is, is een aanvraag niet meer mogelijk.",
                en:
                    "ALSO follows the DOA arrangements as our suppliers state them. Once the DOA term has passed, a request is no longer possible."
            )),
        Reason(
            id: .commercialReturn,
            label: Message(nl: "Commerciële retour nieuw(e) product(en)", en: "Commercial return of new product(s)"),
            category: .return, outcome: .shipDirectly,
            help: Message(
                nl: "Deze retour reden kiest u als u de goederen niet meer nodig heeft.",
                en: "Choose this reason if you no longer need the goods.")),
        Reason(
            id: .wronglyOrdered, label: Message(nl: "Zelf verkeerd besteld", en: "Ordered wrongly yourself"),
            category: .return, outcome: .shipDirectly,
            help: Message(
                nl:
                    "Voor de retour reden gelden dezelfde regels als voor Commerciële retour – nieuwe producten. Het enige verschil is de reden.",
                en: "The same rules apply as for a commercial return of new products; only the reason differs.")),
        Reason(
            id: .buyback, label: Message(nl: "Buy back", en: "Buy back"), category: .return, outcome: .inReview,
            help: Message(
                nl:
                    "Deze retour reden kiest u als u de goederen niet meer nodig heeft. Indien u deze reden kiest zal ALSO een nader te bepalen return fee doorbelasten, dit wordt direct verrekend met de credit nota.",
                en:
                    "Choose this reason if you no longer need the goods. ALSO will charge a return fee still to be set, deducted directly on the credit note."
            )),
        Reason(
            id: .wrongDelivery, label: Message(nl: "Verkeerde levering", en: "Wrong delivery"), category: .return,
            outcome: .inReview,
            help: Message(
                nl: "Deze reden kiest u als u een verkeerde levering van ALSO ontvangen heeft.",
                en: "Choose this reason if you received a wrong delivery from ALSO.")),
        Reason(
            id: .tooMuchDelivered, label: Message(nl: "Te veel geleverd", en: "Too much delivered"), category: .return,
            outcome: .inReview,
            help: Message(
                nl:
                    "Deze reden kiest u indien ALSO teveel geleverd heeft. (u heeft meer ontvangen dan op de pakbon staat)",
                en: "Choose this reason if ALSO delivered too much (you received more than the delivery note says).")),
        Reason(
            id: .productComplaint,
            label: Message(nl: "Klacht over product (niet defect)", en: "Complaint about the product (not defective)"),
            category: .claim, outcome: .inReview,
            help: Message(
                nl: "Deze reden kiest u als u een klacht heeft aangaande het artikel.",
                en: "Choose this reason if you have a complaint about the article.")),
        Reason(
            id: .transportDamage, label: Message(nl: "Transportschade", en: "Transport damage"), category: .claim,
            outcome: .inReview,
            help: Message(
                nl:
                    "Zichtbare transportschade dient altijd bij aflevering op de transport documenten of de handterminal te worden vermeld en binnen 48 uur na levering bij ALSO te worden gemeld incl. foto's van de schade.",
                en:
                    "Visible transport damage must always be noted on the transport documents or the driver's hand terminal on delivery, and reported to ALSO within 48 hours of delivery with photos of the damage."
            )),
        Reason(
            id: .concealedDamage,
            label: Message(
                nl: "Het artikel is beschadigd in een onbeschadigde buitendoos",
                en: "The article is damaged inside an undamaged outer box"),
            category: .claim, outcome: .inReview,
            help: Message(
                nl: "U kiest deze reden als u te maken krijgt met schade die u bij afleveren niet heeft kunnen zien.",
                en: "Choose this reason for damage you could not see on delivery.")),
        Reason(
            id: .shortage, label: Message(nl: "Manco", en: "Shortage"), category: .claim, outcome: .claim,
            help: Message(
                nl: "Deze reden kiest u als u minder ontvangen heeft dan gefactureerd.",
                en: "Choose this reason if you received less than was invoiced.")),
        Reason(
            id: .missingAccessories, label: Message(nl: "Ontbrekende accessoires", en: "Missing accessories"),
            category: .claim, outcome: .inReview,
            help: Message(
                nl:
                    "Deze reden kiest u indien u een accessoire mist in de originele verpakking van de fabrikant die er volgens u en de handleiding van de fabrikant wel bij had moeten zitten",
                en:
                    "Choose this reason if an accessory is missing from the manufacturer's original packaging that, by you and the manufacturer's manual, should have been in it."
            )),
        Reason(
            id: .wrongInvoicing, label: Message(nl: "Verkeerde facturering", en: "Wrong invoicing"), category: .claim,
            outcome: .claim,
            help: Message(
                nl: "Deze reden kiest u indien de ALSO factuur niet in orde is.",
                en: "Choose this reason if the ALSO invoice is not correct.")),
        Reason(
            id: .licenseReturn, label: Message(nl: "Licentie retour", en: "Licence return"), category: .claim,
            outcome: .claim,
            help: Message(
                nl:
                    "Deze reden kiest u indien u een licentie wilt cancelen. Reeds geactiveerde licenties kunnen niet aangevraagd worden",
                en: "Choose this reason to cancel a licence. Licences already activated cannot be returned.")),
    ]

    private static let byID = Dictionary(uniqueKeysWithValues: catalogue.map { ($0.id, $0) })

    public static func named(_ id: ReasonID) -> Reason { byID[id]! }
}
