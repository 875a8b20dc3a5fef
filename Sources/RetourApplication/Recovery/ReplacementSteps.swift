import Foundation
import RetourCore

/// Advance replacements after approval: the agent ships one, the worker (as the system) reminds
/// the reseller three days before the defective unit is due back and charges the replacement when
/// it is not. Each step locks the request and runs in one transaction; the reseller hears of each
/// in their language.
extension RequestSteps {
    public static let maximumTracking = 100

    /// The replacement went out: the defective unit is due back `returnDays` later, and the RMA
    /// number stays valid until then.
    @discardableResult
    public func shipReplacement(requestID id: Int, tracking rawTracking: String?, returnDays: Int) async throws
        -> StoredRequest
    {
        try Refusal.refuseUnstorable(rawTracking)
        let tracking = rawTracking?.trimmingWhitespace()
        if let tracking, tracking.count > Self.maximumTracking {
            throw Refusal.invalid([
                FieldError(
                    "trackingNumber",
                    message: Message("validation.atMostCharacters", ["maximum": "\(Self.maximumTracking)"]))
            ])
        }
        let (now, today, actor, actorID) = (now, today, actor, actorID)
        return try await store.transaction { work in
            guard var request = try await work.lockRequest(id: id) else { throw Refusal.notFound() }
            guard let status = request.replacement?.status else {
                throw Refusal(.conflict, detail: Message("replacement.none"))
            }
            guard status == .toShip else {
                throw Refusal(.conflict, detail: Message("replacement.notToShip", ["status": .message(status.label)]))
            }
            let returnBy = today.adding(days: returnDays)
            request.replacement?.status = .shipped
            request.replacement?.returnBy = returnBy
            request.replacement?.tracking = tracking.flatMap { $0.isEmpty ? nil : $0 }
            request.replacement?.reminded = false
            // The RMA number stays valid as long as the unit may come back; the reminder is the
            // replacement's own, three days ahead.
            if (request.validUntil ?? returnBy) < returnBy || request.validUntil == nil {
                request.validUntil = returnBy
            }
            request.reminderSent = true
            request.lastChangeAt = now
            try await work.save(request)
            try await work.tell(.replacementShipped, about: request, by: actor, actorID: actorID, at: now)
            try await work.audit(
                "replacement.ship", subject: "request \(request.number)", detail: "return by \(returnBy.iso)",
                actorID: actorID, at: now)
            return request
        }
    }

    /// One round of the worker: reminders and charges due today, each request in a transaction of
    /// its own.
    @discardableResult
    public func replacementRound() async throws -> (reminded: Int, charged: Int) {
        let (now, today) = (now, today)
        let soon = today.adding(days: AdvanceReplacement.reminderDaysBefore)
        var reminded = 0
        var charged = 0
        while true {
            let step = try await store.transaction { work -> AdvanceReplacement.Due?? in
                guard var request = try await work.claimRequest(.replacement(soon: soon, today: today)) else {
                    return .none
                }
                let due = AdvanceReplacement.due(
                    status: request.replacement?.status ?? .shipped, returnBy: request.replacement?.returnBy,
                    reminded: request.replacement?.reminded ?? false, today: today)
                switch due {
                case .remind:
                    request.replacement?.reminded = true
                    try await work.save(request)
                    try await work.tell(.replacementDueSoon, about: request, by: .system, actorID: nil, at: now)
                case .charge: try await chargeReplacement(request, work: work)
                case nil:
                    // Not due after all (a date it cannot read): marked, so the round moves on.
                    request.replacement?.reminded = true
                    try await work.save(request)
                }
                return .some(due)
            }
            guard let done = step else { break }
            if done == .remind { reminded += 1 }
            if done == .charge { charged += 1 }
        }
        return (reminded, charged)
    }

    /// The unit did not come back in time: the replacement is charged at the line's unit price, as
    /// the request's note (its kind `charge`).
    private func chargeReplacement(_ locked: StoredRequest, work: any RequestWork) async throws {
        var request = locked
        let amount = try await work.unitPrice(lineID: request.lineID) * request.quantity
        request.replacement?.status = .charged
        if request.creditNote == nil {
            let sequence = try await work.next(.creditNote)
            request.creditNote = .init(
                number: CreditNotes.number(year: today.year, sequence: sequence), amount: amount, kind: .charge,
                reason: nil, date: today)
        }
        request.lastChangeAt = now
        try await work.save(request)
        try await work.tell(.replacementCharged, about: request, by: .system, actorID: nil, at: now)
        try await work.announce([.creditNoteCreated], of: request, at: now)
    }
}
