/// Where a vendor claim stands: collecting units, sent to the manufacturer, (partly) paid, or closed.
public enum VendorClaimStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case open
    case sent
    case partiallyCredited = "partially_credited"
    case settled
    case writtenOff = "written_off"

    /// Units may still join or leave the claim, and their disposition may change.
    public var collects: Bool { self == .open }
    /// The manufacturer still owes something.
    public var awaitsCredit: Bool { self == .sent || self == .partiallyCredited }
    public var isClosed: Bool { self == .settled || self == .writtenOff }

    public var label: Message {
        switch self {
        case .open: return Message("vendorClaim.status.open")
        case .sent: return Message("vendorClaim.status.sent")
        case .partiallyCredited: return Message("vendorClaim.status.partiallyCredited")
        case .settled: return Message("vendorClaim.status.settled")
        case .writtenOff: return Message("vendorClaim.status.writtenOff")
        }
    }
}

/// The lists of claims an agent works from.
public enum VendorClaimList: String, Sendable, Hashable, CaseIterable {
    case open
    case sent
    case settled

    public var statuses: [VendorClaimStatus] {
        switch self {
        case .open: return [.open]
        case .sent: return [.sent, .partiallyCredited]
        case .settled: return [.settled, .writtenOff]
        }
    }
}

/// A step on a vendor claim and what it leads to, decided on the claim as stored.
public enum VendorClaimStep: Sendable, Hashable {
    case send
    case credit(Money)
    case writeOff

    /// The status after the step, or why it cannot be taken now.
    public func next(from status: VendorClaimStatus, units: Int, expected: Money, received: Money) -> Result<
        VendorClaimStatus, VendorClaimRefusal
    > {
        switch self {
        case .send:
            guard status == .open else { return .failure(.notOpen(status)) }
            guard units > 0 else { return .failure(.noUnits) }
            return .success(.sent)
        case .credit(let amount):
            guard status.awaitsCredit else { return .failure(.notAwaitingCredit(status)) }
            guard amount > .zero else { return .failure(.amountNotPositive) }
            guard let total = try? received + amount else { return .failure(.amountNotPositive) }
            return .success(total >= expected ? .settled : .partiallyCredited)
        case .writeOff:
            guard !status.isClosed else { return .failure(.closed(status)) }
            return .success(.writtenOff)
        }
    }
}

public enum VendorClaimRefusal: Error, Sendable, Hashable {
    case notOpen(VendorClaimStatus)
    case noUnits
    case notAwaitingCredit(VendorClaimStatus)
    case amountNotPositive
    case closed(VendorClaimStatus)

    public var message: Message {
        switch self {
        case .notOpen(let status):
            return Message("vendorClaim.refused.notOpen", ["status": .message(status.label)])
        case .noUnits: return Message("vendorClaim.refused.noUnits")
        case .notAwaitingCredit(let status):
            return Message("vendorClaim.refused.notAwaitingCredit", ["status": .message(status.label)])
        case .amountNotPositive: return Message("vendorClaim.refused.amountNotPositive")
        case .closed(let status):
            return Message("vendorClaim.refused.closed", ["status": .message(status.label)])
        }
    }

    /// A wrong amount is the input's fault; the rest clash with the claim as it stands.
    public var isInputError: Bool { self == .amountNotPositive }
}

public enum VendorClaimNumbers {
    /// "VC-000042": a claim's number shows its kind, like a request's.
    public static func number(sequence: Int64) -> String {
        let text = String(sequence)
        return "VC-" + String(repeating: "0", count: max(0, 6 - text.count)) + text
    }
}
