import Foundation
import RetourCore

/// What the follow-up use cases need from storage. Its implementation is the only code that reads
/// or writes the requests, their timelines and the mail and events a change sends.
public protocol RequestStore: Sendable {
    /// Runs `work` in one write transaction: what it locks stays locked until it returns, and
    /// nothing it wrote is kept if it throws.
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any RequestWork) async throws -> T) async throws -> T
}

/// The steps of a follow-up use case inside one transaction of `RequestStore`.
public protocol RequestWork: Sendable {
    /// The request as stored now, its row locked until the transaction ends.
    func lockRequest(id: Int) async throws -> StoredRequest?
    /// The first request that is `due` and that no other transaction holds, its row locked (on
    /// PostgreSQL `FOR UPDATE SKIP LOCKED`, so that several workers never take the same one).
    func claimRequest(_ due: DueRequests) async throws -> StoredRequest?
    /// Writes what the request's life changed (never what was asked for).
    func save(_ request: StoredRequest) async throws
    /// The next number of `sequence`, without gaps: it moves inside this transaction.
    func next(_ sequence: NumberSequenceName) async throws -> Int64
    /// Lets the request's serial numbers be asked for again.
    func freeSerials(ofRequest id: Int) async throws
    /// A step in the request's timeline.
    func addStep(_ step: TimelineStep, to request: StoredRequest) async throws
    /// Whether a stored file exists that `viewer` may see, and whose company it is.
    func fileCompany(id: String, visibleTo viewer: CompanyScope) async throws -> Int?
    /// The policy version the request was decided under (the standard policy where it is gone).
    func policy(version: Int) async throws -> Policy
    /// The policy in force on `day`.
    func policy(on day: CalendarDay) async throws -> Policy
    /// The price of one unit of the invoice line (zero where the line is gone).
    func unitPrice(lineID: Int) async throws -> Money
    /// The texts of the language the request's reseller reads.
    func resellerTexts(of request: StoredRequest) async throws -> Translations
    /// Tells the request's reseller by e-mail (and, for a replacement, in the timeline). False when
    /// there is nobody to tell: the login is gone or disabled.
    @discardableResult
    func tell(_ notice: ResellerNotice, about request: StoredRequest, by actor: Actor, actorID: Int?, at: Date)
        async throws -> Bool
    /// Tells the distributor's systems (the event feed and webhooks), last in the transaction.
    func announce(_ kinds: [IntegrationEventKind], of request: StoredRequest, at: Date) async throws
    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws
}

/// The requests a worker picks up, one at a time.
public enum DueRequests: Sendable, Hashable {
    /// Waiting for goods with an RMA number valid until before `today`.
    case expired(today: CalendarDay)
    /// Waiting for goods with an RMA number valid until `lastDay`, not reminded yet.
    case rmaReminder(lastDay: CalendarDay)
    /// A shipped replacement due back by `soon` and not reminded yet, or overdue on `today`.
    case replacement(soon: CalendarDay, today: CalendarDay)
}

public enum NumberSequenceName: String, Sendable, CaseIterable {
    case rma
    case creditNote = "credit_note"
}

/// A step in a request's timeline, as its reader sees it.
public struct TimelineStep: Sendable, Hashable {
    public var action: RequestAction
    public var from: RequestStatus
    public var to: RequestStatus
    public var actor: Actor
    public var actorID: Int?
    public var at: Date
    public var message: String?
    public var attachments: [String]

    public init(
        action: RequestAction, from: RequestStatus, to: RequestStatus, actor: Actor, actorID: Int?, at: Date,
        message: String?, attachments: [String]
    ) {
        self.action = action
        self.from = from
        self.to = to
        self.actor = actor
        self.actorID = actorID
        self.at = at
        self.message = message
        self.attachments = attachments
    }
}

/// What the reseller is told of a request.
public enum ResellerNotice: Sendable, Hashable {
    /// The request's status after `action`, with the agent's message.
    case statusChanged(RequestAction, message: String?)
    /// The RMA number is valid one more day.
    case rmaEndsTomorrow
    /// The advance replacement went out; the defective unit is due back by its date.
    case replacementShipped
    /// The defective unit is due back in a few days.
    case replacementDueSoon
    /// The defective unit did not come back: the replacement is charged.
    case replacementCharged
}

/// The events other systems learn of a request.
public enum IntegrationEventKind: String, CaseIterable, Sendable {
    case requestCreated = "request.created"
    case statusChanged = "request.status_changed"
    case messageCreated = "request.message_created"
    case creditNoteCreated = "credit_note.created"

    /// What an action on a request tells the world.
    public static func kinds(of action: RequestAction, from: RequestStatus, to: RequestStatus) -> [Self] {
        var kinds: [Self] = []
        if from != to { kinds.append(.statusChanged) }
        if action == .message || action == .requestInfo { kinds.append(.messageCreated) }
        if action == .credit { kinds.append(.creditNoteCreated) }
        return kinds
    }
}
