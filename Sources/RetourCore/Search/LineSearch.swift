/// The eight numbers a reseller can search by (rulebook §2), named as in the API contract.
public enum NumberType: String, CaseIterable, Sendable, Codable {
    case invoice
    case customerOrder = "customer_order"
    case manufacturerModel = "manufacturer_model"
    case ean
    case deliveryNote = "delivery_note"
    case order
    case serial
    case article
}

/// The document a result is grouped by, and whose date the period filters on.
public enum DocumentKind: String, CaseIterable, Sendable, Codable {
    case invoice
    case deliveryNote = "delivery_note"
    case order
}

/// The period choices of the search bar.
public enum Period: String, CaseIterable, Sendable, Codable {
    case today
    case oneWeek = "1w"
    case twoWeeks = "2w"
    case oneMonth = "1m"
    case twoMonths = "2m"

    public static let `default` = Period.oneWeek

    /// The inclusive range of document dates this period covers, seen from `today`.
    public func range(endingOn today: CalendarDay) -> ClosedRange<CalendarDay> {
        switch self {
        case .today: return today...today
        case .oneWeek: return today.adding(days: -7)...today
        case .twoWeeks: return today.adding(days: -14)...today
        case .oneMonth: return today.adding(months: -1)...today
        case .twoMonths: return today.adding(months: -2)...today
        }
    }
}

/// A validated search for invoice lines.
public struct LineSearch: Hashable, Sendable {
    public var dates: ClosedRange<CalendarDay>?
    public var number: String?
    public var numberType: NumberType?
    public var kind: DocumentKind
    public var page: Int
    public var per: Int

    public static let defaultPer = 50
    public static let maximumPer = 500
    public static let maximumNumberLength = 64

    public var offset: Int { (page - 1) * per }

    public init(
        dates: ClosedRange<CalendarDay>?, number: String?, numberType: NumberType?, kind: DocumentKind, page: Int,
        per: Int
    ) {
        self.dates = dates
        self.number = number
        self.numberType = numberType
        self.kind = kind
        self.page = page
        self.per = per
    }
}

/// The raw, untrusted parameters of a search, as they come from a form or a query string.
public struct LineSearchInput: Sendable {
    public var period: String?
    public var from: String?
    public var to: String?
    public var number: String?
    public var numberType: String?
    public var kind: String?
    public var page: String?
    public var per: String?

    public init(
        period: String? = nil, from: String? = nil, to: String? = nil, number: String? = nil,
        numberType: String? = nil, kind: String? = nil, page: String? = nil, per: String? = nil
    ) {
        self.period = period
        self.from = from
        self.to = to
        self.number = number
        self.numberType = numberType
        self.kind = kind
        self.page = page
        self.per = per
    }

    /// Checks every parameter and returns the search, or every problem at once.
    /// A search by number ignores the period unless one is given; a search with neither covers
    /// the last week (API contract, "Finding lines").
    public func validated(today: CalendarDay) -> Result<LineSearch, ValidationErrors> {
        var errors: [FieldError] = []
        func blankToNil(_ text: String?) -> String? {
            guard let trimmed = text?.trimmingWhitespace(), !trimmed.isEmpty else { return nil }
            return trimmed
        }

        let number = blankToNil(number)
        if let number, number.count > LineSearch.maximumNumberLength {
            errors.append(
                FieldError(
                    "number",
                    message: Message(
                        "search.aNumberHasAtMostCharacters",
                        ["maximumNumberLength": "\(LineSearch.maximumNumberLength)"])))
        }

        var numberType: NumberType?
        if let raw = blankToNil(self.numberType) {
            numberType = NumberType(rawValue: raw)
            if numberType == nil {
                errors.append(
                    FieldError(
                        "numberType",
                        message: Message("search.unknownKindOfNumberChooseOne", ["kind": "\(raw.prefix(40))"])))
            }
        } else if number != nil {
            errors.append(
                FieldError(
                    "numberType", message: Message("search.chooseUnderSearchByWhatKind")))
        }

        var kind = DocumentKind.invoice
        if let raw = blankToNil(self.kind) {
            if let parsed = DocumentKind(rawValue: raw) {
                kind = parsed
            } else {
                errors.append(
                    FieldError(
                        "kind", message: Message("search.theFilterMustBeInvoiceDelivery")))
            }
        }

        var dates: ClosedRange<CalendarDay>?
        let from = blankToNil(self.from)
        let to = blankToNil(self.to)
        let rawPeriod = blankToNil(period)
        if rawPeriod == "custom" || (rawPeriod == nil && (from != nil || to != nil)) {
            var fromDay: CalendarDay?
            var toDay: CalendarDay?
            if let from {
                fromDay = CalendarDay(iso: from)
                if fromDay == nil {
                    errors.append(
                        FieldError("from", message: Message("search.fromIsNotAValidDate")))
                }
            } else {
                errors.append(FieldError("from", message: Message("search.enterAStartDate")))
            }
            if let to {
                toDay = CalendarDay(iso: to)
                if toDay == nil {
                    errors.append(
                        FieldError("to", message: Message("search.toIsNotAValidDate")))
                }
            } else {
                errors.append(FieldError("to", message: Message("search.enterAnEndDate")))
            }
            if let fromDay, let toDay {
                if toDay < fromDay {
                    errors.append(
                        FieldError(
                            "to", message: Message("search.theEndDateIsBeforeThe")))
                } else {
                    dates = fromDay...toDay
                }
            }
        } else if let rawPeriod {
            // Dates sent along with a period are not used, but they must still be dates.
            if let from, CalendarDay(iso: from) == nil {
                errors.append(FieldError("from", message: Message("search.fromIsNotAValidDate")))
            }
            if let to, CalendarDay(iso: to) == nil {
                errors.append(FieldError("to", message: Message("search.toIsNotAValidDate")))
            }
            if let period = Period(rawValue: rawPeriod) {
                dates = period.range(endingOn: today)
            } else {
                errors.append(
                    FieldError(
                        "period",
                        message: Message("search.unknownPeriodChooseToday1Week")))
            }
        } else if number == nil {
            dates = Period.default.range(endingOn: today)
        }

        let page = parsePositive(self.page, field: "page", default: 1, maximum: 1_000_000, errors: &errors)
        let per = parsePositive(
            self.per, field: "per", default: LineSearch.defaultPer, maximum: LineSearch.maximumPer, errors: &errors)

        guard errors.isEmpty else { return .failure(ValidationErrors(errors)) }
        return .success(
            LineSearch(
                dates: dates, number: number, numberType: number == nil ? nil : numberType, kind: kind, page: page,
                per: per))
    }

    private func parsePositive(
        _ raw: String?, field: String, default value: Int, maximum: Int, errors: inout [FieldError]
    ) -> Int {
        guard let raw = raw?.trimmingWhitespace(), !raw.isEmpty else { return value }
        guard let number = Int(raw), number >= 1, number <= maximum else {
            errors.append(
                FieldError(
                    field,
                    message: Message("search.mustBeAWholeNumberFrom", ["field": "\(field)", "maximum": "\(maximum)"])))
            return value
        }
        return number
    }
}

/// Every problem found in one input.
public struct ValidationErrors: Error, Sendable, Hashable {
    public let errors: [FieldError]
    public init(_ errors: [FieldError]) { self.errors = errors }

    public func messages(for field: String) -> [Message] {
        errors.filter { $0.field == field }.map(\.message)
    }
}

extension String {
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[first...last])
    }
}
