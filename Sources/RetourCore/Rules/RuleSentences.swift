/// The rules of a reason as the manual states them, read from the policy in force — shown up front
/// on the registration page and in the reason's help, not only when a reason is refused.
public enum RuleSentences {
    public static func of(_ reason: ReasonID, policy: Policy) -> [Message] {
        let rules = policy[reason]
        var sentences: [Message] = []
        if case .days(let days) = rules.window, reason.holdsGoods {
            sentences.append(
                Message(
                    nl: "Dit kan binnen \(days) kalenderdagen na de factuurdatum.",
                    en: "This is possible within \(days) calendar days of the invoice date."))
        }
        switch (rules.minimumValue, rules.maximumValue) {
        case (let minimum?, let maximum?):
            sentences.append(
                Message(
                    nl:
                        "Het te retourneren bedrag mag niet lager zijn dan € \(euros(minimum, .nl)) en niet hoger dan € \(euros(maximum, .nl)).",
                    en:
                        "The return value must be at least € \(euros(minimum, .en)) and at most € \(euros(maximum, .en))."
                ))
        case (let minimum?, nil):
            sentences.append(
                Message(
                    nl: "Het te retourneren bedrag mag niet lager zijn dan € \(euros(minimum, .nl)).",
                    en: "The return value must be at least € \(euros(minimum, .en))."))
        case (nil, let maximum?):
            sentences.append(
                Message(
                    nl: "Het te retourneren bedrag mag niet hoger zijn dan € \(euros(maximum, .nl)).",
                    en: "The return value must be at most € \(euros(maximum, .en))."))
        case (nil, nil): break
        }
        var excluded: [Message] = []
        if rules.excludedKinds.contains(.software) { excluded.append(Message(nl: "software", en: "software")) }
        if rules.excludedKinds.contains(.threeDPrinter) {
            excluded.append(Message(nl: "3D-printers", en: "3D printers"))
        }
        if rules.excludeSpecialOrders {
            excluded.append(
                Message(nl: "artikelen die speciaal voor u besteld zijn", en: "articles ordered specially for you"))
        }
        if !excluded.isEmpty {
            sentences.append(
                Message(
                    nl: "Sommige artikelen zijn uitgesloten: \(excluded.map(\.nl).joined(separator: ", ")).",
                    en: "Some articles are excluded: \(excluded.map(\.en).joined(separator: ", "))."))
        }
        switch reason {
        case .commercialReturn, .wronglyOrdered:
            sentences.append(
                Message(
                    nl: "De artikelen moeten 100% gesloten en nieuw zijn.",
                    en: "The articles must be 100% sealed and new."))
        case .buyback:
            sentences.append(
                Message(
                    nl: "De goederen moeten dan dus nog wel steeds 100% nieuw zijn.",
                    en: "The goods must still be 100% new."))
        default: break
        }
        if let fee = rules.returnFeeBasisPoints, fee > 0 {
            let percent = fee % 100 == 0 ? "\(fee / 100)" : "\(fee / 100),\(fee % 100 < 10 ? "0" : "")\(fee % 100)"
            sentences.append(
                Message(
                    nl: "Er wordt \(percent)% retourkosten in rekening gebracht.",
                    en: "A return fee of \(percent.replacingAll(",", with: "."))% is charged."))
        }
        return sentences
    }

    /// "25,-" / "2000,-" as the manual writes whole euros; cents where there are any.
    private static func euros(_ money: Money, _ language: Language) -> String {
        let cents = money.cents % 100
        let whole = money.cents / 100
        if cents == 0 { return language == .nl ? "\(whole),-" : "\(whole)" }
        let formatted = language.format(money)
        return formatted.hasSuffix(" EUR") ? String(formatted.dropLast(4)) : formatted
    }
}
