/// Where a replacement sent ahead of the defective unit's return stands.
public enum ReplacementStatus: String, Sendable, Hashable, Codable, CaseIterable {
    case waitingApproval = "waiting_approval"
    case toShip = "to_ship"
    case shipped
    case returned
    case charged

    public var label: Message {
        switch self {
        case .waitingApproval: return Message("replacement.status.waitingApproval")
        case .toShip: return Message("replacement.status.toShip")
        case .shipped: return Message("replacement.status.shipped")
        case .returned: return Message("replacement.status.returned")
        case .charged: return Message("replacement.status.charged")
        }
    }
}

/// Advance replacement ("advance swap"): for a defect or a DOA of a brand that offers it, the
/// reseller gets a replacement before the broken unit comes back, and pays for it if the unit does
/// not come back in time.
public enum AdvanceReplacement {
    public static let reasons: Set<ReasonID> = [.defect, .doa]
    /// The position's field that asks for it (`fields.advanceReplacement: true`).
    public static let field = "advanceReplacement"
    public static let defaultReturnDays = 14
    public static let reminderDaysBefore = 3

    public static func offered(reason: ReasonID, brandOffers: Bool, companyMayUse: Bool) -> Bool {
        reasons.contains(reason) && brandOffers && companyMayUse
    }

    /// The replacement ships on the next working day (Monday to Friday) after approval.
    public static func shipBy(approvedOn day: CalendarDay) -> CalendarDay {
        var next = day.adding(days: 1)
        while next.weekday >= 5 { next = next.adding(days: 1) }
        return next
    }

    /// What the worker does about a shipped replacement on `today`.
    public enum Due: Sendable, Hashable {
        case remind
        case charge
    }

    public static func due(
        status: ReplacementStatus, returnBy: CalendarDay?, reminded: Bool, today: CalendarDay
    ) -> Due? {
        guard status == .shipped, let returnBy else { return nil }
        if today > returnBy { return .charge }
        if !reminded && today >= returnBy.adding(days: -reminderDaysBefore) { return .remind }
        return nil
    }
}

extension CalendarDay {
    /// 0 for Monday … 6 for Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { ((dayNumber % 7) + 7 + 3) % 7 }
}
