import Foundation
import RetourCore

/// Moves requests through their lifecycle: checks the transition on the request as stored, applies
/// it, records the step, tells the reseller and the distributor's systems — in one transaction that
/// locks the request, so two agents clicking at once cannot both act.
public struct RequestSteps: Sendable {
    public var store: any RequestStore
    public var actor: Actor
    public var actorID: Int?
    public var now: Date
    public var today: CalendarDay

    public init(store: any RequestStore, actor: Actor, actorID: Int?, now: Date, today: CalendarDay) {
        self.store = store
        self.actor = actor
        self.actorID = actorID
        self.now = now
        self.today = today
    }

    /// Applies `action` to request `id` as it is stored now. `change` updates the request's own
    /// fields in the same transaction and may refuse by throwing. Returns the request as stored
    /// afterwards.
    @discardableResult
    public func perform(
        _ action: RequestAction, on id: Int, message: String? = nil, attachments: [String] = [],
        change: @escaping @Sendable (inout StoredRequest, any RequestWork) async throws -> Void = { _, _ in }
    ) async throws -> StoredRequest {
        try Refusal.refuseUnstorable(message)
        return try await store.transaction { work in
            guard let request = try await work.lockRequest(id: id) else { throw Refusal.notFound() }
            return try await apply(
                action, to: request, message: message, attachments: attachments, work: work, change: change)
        }
    }

    /// The step on a request already locked in `work`'s transaction.
    func apply(
        _ action: RequestAction, to locked: StoredRequest, message: String?, attachments: [String] = [],
        work: any RequestWork,
        change: @Sendable (inout StoredRequest, any RequestWork) async throws -> Void = { _, _ in }
    ) async throws -> StoredRequest {
        var request = locked
        let status = request.status
        let next = try decide(action, on: request)
        request.status = next
        request.lastChangeAt = now
        if (next == .closed || next == .rejected) && request.closedOn == nil { request.closedOn = today }
        if (action == .approve && next == .awaitingGoods) || action == .extend {
            if request.rmaNumber == nil {
                request.rmaNumber = RequestNumbers.rmaNumber(sequence: try await work.next(.rma))
            }
            request.validUntil = today.adding(days: RequestNumbers.rmaValidityDays)
            request.reminderSent = false
            if action == .extend && actor == .reseller { request.resellerExtensions += 1 }
        }
        // An approved advance replacement ships on the next working day.
        if action == .approve, request.replacement?.status == .waitingApproval {
            request.replacement?.status = .toShip
            request.replacement?.shipBy = AdvanceReplacement.shipBy(approvedOn: today)
        }
        switch (action, actor) {
        case (.requestInfo, _):
            request.informationRequested = true
            request.answeredAt = nil
        case (.message, .reseller) where request.informationRequested:
            // The answer: the agent's queue shows it on top until the agent acts on it.
            request.informationRequested = false
            request.answeredAt = now
        case (.message, _):
            break
        default:
            request.informationRequested = false
            request.answeredAt = nil
        }
        try await change(&request, work)
        try await work.save(request)
        // A rejected request frees its serials for a new request.
        if next == .rejected { try await work.freeSerials(ofRequest: request.id) }
        try await work.addStep(
            TimelineStep(
                action: action, from: status, to: next, actor: actor, actorID: actorID, at: now, message: message,
                attachments: attachments),
            to: request)
        if Lifecycle.notifiesReseller(action, by: actor) {
            try await work.tell(
                .statusChanged(action, message: message), about: request, by: actor, actorID: actorID, at: now)
        }
        try await work.announce(IntegrationEventKind.kinds(of: action, from: status, to: next), of: request, at: now)
        return request
    }

    /// The status `action` leads to from the request's stored status, or the refusal.
    private func decide(_ action: RequestAction, on request: StoredRequest) throws -> RequestStatus {
        let decision = Lifecycle.decide(
            action, from: request.status, by: actor,
            expectsGoods: Lifecycle.expectsGoods(request.reason, fields: request.fields),
            resellerExtensions: request.resellerExtensions)
        switch decision {
        case .success(let next): return next
        case .failure(let refusal):
            if case .notYourRole = refusal { throw Refusal(.forbidden, detail: refusal.message) }
            throw Refusal(.conflict, detail: refusal.message)
        }
    }

    /// An agent's decision on a request in review — approve, reject or ask for information. Whoever
    /// decides, through the API or the page, meets the same rule: a rejection or a question tells
    /// the reseller why.
    @discardableResult
    public func decide(_ decision: RequestAction?, message: String?, on id: Int) async throws -> StoredRequest {
        guard let decision, RequestAction.decisions.contains(decision) else {
            throw Refusal.invalid([FieldError("decision", message: Message("app.followup.chooseADecision"))])
        }
        let message = (message ?? "").trimmingWhitespace()
        if decision.needsMessage && message.isEmpty {
            throw Refusal.invalid([FieldError("message", message: Message("app.followup.tellTheResellerWhy"))])
        }
        return try await perform(decision, on: id, message: message.isEmpty ? nil : message)
    }

    /// The message as it will be kept, or the field error: checked before files are stored.
    public static func checkedMessage(_ raw: String?) throws -> String {
        let text = (raw ?? "").trimmingWhitespace()
        guard !text.isEmpty, text.count <= RequestAction.messageMaximumLength else {
            throw Refusal.invalid([FieldError("message", message: Message("app.followup.writeAMessageAtMost4000"))])
        }
        return text
    }

    /// A message in the request's thread, from the reseller or an agent, with files of the
    /// request's own company only: an agent sees every company's files, but must never hand one
    /// company's file to another.
    @discardableResult
    public func post(message raw: String, attachments: [String], seenBy viewer: CompanyScope, on id: Int)
        async throws -> StoredRequest
    {
        let text = try Self.checkedMessage(raw)
        try Refusal.refuseUnstorable(text)
        return try await store.transaction { work in
            guard let request = try await work.lockRequest(id: id) else { throw Refusal.notFound() }
            for file in attachments {
                guard try await work.fileCompany(id: file, visibleTo: viewer) == request.companyID else {
                    throw Refusal.invalid([
                        FieldError("attachments", message: Message("app.followup.unknownAttachment"))
                    ])
                }
            }
            return try await apply(.message, to: request, message: text, attachments: attachments, work: work)
        }
    }
}
