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

    /// A field that belongs to one option of the form (wrong delivery's two steps): shown, required
    /// and kept only when `field` has `value`.
    public struct Condition: Sendable, Hashable {
        public let field: String
        public let value: String

        public func holds(in fields: [String: JSONValue]) -> Bool { fields[field] == .string(value) }
    }

    public let name: String
    public let kind: Kind
    public let required: Bool
    public let when: Condition?

    init(name: String, kind: Kind, required: Bool, when: Condition? = nil) {
        self.name = name
        self.kind = kind
        self.required = required
        self.when = when
    }

    /// Whether the field is part of the form as filled in so far.
    public func applies(to fields: [String: JSONValue]) -> Bool {
        when?.holds(in: fields) ?? true
    }
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

    /// The fields that belong to the form as filled in: those of the chosen option only.
    public func active(given values: [String: JSONValue]) -> [FormField] {
        fields.filter { $0.applies(to: values) }
    }

    public init(fields: [FormField], quantity: QuantityRule, serials: SerialRule) {
        self.fields = fields
        self.quantity = quantity
        self.serials = serials
    }

    /// The form of a reason: a column of the reason table.
    public static func of(_ reason: ReasonID) -> FormSchema { Reason.named(reason).form }
}

extension FormField {
    /// The reseller's own reference for the position.
    public static let reference = FormField(name: "positionReference", kind: .text(maximumLength: 100), required: false)

    static func comment(required: Bool) -> FormField {
        FormField(name: "comment", kind: .text(maximumLength: 2_000), required: required)
    }

    static func text(_ name: String, required: Bool) -> FormField {
        FormField(name: name, kind: .text(maximumLength: 2_000), required: required)
    }

    static func choice(_ name: String, _ values: [String]) -> FormField {
        FormField(name: name, kind: .choice(values), required: true)
    }

    static func flag(_ name: String) -> FormField { FormField(name: name, kind: .flag, required: true) }

    static func declaration(_ name: String) -> FormField { FormField(name: name, kind: .declaration, required: true) }
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

    public init(line: LineFacts, serialised: Bool, deliveredSerials: [String], claimedSerials: Set<String> = []) {
        self.line = line
        self.serialised = serialised
        self.deliveredSerials = deliveredSerials
        self.claimedSerials = claimedSerials
    }
}

/// Wrong delivery, option B: the article actually received, as the server found it by its code
/// when the position was checked. Kept with the position's fields; never taken from a client.
public enum ReceivedArticle {
    public static let numberField = "receivedArticle"
    /// Its own price in the master data, in cents; absent when it has none (then no offer is made).
    public static let unitPriceField = "receivedUnitPriceCents"

    public static func fields(number: String, unitPrice: Money?) -> [String: JSONValue] {
        var fields: [String: JSONValue] = [numberField: .string(number)]
        if let unitPrice { fields[unitPriceField] = .integer(unitPrice.cents) }
        return fields
    }

    static func unitPrice(in fields: [String: JSONValue]) -> Money? {
        guard case .integer(let cents)? = fields[unitPriceField] else { return nil }
        return Money(cents: cents)
    }
}

/// A checked position: its quantity and serials as they will be claimed.
public struct ValidPosition: Sendable, Hashable {
    public var reason: ReasonID
    public var quantity: Int
    public var serials: [String]
    /// The form's fields as filled in: only those the chosen option asks, nothing a client added.
    public var fields: [String: JSONValue]
}

public enum PositionCheck: Sendable, Hashable {
    case valid(ValidPosition)
    /// Wrong or missing input: 422.
    case invalid([FieldError])
    /// Quantity or serials already claimed: 409.
    case conflict([FieldError])
}
