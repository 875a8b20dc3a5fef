/// A company's four-eyes rule for submitting (`companies[].submitApproval`): a submission by a user
/// without the right `approve` waits for a colleague who has it — always, or above an amount.
public enum SubmitApproval: Sendable, Hashable {
    case none
    case always
    case aboveAmount(Money)

    /// The names of the contract.
    public enum Kind: String, CaseIterable, Sendable, Codable {
        case none
        case always
        case aboveAmount = "above_amount"
    }

    public var kind: Kind {
        switch self {
        case .none: return .none
        case .always: return .always
        case .aboveAmount: return .aboveAmount
        }
    }

    public var amount: Money? {
        if case .aboveAmount(let amount) = self { return amount }
        return nil
    }

    /// The stored or imported pair; an `above_amount` without an amount is no rule.
    public init?(kind: Kind, amount: Money?) {
        switch kind {
        case .none: self = .none
        case .always: self = .always
        case .aboveAmount:
            guard let amount, amount.cents >= 0 else { return nil }
            self = .aboveAmount(amount)
        }
    }

    /// Whether a submission of `amount` by a user holding `rights` waits for a second person.
    public func requiresApproval(of amount: Money, by rights: Set<UserRight>) -> Bool {
        guard !rights.contains(.approve) else { return false }
        switch self {
        case .none: return false
        case .always: return true
        case .aboveAmount(let limit): return amount > limit
        }
    }

    /// Who may decide on a waiting submission: a colleague of the same company holding `approve`,
    /// never the submitter (that would be one pair of eyes).
    public static func mayDecide(
        approverID: Int, approverCompany: Int?, approverRights: Set<UserRight>, submitterID: Int, company: Int
    ) -> Bool {
        approverRights.contains(.approve) && approverCompany == company && approverID != submitterID
    }
}

/// Where a waiting submission stands.
public enum ApprovalStatus: String, CaseIterable, Sendable, Codable {
    case waiting
    case approved
    case rejected
}
