extension Verdict {
    /// Why the reason is refused, with the reason to use instead, in both languages; nil when enabled.
    public var explanation: Message? {
        guard let refusal else { return nil }
        let base = refusal.message
        guard let alternative else { return base }
        let label = Reason.named(alternative).label
        return Message(
            nl: base.nl + " U kunt kiezen voor \(label.nl).", en: base.en + " You can choose \(label.en) instead.")
    }
}

extension Refusal {
    public var message: Message {
        let nl = Language.nl
        let en = Language.en
        switch self {
        case .windowEnded(let days, let day):
            return Message(
                nl:
                    "Deze reden kan tot \(days) kalenderdagen na de factuurdatum; die termijn is verlopen op \(nl.format(day)).",
                en:
                    "This reason is open until \(days) calendar days after the invoice date; that period ended on \(en.format(day))."
            )
        case .warrantyEnded(let months, let day):
            return Message(
                nl: "De garantietermijn van \(months) maanden is verlopen op \(nl.format(day)).",
                en: "The warranty of \(months) months ended on \(en.format(day)).")
        case .brandHasNoDOA(let brand):
            return Message(
                nl:
                    "\(brand) heeft geen DOA-regeling. Indien een leverancier geen DOA regeling heeft kunt u DOA niet selecteren.",
                en: "\(brand) has no DOA arrangement, so DOA cannot be selected.")
        case .doaEnded(let days, let day):
            return Message(
                nl: "De DOA-termijn van \(days) dagen is verlopen op \(nl.format(day)).",
                en: "The DOA period of \(days) days ended on \(en.format(day)).")
        case .valueOutsideLimits(let unitPrice, let claimable, let minimum, let maximum):
            let value = (try? unitPrice * claimable) ?? unitPrice
            var nlLimits: [String] = []
            var enLimits: [String] = []
            if let minimum {
                nlLimits.append("niet lager dan \(nl.format(minimum))")
                enLimits.append("at least \(en.format(minimum))")
            }
            if let maximum {
                nlLimits.append("niet hoger dan \(nl.format(maximum))")
                enLimits.append("at most \(en.format(maximum))")
            }
            return Message(
                nl:
                    "Het te retourneren bedrag moet \(nlLimits.joined(separator: " en ")) zijn; deze regel is \(nl.format(unitPrice)) per stuk (\(claimable) stuks: \(nl.format(value))).",
                en:
                    "The return value must be \(enLimits.joined(separator: " and ")); this line is \(en.format(unitPrice)) each (\(claimable) pieces: \(en.format(value)))."
            )
        case .excludedKind(let kind):
            // "Software is", "3D-printers zijn": the verb agrees with the noun.
            let (nlKind, enKind): (String, String) =
                switch kind {
                case .software: ("Software is", "Software is")
                case .threeDPrinter: ("3D-printers zijn", "3D printers are")
                case .licence: ("Licenties zijn", "Licences are")
                case .hardware: ("Deze artikelen zijn", "These articles are")
                }
            return Message(nl: "\(nlKind) uitgesloten voor deze reden.", en: "\(enKind) excluded from this reason.")
        case .specialOrder:
            return Message(
                nl: "Dit artikel is speciaal voor u besteld en is uitgesloten voor retour.",
                en: "This article was ordered specially for you and is excluded from returns.")
        case .notReturnable:
            return Message(
                nl: "Dit artikel is uitgesloten voor retour.", en: "This article is excluded from returns.")
        case .licenceArticle:
            return Message(
                nl: "Voor licenties kunt u alleen Licentie retour of Verkeerde facturering kiezen.",
                en: "For licences, only Licence return or Wrong invoicing can be chosen.")
        case .notALicence:
            return Message(
                nl: "Licentie retour is alleen mogelijk voor licenties.",
                en: "Licence return is only possible for licences.")
        case .fullyClaimed(let quantity, let holder):
            let by = holder.map { ": \($0)" } ?? "."
            return Message(
                nl: "De volledige hoeveelheid (\(quantity)) van deze regel is al aangevraagd\(by)",
                en: "The full quantity (\(quantity)) of this line has already been claimed\(by)")
        }
    }
}
