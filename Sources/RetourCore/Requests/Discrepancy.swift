/// A difference between what arrived and what was requested, found at goods receipt. Kept as data
/// and worded in the reader's language, so that a Dutch reseller never reads English.
public enum Discrepancy: Sendable, Hashable, Codable {
    case quantity(received: Int, requested: Int)
    case serialsNotReceived([String])
    case serialsNotRequested([String])
    case condition(ReceiptCondition, sealed: Bool)
    case late(arrived: CalendarDay, lastDay: CalendarDay, transitDays: Int)

    public var message: Message {
        let nl = Language.nl
        let en = Language.en
        switch self {
        case .quantity(let received, let requested):
            return Message(
                nl: "hoeveelheid \(received) ontvangen, \(requested) aangevraagd",
                en: "quantity \(received) received, \(requested) requested")
        case .serialsNotReceived(let serials):
            return Message(
                nl: "serienummers niet ontvangen: \(serials.joined(separator: ", "))",
                en: "serials not received: \(serials.joined(separator: ", "))")
        case .serialsNotRequested(let serials):
            return Message(
                nl: "serienummers niet in de aanvraag: \(serials.joined(separator: ", "))",
                en: "serials not in the request: \(serials.joined(separator: ", "))")
        case .condition(let condition, let sealed):
            let label = condition.label
            return sealed
                ? Message(
                    nl: "staat: \(label.nl); een gesloten retour moet ongeopend en nieuw binnenkomen",
                    en: "condition: \(label.en); a sealed return must arrive unopened and new")
                : Message(nl: "staat: \(label.nl)", en: "condition: \(label.en)")
        case .late(let arrived, let lastDay, let transitDays):
            return Message(
                nl:
                    "ontvangen op \(nl.format(arrived)), na de laatste dag van het RMA-nummer (\(nl.format(lastDay))) plus \(transitDays) dagen transport",
                en:
                    "arrived on \(en.format(arrived)), after the RMA number's last day (\(en.format(lastDay))) plus \(transitDays) transit days"
            )
        }
    }

    /// All differences in one sentence per language.
    public static func summary(_ differences: [Discrepancy]) -> Message {
        Message(
            nl: differences.map(\.message.nl).joined(separator: "; "),
            en: differences.map(\.message.en).joined(separator: "; "))
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
        case .asExpected: return Message(nl: "conform aanvraag", en: "as expected")
        case .opened: return Message(nl: "geopend", en: "opened")
        case .damaged: return Message(nl: "beschadigd", en: "damaged")
        case .incomplete: return Message(nl: "incompleet", en: "incomplete")
        case .otherArticle: return Message(nl: "ander artikel", en: "other article")
        }
    }
}
