import RetourCore

/// A position as a reseller asks for it, before any rule has looked at it.
public struct PositionDraft: Sendable, Hashable {
    public var line: Int
    public var reason: ReasonID
    public var quantity: Int?
    public var serials: [String]
    public var fields: [String: JSONValue]
    public var attachments: [String]
    /// Nil: the company's own address.
    public var returnAddress: Address?

    public init(
        line: Int, reason: ReasonID, quantity: Int?, serials: [String], fields: [String: JSONValue],
        attachments: [String], returnAddress: Address?
    ) {
        self.line = line
        self.reason = reason
        self.quantity = quantity
        self.serials = serials
        self.fields = fields
        self.attachments = attachments
        self.returnAddress = returnAddress
    }

    /// The reason a client named, or the refusal that names what it sent.
    public static func reason(_ raw: String) throws -> ReasonID {
        guard let reason = ReasonID(rawValue: raw) else {
            throw Refusal.invalid([
                FieldError(
                    "reason", message: Message("app.registration.unknownReason", ["reason": "\(raw.prefix(40))"]))
            ])
        }
        return reason
    }
}

/// A position that passed every check, ready to be kept.
public struct PreparedPosition: Sendable, Hashable {
    public var position: ValidPosition
    public var attachments: [String]
    public var returnAddress: Address
    public var policyVersion: Int

    public init(position: ValidPosition, attachments: [String], returnAddress: Address, policyVersion: Int) {
        self.position = position
        self.attachments = attachments
        self.returnAddress = returnAddress
        self.policyVersion = policyVersion
    }
}

/// An invoice line with what a position's check reads of it.
public struct CheckedLine: Sendable, Hashable {
    /// The line's facts, without claims.
    public var facts: LineFacts
    /// What requests hold of it.
    public var requestClaims: LineClaims
    public var serialised: Bool
    public var deliveredSerials: [String]

    public init(facts: LineFacts, requestClaims: LineClaims, serialised: Bool, deliveredSerials: [String]) {
        self.facts = facts
        self.requestClaims = requestClaims
        self.serialised = serialised
        self.deliveredSerials = deliveredSerials
    }
}

/// The policy version in force and its rules.
public struct PolicyInForce: Sendable, Hashable {
    public var version: Int
    public var policy: Policy

    public init(version: Int, policy: Policy) {
        self.version = version
        self.policy = policy
    }
}

/// A request still open about a line, with the fields that tell its sub-reason.
public struct OpenRequest: Sendable, Hashable {
    public var number: String
    public var fields: [String: JSONValue]

    public init(number: String, fields: [String: JSONValue]) {
        self.number = number
        self.fields = fields
    }
}

/// A company's own address, as imported (its country may be a name).
public struct CompanyAddress: Sendable, Hashable {
    public var street: String?
    public var postcode: String?
    public var city: String?
    public var country: String?

    public init(street: String?, postcode: String?, city: String?, country: String?) {
        self.street = street
        self.postcode = postcode
        self.city = city
        self.country = country
    }
}

/// A stored file as a position's check sees it.
public struct FileFacts: Sendable, Hashable {
    public var companyID: Int?
    public var isImage: Bool

    public init(companyID: Int?, isImage: Bool) {
        self.companyID = companyID
        self.isImage = isImage
    }
}

/// An article found by the code a reseller typed for what arrived instead (wrong delivery).
public struct ReceivedMaterial: Sendable, Hashable {
    public var number: String
    public var unitPrice: Money?

    public init(number: String, unitPrice: Money?) {
        self.number = number
        self.unitPrice = unitPrice
    }
}

/// Whether a line's brand offers advance replacement and its company may use it.
public struct ReplacementTerms: Sendable, Hashable, Decodable {
    public var brandOffers: Bool
    public var companyMayUse: Bool

    public init(brandOffers: Bool, companyMayUse: Bool) {
        self.brandOffers = brandOffers
        self.companyMayUse = companyMayUse
    }

    public func offered(for reason: ReasonID) -> Bool {
        AdvanceReplacement.offered(reason: reason, brandOffers: brandOffers, companyMayUse: companyMayUse)
    }
}
