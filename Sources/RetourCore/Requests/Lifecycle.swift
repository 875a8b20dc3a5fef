/// Who acts on a request.
public enum Actor: String, Sendable, Codable, CaseIterable {
    case reseller
    case agent
    case system
}

/// Everything that can happen to a request.
public enum RequestAction: String, Sendable, Codable, CaseIterable {
    case approve
    case reject
    case requestInfo = "request_info"
    case message
    case receive
    case credit
    case close
    case expire
    case extend
}

extension RequestAction {
    /// What an agent may decide on a request in review.
    public static let decisions: [RequestAction] = [.approve, .reject, .requestInfo]

    /// A rejection or a question tells the reseller why.
    public var needsMessage: Bool { self == .reject || self == .requestInfo || self == .message }

    /// The longest message a thread takes.
    public static let messageMaximumLength = 4_000

    /// The action as a reader names it (refusals).
    public var label: Message {
        switch self {
        case .approve: return Message("lifecycle.approving")
        case .reject: return Message("lifecycle.rejecting")
        case .requestInfo: return Message("lifecycle.askingForInformation")
        case .message: return Message("lifecycle.sendingAMessage")
        case .receive: return Message("lifecycle.receivingGoods")
        case .credit: return Message("lifecycle.crediting")
        case .close: return Message("lifecycle.closing")
        case .expire: return Message("lifecycle.expiring")
        case .extend: return Message("lifecycle.renewingTheRmaNumber")
        }
    }
}

extension RequestStatus {
    /// The status as a reader names it.
    public var label: Message {
        switch self {
        case .inReview: return Message("lifecycle.inReview")
        case .approved: return Message("lifecycle.approved")
        case .awaitingGoods: return Message("lifecycle.awaitingGoods")
        case .expired: return Message("lifecycle.rmaNumberExpired")
        case .received: return Message("lifecycle.goodsReceived")
        case .rejected: return Message("lifecycle.rejected")
        case .credited: return Message("lifecycle.credited")
        case .closed: return Message("lifecycle.closed")
        }
    }
}

/// The request lifecycle as an explicit table: from which status an action is allowed, by whom,
/// and where it leads. Every transition is stored as an event with actor, time and message.
public enum Lifecycle {
    public enum Refusal: Error, Sendable, Hashable {
        case notAllowed(action: RequestAction, status: RequestStatus)
        case notYourRole(action: RequestAction, actor: Actor)
        case alreadyExtended

        public var message: Message {
            switch self {
            case .notAllowed(let action, let status):
                return Message(
                    "lifecycle.notAllowed", ["action": .message(action.label), "status": .message(status.label)])
            case .notYourRole(let action, _):
                return Message("lifecycle.notYourRole", ["action": .message(action.label)])
            case .alreadyExtended:
                return Message("lifecycle.youHaveAlreadyRenewedThisRma")
            }
        }
    }

    /// Who may take each action.
    static let actors: [RequestAction: Set<Actor>] = [
        .approve: [.agent], .reject: [.agent], .requestInfo: [.agent], .message: [.agent, .reseller],
        .receive: [.agent], .credit: [.agent], .close: [.agent], .expire: [.system], .extend: [.agent, .reseller],
    ]

    /// The status an action leads to from `status`, or nil when it is not allowed there.
    /// `expectsGoods` decides where an approval goes: goods to come back wait for them.
    public static func target(
        of action: RequestAction, from status: RequestStatus, expectsGoods: Bool
    ) -> RequestStatus? {
        switch (action, status) {
        case (.approve, .inReview): return expectsGoods ? .awaitingGoods : .approved
        case (.reject, .inReview), (.reject, .received), (.reject, .approved): return .rejected
        case (.requestInfo, .inReview): return .inReview
        case (.message, let current) where current != .closed: return current
        case (.receive, .awaitingGoods), (.receive, .expired): return .received
        case (.credit, .approved), (.credit, .received): return .credited
        case (.close, .credited), (.close, .approved), (.close, .received), (.close, .rejected): return .closed
        case (.expire, .awaitingGoods): return .expired
        case (.extend, .expired), (.extend, .awaitingGoods): return .awaitingGoods
        default: return nil
        }
    }

    /// Decides one action: the new status, or why not.
    public static func decide(
        _ action: RequestAction, from status: RequestStatus, by actor: Actor, expectsGoods: Bool,
        resellerExtensions: Int = 0
    ) -> Result<RequestStatus, Refusal> {
        guard actors[action]?.contains(actor) == true else {
            return .failure(.notYourRole(action: action, actor: actor))
        }
        guard let next = target(of: action, from: status, expectsGoods: expectsGoods) else {
            return .failure(.notAllowed(action: action, status: status))
        }
        // A reseller may renew an expired RMA number once; after that only an agent can.
        if action == .extend && actor == .reseller && (resellerExtensions >= 1 || status != .expired) {
            return .failure(resellerExtensions >= 1 ? .alreadyExtended : .notAllowed(action: action, status: status))
        }
        return .success(next)
    }

    /// Whether the reseller must be told of this change by e-mail.
    public static func notifiesReseller(_ action: RequestAction, by actor: Actor) -> Bool {
        actor != .reseller
    }

    /// Whether goods come back for this request once approved (rulebook §3 "Settling a kept article").
    public static func expectsGoods(_ reason: ReasonID, fields: [String: JSONValue]) -> Bool {
        Reason.named(reason).goods.comeBack(given: fields)
    }
}

/// A test on a position's fields, e.g. "the delivery note matches and the reseller keeps the
/// article": it holds when every named field has its value.
public struct FieldTest: Sendable, Hashable {
    public let values: [String: JSONValue]

    public init(_ values: [String: JSONValue]) { self.values = values }

    public func holds(in fields: [String: JSONValue]) -> Bool {
        values.allSatisfy { fields[$0.key] == $0.value }
    }
}

/// Whether goods come back once a request is approved: a column of the reason table.
public struct GoodsRule: Sendable, Hashable {
    public let comeBack: Bool
    /// The reseller keeps the goods when any of these holds (an offer to keep them was taken).
    public let keptWhen: [FieldTest]

    public static let comeBack = GoodsRule(comeBack: true, keptWhen: [])
    public static let stay = GoodsRule(comeBack: false, keptWhen: [])

    public static func comeBack(unless tests: FieldTest...) -> GoodsRule {
        GoodsRule(comeBack: true, keptWhen: tests)
    }

    public func comeBack(given fields: [String: JSONValue]) -> Bool {
        comeBack && !keptWhen.contains { $0.holds(in: fields) }
    }
}

extension CalendarDay {
    /// Monday to Friday.
    public var isWorkingDay: Bool {
        // 1970-01-01 was a Thursday.
        let weekday = ((dayNumber % 7) + 7 + 3) % 7  // 0 = Monday
        return weekday < 5
    }

    /// Working days from this day (exclusive) up to `other` (inclusive).
    public func workingDays(until other: CalendarDay) -> Int {
        guard other > self else { return 0 }
        var count = 0
        var day = adding(days: 1)
        while day <= other {
            if day.isWorkingDay { count += 1 }
            day = day.adding(days: 1)
        }
        return count
    }
}
