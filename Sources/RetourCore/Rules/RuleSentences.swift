/// The rules of a reason as the manual states them, read from the policy in force — shown up front
/// on the registration page and in the reason's help, not only when a reason is refused.
public enum RuleSentences {
    public static func of(_ reason: ReasonID, policy: Policy) -> [Message] {
        let rules = policy[reason]
        var sentences: [Message] = []
        if case .days(let days) = rules.window, reason.holdsGoods {
            sentences.append(
                Message("rule.thisIsPossibleWithinCalendarDays", ["days": "\(days)"]))
        }
        switch (rules.minimumValue, rules.maximumValue) {
        case (let minimum?, let maximum?):
            sentences.append(Message("rule.valueBetween", ["minimum": .euros(minimum), "maximum": .euros(maximum)]))
        case (let minimum?, nil):
            sentences.append(Message("rule.valueAtLeast", ["minimum": .euros(minimum)]))
        case (nil, let maximum?):
            sentences.append(Message("rule.valueAtMost", ["maximum": .euros(maximum)]))
        case (nil, nil): break
        }
        var excluded: [Message] = []
        if rules.excludedKinds.contains(.software) { excluded.append(Message("rule.software")) }
        if rules.excludedKinds.contains(.threeDPrinter) {
            excluded.append(Message("rule.3dPrinters"))
        }
        if rules.excludeSpecialOrders {
            excluded.append(
                Message("rule.articlesOrderedSpeciallyForYou"))
        }
        if !excluded.isEmpty {
            sentences.append(Message("rule.someExcluded", ["articles": .messages(excluded, separator: "list.comma")]))
        }
        sentences += Reason.named(reason).rules
        if let fee = rules.returnFeeBasisPoints, fee > 0 {
            sentences.append(Message("rule.returnFee", ["percent": .percent(basisPoints: fee)]))
        }
        return sentences
    }
}
