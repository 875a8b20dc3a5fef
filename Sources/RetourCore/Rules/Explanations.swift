extension Verdict {
    /// Why the reason is refused, with the reason to use instead, in both languages; nil when enabled.
    public var explanation: Message? {
        guard let refusal else { return nil }
        let base = refusal.message
        guard let alternative else { return base }
        return Message(
            "refusal.withAlternative",
            ["refusal": .message(base), "alternative": .message(Reason.named(alternative).label)])
    }
}

extension EligibilityRefusal {
    public var message: Message {
        switch self {
        case .windowEnded(let days, let day):
            return Message("refusal.windowEnded", ["days": "\(days)", "day": .day(day)])
        case .warrantyEnded(let months, let day):
            return Message("refusal.warrantyEnded", ["months": "\(months)", "day": .day(day)])
        case .brandHasNoDOA(let brand):
            return Message("refusal.hasNoDoaArrangementSoDoa", ["brand": "\(brand)"])
        case .doaEnded(let days, let day):
            return Message("refusal.doaEnded", ["days": "\(days)", "day": .day(day)])
        case .valueOutsideLimits(let unitPrice, let claimable, let minimum, let maximum):
            let value = (try? unitPrice * claimable) ?? unitPrice
            var limits: [Message] = []
            if let minimum { limits.append(Message("refusal.limit.minimum", ["amount": .money(minimum)])) }
            if let maximum { limits.append(Message("refusal.limit.maximum", ["amount": .money(maximum)])) }
            // "1 stuk", "2 stuks".
            return Message(
                claimable == 1 ? "refusal.valueOutsideLimits.one" : "refusal.valueOutsideLimits",
                [
                    "limits": .messages(limits, separator: "refusal.limit.and"), "unitPrice": .money(unitPrice),
                    "claimable": "\(claimable)", "value": .money(value),
                ])
        case .excludedKind(let kind):
            // "Software is", "3D-printers zijn": the verb agrees with the noun, in each language's text.
            switch kind {
            case .software: return Message("refusal.excluded.software")
            case .threeDPrinter: return Message("refusal.excluded.threeDPrinter")
            case .licence: return Message("refusal.excluded.licence")
            case .hardware: return Message("refusal.excluded.hardware")
            }
        case .specialOrder:
            return Message("refusal.thisArticleWasOrderedSpeciallyFor")
        case .notReturnable:
            return Message("refusal.thisArticleIsExcludedFromReturns")
        case .licenceArticle:
            return Message("refusal.forLicencesOnlyLicenceReturnOr")
        case .notALicence:
            return Message("refusal.licenceReturnIsOnlyPossibleFor")
        case .fullyClaimed(let quantity, let holder):
            let by = holder.map { ": \($0)" } ?? "."
            return Message("refusal.theFullQuantityOfThisLine", ["quantity": "\(quantity)", "by": "\(by)"])
        }
    }
}
