import RetourCore

/// What an event of the feed and the webhooks is about: a reseller's request, or one of the
/// distributor's vendor claims. One closed set, kept as its contract name (`request.created`).
public enum EventType: Sendable, Hashable, Codable {
    case request(IntegrationEventKind)
    case vendorClaim(VendorClaimEvent)

    public init?(rawValue: String) {
        if let kind = IntegrationEventKind(rawValue: rawValue) {
            self = .request(kind)
        } else if let event = VendorClaimEvent(rawValue: rawValue) {
            self = .vendorClaim(event)
        } else {
            return nil
        }
    }

    public var rawValue: String {
        switch self {
        case .request(let kind): return kind.rawValue
        case .vendorClaim(let event): return event.rawValue
        }
    }

    /// The types a webhook may listen to: a company's requests for a purchasing department; the
    /// distributor's vendor claims too for the distributor's own.
    public static func listenable(byCompany: Bool) -> [EventType] {
        let requests = IntegrationEventKind.allCases.map(EventType.request)
        return byCompany ? requests : requests + VendorClaimEvent.allCases.map(EventType.vendorClaim)
    }

    // As its contract name: a single string in a column and in JSON.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let type = EventType(rawValue: text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "no event type \(text)")
        }
        self = type
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
