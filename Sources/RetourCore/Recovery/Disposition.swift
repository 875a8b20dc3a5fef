/// What becomes of a unit after goods receipt.
public enum Disposition: String, Sendable, Hashable, Codable, CaseIterable {
    case restock
    case bStock = "b_stock"
    case refurbish
    case returnToVendor = "return_to_vendor"
    case scrap
    case returnToCustomer = "return_to_customer"

    public var label: Message {
        switch self {
        case .restock: return Message("disposition.restock")
        case .bStock: return Message("disposition.bStock")
        case .refurbish: return Message("disposition.refurbish")
        case .returnToVendor: return Message("disposition.returnToVendor")
        case .scrap: return Message("disposition.scrap")
        case .returnToCustomer: return Message("disposition.returnToCustomer")
        }
    }
}

/// The state a unit was found in, graded by the agent.
public enum Grade: String, Sendable, Hashable, Codable, CaseIterable {
    case a
    case b
    case c
    case defective
}

/// What the receipt page proposes for a unit, as data: the first rule that matches the reason's
/// category and the receipt condition wins. A proposal to return goods to the vendor stands only
/// where the vendor takes them back; otherwise the rule's fallback is proposed.
public struct DispositionRule: Sendable, Hashable {
    /// nil: any category.
    public var category: ReasonCategory?
    /// nil: any condition.
    public var condition: ReceiptCondition?
    public var proposal: Disposition
    /// Proposed instead when `proposal` is `returnToVendor` and the vendor refuses the unit.
    public var fallback: Disposition

    public init(
        category: ReasonCategory?, condition: ReceiptCondition?, proposal: Disposition, fallback: Disposition? = nil
    ) {
        self.category = category
        self.condition = condition
        self.proposal = proposal
        self.fallback = fallback ?? proposal
    }
}

public enum DispositionRules {
    public static let table: [DispositionRule] = [
        // Not what was sent: it goes back to whoever sent it.
        DispositionRule(category: nil, condition: .otherArticle, proposal: .returnToCustomer),
        // Broken goods are the manufacturer's to repair or credit.
        DispositionRule(category: .defect, condition: nil, proposal: .returnToVendor, fallback: .refurbish),
        // A commercial return that came back sealed is as good as new.
        DispositionRule(category: .return, condition: .asExpected, proposal: .restock),
        DispositionRule(category: .return, condition: .opened, proposal: .bStock),
        DispositionRule(category: .return, condition: .incomplete, proposal: .refurbish),
        DispositionRule(category: .return, condition: .damaged, proposal: .returnToVendor, fallback: .scrap),
        DispositionRule(category: .claim, condition: .asExpected, proposal: .restock),
        DispositionRule(category: .claim, condition: .damaged, proposal: .scrap),
        DispositionRule(category: nil, condition: nil, proposal: .bStock),
    ]

    /// The disposition proposed for a unit of `reason` received in `condition` (nil: not yet noted).
    public static func propose(
        reason: ReasonID, condition: ReceiptCondition?, vendorTakesIt: Bool, table: [DispositionRule] = table
    ) -> Disposition {
        let category = Reason.named(reason).category
        let rule = table.first {
            ($0.category == nil || $0.category == category)
                && ($0.condition == nil || $0.condition == (condition ?? .asExpected))
        }
        guard let rule else { return .bStock }
        if rule.proposal == .returnToVendor && !vendorTakesIt { return rule.fallback }
        return rule.proposal
    }

    /// The grade a unit usually has after such a receipt.
    public static func proposedGrade(reason: ReasonID, condition: ReceiptCondition?) -> Grade {
        if Reason.named(reason).category == .defect { return .defective }
        switch condition ?? .asExpected {
        case .asExpected: return .a
        case .opened: return .b
        case .incomplete, .otherArticle: return .c
        case .damaged: return .defective
        }
    }
}
