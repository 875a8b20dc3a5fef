/// How a draft policy would change the decisions for a set of lines, per reason.
public struct WhatIfResult: Sendable, Hashable {
    public struct Change: Sendable, Hashable {
        public var reason: ReasonID
        public var allowedToRefused: Int
        public var refusedToAllowed: Int
        /// A few of the lines that change, as positions in the compared lines, to show as examples.
        public var examples: [Int] = []
    }

    /// How many example lines a change keeps.
    public static let examplesPerChange = 3

    public var lines: Int
    public var changes: [Change]
}

public enum WhatIf {
    public static func compare(_ lines: [LineFacts], current: Policy, draft: Policy, today: CalendarDay) -> WhatIfResult
    {
        var allowedToRefused = [Int](repeating: 0, count: ReasonID.allCases.count)
        var refusedToAllowed = allowedToRefused
        var examples = [[Int]](repeating: [], count: ReasonID.allCases.count)
        for (position, line) in lines.enumerated() {
            let before = Eligibility.evaluate(line, policy: current, today: today)
            let after = Eligibility.evaluate(line, policy: draft, today: today)
            for index in before.indices where before[index].enabled != after[index].enabled {
                if before[index].enabled { allowedToRefused[index] += 1 } else { refusedToAllowed[index] += 1 }
                if examples[index].count < WhatIfResult.examplesPerChange { examples[index].append(position) }
            }
        }
        let changes = ReasonID.allCases.enumerated().map { index, reason in
            WhatIfResult.Change(
                reason: reason, allowedToRefused: allowedToRefused[index], refusedToAllowed: refusedToAllowed[index],
                examples: examples[index])
        }
        return WhatIfResult(lines: lines.count, changes: changes)
    }
}

/// Reads a policy from the administrator's form: one field per value, amounts and percentages
/// as typed ("25,00", "0,5"), blanks meaning "none".
public enum PolicyForm {
    public static func fieldName(_ field: String, _ reason: ReasonID) -> String { "\(field)_\(reason.rawValue)" }

    /// The values of `policy` as the form shows them; amounts and percentages with the decimal comma
    /// where the reader writes one (`language`), read back either way.
    public static func fields(of policy: Policy, language: Language = .en) -> [String: String] {
        let decimal = language.decimal
        var fields: [String: String] = [
            "defaultWarrantyMonths": String(policy.defaultWarrantyMonths), "doaStart": policy.doaStart.rawValue,
            "archiveAfterDays": String(policy.archiveDays), "cartWarningDays": String(policy.cartWarning),
            "transitGraceDays": String(policy.transitGrace),
        ]
        for reason in ReasonID.allCases {
            let rules = policy[reason]
            if case .days(let days) = rules.window { fields[fieldName("window", reason)] = String(days) }
            fields[fieldName("min", reason)] = rules.minimumValue.map(decimal) ?? ""
            fields[fieldName("max", reason)] = rules.maximumValue.map(decimal) ?? ""
            fields[fieldName("keep", reason)] =
                rules.keepDiscountBasisPoints.map { decimal(Money(cents: Int64($0))) } ?? ""
            fields[fieldName("fee", reason)] =
                rules.returnFeeBasisPoints.map { decimal(Money(cents: Int64($0))) } ?? ""
            fields[fieldName("images", reason)] = String(rules.requiredImages)
            fields[fieldName("target", reason)] = String(rules.reviewTarget)
        }
        return fields
    }

    /// A policy from `fields`, starting from `base` for what the form does not carry (exclusions,
    /// licence rules), or every problem at once.
    public static func parse(_ fields: [String: String], base: Policy) -> Result<Policy, ValidationErrors> {
        var policy = base
        var errors: [FieldError] = []
        func text(_ name: String) -> String {
            (fields[name] ?? "").trimmingWhitespace().replacingAll(",", with: ".")
        }
        func amount(_ name: String) -> Money?? {
            let raw = text(name)
            if raw.isEmpty { return .some(nil) }
            guard let money = Money(decimal: raw), money.cents >= 0 else {
                errors.append(
                    FieldError(name, message: Message("policy.enterAnAmountLike2500")))
                return nil
            }
            return .some(money)
        }
        func percentage(_ name: String) -> Int?? {
            guard let value = amount(name) else { return nil }
            guard let value else { return .some(nil) }
            guard value.cents <= 10_000 else {
                errors.append(
                    FieldError(
                        name, message: Message("policy.aPercentageLiesBetween0And")))
                return nil
            }
            return .some(Int(value.cents))
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) -> Int? {
            guard let value = Int(text(name)), range.contains(value) else {
                errors.append(
                    FieldError(
                        name,
                        message: Message(
                            "policy.enterAWholeNumberFromTo",
                            ["lowerBound": "\(range.lowerBound)", "upperBound": "\(range.upperBound)"])))
                return nil
            }
            return value
        }

        if let months = integer("defaultWarrantyMonths", 1...240) { policy.defaultWarrantyMonths = months }
        if let days = integer("archiveAfterDays", 1...3650) { policy.archiveAfterDays = days }
        if let days = integer("cartWarningDays", 0...60) { policy.cartWarningDays = days }
        if let days = integer("transitGraceDays", 0...60) { policy.transitGraceDays = days }
        if let start = DOAStart(rawValue: text("doaStart")) {
            policy.doaStart = start
        } else {
            errors.append(
                FieldError(
                    "doaStart", message: Message("policy.chooseInvoiceDateOrDeliveryDate")))
        }
        for reason in ReasonID.allCases {
            var rules = policy[reason]
            if case .days = rules.window, let days = integer(fieldName("window", reason), 0...3650) {
                rules.window = .days(days)
            }
            if let minimum = amount(fieldName("min", reason)) { rules.minimumValue = minimum }
            if let maximum = amount(fieldName("max", reason)) { rules.maximumValue = maximum }
            if let keep = percentage(fieldName("keep", reason)) { rules.keepDiscountBasisPoints = keep }
            if let fee = percentage(fieldName("fee", reason)) { rules.returnFeeBasisPoints = fee }
            if let images = integer(fieldName("images", reason), 0...20) { rules.requiredImages = images }
            if let target = integer(fieldName("target", reason), 1...60) { rules.reviewTargetWorkingDays = target }
            if let minimum = rules.minimumValue, let maximum = rules.maximumValue, minimum > maximum {
                errors.append(
                    FieldError(
                        fieldName("max", reason), message: Message("policy.theMaximumIsBelowTheMinimum")))
            }
            policy.reasons[reason] = rules
        }
        return errors.isEmpty ? .success(policy) : .failure(ValidationErrors(errors))
    }
}
