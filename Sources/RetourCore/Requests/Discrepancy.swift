/// A difference between what arrived and what was requested, found at goods receipt. Kept as data
/// and worded in the reader's language, so that a Dutch reseller never reads English.
public enum Discrepancy: Sendable, Hashable, Codable {
    case quantity(received: Int, requested: Int)
    case serialsNotReceived([String])
    case serialsNotRequested([String])
    case condition(ReceiptCondition, sealed: Bool)
    case late(arrived: CalendarDay, lastDay: CalendarDay, transitDays: Int)

    public var message: Message {
        switch self {
        case .quantity(let received, let requested):
            return Message(
                "receipt.quantityReceivedRequested", ["received": "\(received)", "requested": "\(requested)"])
        case .serialsNotReceived(let serials):
            return Message("receipt.serialsNotReceived", ["serials": "\(serials.joined(separator: ", "))"])
        case .serialsNotRequested(let serials):
            return Message("receipt.serialsNotInTheRequest", ["serials": "\(serials.joined(separator: ", "))"])
        case .condition(let condition, let sealed):
            return Message(
                sealed ? "receipt.conditionOfASealedReturn" : "receipt.condition",
                ["condition": .message(condition.label)])
        case .late(let arrived, let lastDay, let transitDays):
            return Message(
                "receipt.late", ["arrived": .day(arrived), "lastDay": .day(lastDay), "transitDays": "\(transitDays)"])
        }
    }

    /// All differences in one sentence per language.
    public static func summary(_ differences: [Discrepancy]) -> Message {
        Message("receipt.summary", ["differences": .messages(differences.map(\.message), separator: "list.semicolon")])
    }
}

/// What the agent saw when the goods arrived (contract: receipt `condition`).
public enum ReceiptCondition: String, Sendable, Hashable, Codable, CaseIterable {
    case asExpected = "as_expected"
    case opened
    case damaged
    case incomplete
    case otherArticle = "other_article"

    public var label: Message {
        switch self {
        case .asExpected: return Message("receipt.asExpected")
        case .opened: return Message("receipt.opened")
        case .damaged: return Message("receipt.damaged")
        case .incomplete: return Message("receipt.incomplete")
        case .otherArticle: return Message("receipt.otherArticle")
        }
    }
}
