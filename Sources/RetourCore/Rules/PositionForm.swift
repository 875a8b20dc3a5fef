/// The fields of one reason's form (API contract, "Cart"): names, allowed values, what is required.
public struct FormField: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case choice([String])
        case text(maximumLength: Int)
        case flag
        /// A checkbox that must be ticked ("sealed and new", "not activated").
        case declaration
        case integer
    }

    public let name: String
    public let kind: Kind
    public let required: Bool
}

/// How a reason's position gets its quantity and serial numbers.
public enum QuantityRule: Sendable, Hashable {
    /// Serialised articles: the number of chosen serials; otherwise entered, default 1.
    case serialsOrEntered
    /// Entered, default 1 (shortage: the missing quantity).
    case entered
    /// Too much delivered: total delivered − invoiced.
    case excessOverInvoiced
    /// Not asked (wrong invoicing is about the invoice line as a whole): the line's quantity.
    case notAsked
}

public enum SerialRule: Sendable, Hashable {
    /// Chosen from the line's delivered, unclaimed serials; required for serialised articles.
    case requiredWhenSerialised
    /// May be chosen from the line's delivered, unclaimed serials.
    case optional
    /// Free text, not checked against the line (licence keys; extra units not on the line).
    case freeText
    /// Not asked; any sent are ignored (wrong invoicing).
    case notAsked
}

public struct FormSchema: Sendable, Hashable {
    public let fields: [FormField]
    public let quantity: QuantityRule
    public let serials: SerialRule

    static let faults = [
        "no_response", "responds_not_working", "sporadic_errors", "noise", "error_message", "external_defect",
        "personal_fault", "other", "accessories_defect", "no_function",
    ]
    static let subReasons = [
        "wrong_customer", "leasing", "currency", "price", "payment_term", "serials", "missing_information", "costs",
        "other",
    ]

    public static func of(_ reason: ReasonID) -> FormSchema {
        let reference = FormField(name: "positionReference", kind: .text(maximumLength: 100), required: false)
        func comment(_ required: Bool) -> FormField {
            FormField(name: "comment", kind: .text(maximumLength: 2_000), required: required)
        }
        func choice(_ name: String, _ values: [String]) -> FormField {
            FormField(name: name, kind: .choice(values), required: true)
        }
        func flag(_ name: String) -> FormField { FormField(name: name, kind: .flag, required: true) }
        switch reason {
        case .defect, .doa:
            return FormSchema(
                fields: [
                    choice("fault", faults),
                    FormField(name: "description", kind: .text(maximumLength: 2_000), required: true),
                    reference,
                ], quantity: .serialsOrEntered, serials: .requiredWhenSerialised)
        case .commercialReturn, .wronglyOrdered:
            return FormSchema(
                fields: [
                    FormField(name: "sealedDeclaration", kind: .declaration, required: true), comment(false), reference,
                ],
                quantity: .serialsOrEntered, serials: .requiredWhenSerialised)
        case .buyback:
            return FormSchema(
                fields: [choice("condition", ["unopened", "opened", "damaged", "unclear"]), comment(true), reference],
                quantity: .serialsOrEntered, serials: .requiredWhenSerialised)
        case .wrongDelivery:
            return FormSchema(
                fields: [
                    choice("variant", ["match", "mismatch"]), FormField(name: "keep", kind: .flag, required: false),
                    FormField(name: "materialCode", kind: .text(maximumLength: 64), required: false),
                    FormField(name: "keepReceived", kind: .flag, required: false),
                    FormField(name: "wantOriginal", kind: .flag, required: false), comment(false), reference,
                ], quantity: .entered, serials: .optional)
        case .productComplaint:
            return FormSchema(
                fields: [
                    choice("condition", ["unopened", "opened", "damaged", "undetermined"]), comment(false), reference,
                ],
                quantity: .entered, serials: .optional)
        case .tooMuchDelivered:
            return FormSchema(
                fields: [
                    FormField(name: "totalDelivered", kind: .integer, required: true), flag("keep"), comment(false),
                    reference,
                ], quantity: .excessOverInvoiced, serials: .freeText)
        case .transportDamage:
            return FormSchema(
                fields: [flag("damageNoted"), flag("keep"), comment(true), reference], quantity: .entered,
                serials: .optional)
        case .concealedDamage:
            return FormSchema(fields: [comment(true), reference], quantity: .entered, serials: .optional)
        case .shortage:
            return FormSchema(
                fields: [choice("procedure", ["credit", "credit_and_redeliver"]), comment(false), reference],
                quantity: .entered, serials: .optional)
        case .missingAccessories:
            return FormSchema(fields: [comment(true), reference], quantity: .entered, serials: .optional)
        case .wrongInvoicing:
            return FormSchema(
                fields: [choice("subReason", subReasons), comment(true)], quantity: .notAsked, serials: .notAsked)
        case .licenseReturn:
            return FormSchema(
                fields: [
                    FormField(name: "notActivatedDeclaration", kind: .declaration, required: true), comment(false),
                ],
                quantity: .entered, serials: .freeText)
        }
    }
}

/// A position as the reseller filled it in, before any check.
public struct PositionInput: Sendable {
    public var reason: ReasonID
    public var quantity: Int?
    public var serials: [String]
    public var fields: [String: JSONValue]
    /// How many of the attached files are images (JPG, PNG).
    public var images: Int

    public init(
        reason: ReasonID, quantity: Int? = nil, serials: [String] = [], fields: [String: JSONValue] = [:],
        images: Int = 0
    ) {
        self.reason = reason
        self.quantity = quantity
        self.serials = serials
        self.fields = fields
        self.images = images
    }
}

/// What the line offers a position: its facts, its serials, and what is claimed already.
public struct PositionContext: Sendable {
    public var line: LineFacts
    public var serialised: Bool
    public var deliveredSerials: [String]
    public var claimedSerials: Set<String>
    /// Whether an EAN or manufacturer model names a known article (wrong delivery, option B).
    public var knowsMaterial: @Sendable (String) -> Bool

    public init(
        line: LineFacts, serialised: Bool, deliveredSerials: [String], claimedSerials: Set<String> = [],
        knowsMaterial: @escaping @Sendable (String) -> Bool = { _ in false }
    ) {
        self.line = line
        self.serialised = serialised
        self.deliveredSerials = deliveredSerials
        self.claimedSerials = claimedSerials
        self.knowsMaterial = knowsMaterial
    }
}

/// A checked position: its quantity and serials as they will be claimed.
public struct ValidPosition: Sendable, Hashable {
    public var reason: ReasonID
    public var quantity: Int
    public var serials: [String]
}

public enum PositionCheck: Sendable, Hashable {
    case valid(ValidPosition)
    /// Wrong or missing input: 422.
    case invalid([FieldError])
    /// Quantity or serials already claimed: 409.
    case conflict([FieldError])
}
