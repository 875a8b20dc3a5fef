/// The statuses of a request, named as in the API contract.
public enum RequestStatus: String, CaseIterable, Sendable, Codable {
    case inReview = "in_review"
    case approved
    case awaitingGoods = "awaiting_goods"
    case expired
    case received
    case rejected
    case credited
    case closed

    /// Open and granted requests hold their quantity and serials; only a rejection frees them.
    /// (An expired RMA number can be renewed, so its goods stay claimed.)
    public var holdsClaim: Bool { self != .rejected }

    public var isOpen: Bool { self != .closed && self != .rejected }

    public static let holdingClaims: [RequestStatus] = allCases.filter(\.holdsClaim)

    /// The first status of a request with this outcome: goods that ship directly are awaited at
    /// once (with an RMA number); everything else waits for review.
    public static func initial(for outcome: Outcome) -> RequestStatus {
        outcome == .shipDirectly ? .awaitingGoods : .inReview
    }
}

public enum RequestNumbers {
    /// Days an RMA number stays valid [manual: 5].
    public static let rmaValidityDays = 5

    /// "RMA, retour of claimnummer" [manual]: the number shows its kind, and only RMA numbers (the
    /// number for the box) begin with "RMA" (rulebook §4.4).
    public static func requestNumber(category: ReasonCategory, sequence: Int64) -> String {
        let prefix =
            switch category {
            case .defect: "DEF"
            case .return: "RET"
            case .claim: "CLM"
            }
        return "\(prefix)-\(padded(sequence, 7))"
    }

    public static func rmaNumber(sequence: Int64) -> String { "RMA\(padded(sequence, 8))" }

    private static func padded(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return String(repeating: "0", count: max(0, width - text.count)) + text
    }
}

extension Outcome {
    /// Shown on every confirmation [manual].
    public static let noEntitlement = Message("status.theRmaReturnOrClaimNumber")
}
