import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// Moves requests through their lifecycle: checks the transition, applies it, records the event
/// and tells the reseller by e-mail, all in one transaction.
enum RequestActions {
    struct Context {
        var actor: Actor
        var actorID: Int?
        var now: Date
        var today: CalendarDay
        var config: AppConfig
        /// The texts of mails written on the way.
        var texts: TranslationCatalog
        /// Where the site is, for the links in those mails; empty: no link.
        var baseURL = ""
    }

    /// Applies `action` to the request as it is stored now: the row is locked and read again inside
    /// one write transaction, and the transition is decided on that reading, so two agents clicking
    /// at once cannot both act. `change` updates the request's own fields in the same transaction
    /// and may refuse by throwing. Returns the request as stored afterwards.
    @discardableResult
    static func perform(
        _ action: RequestAction, on record: ReturnRequest, context: Context, message: String? = nil,
        attachments: [String] = [], database: any Database,
        change: @escaping @Sendable (ReturnRequest, any Database) async throws -> Void = { _, _ in }
    ) async throws -> ReturnRequest {
        try Refusal.refuseUnstorable(message)
        let id = try record.requireID()
        return try await database.writeTransaction { db in
            try await db.lockForUpdate("requests", ids: [id])
            guard let record = try await ReturnRequest.find(id, on: db) else { throw Refusal.notFound() }
            let next = try decide(action, on: record, context: context)
            let status = record.status
            record.status = next
            record.lastChangeAt = context.now
            if (next == .closed || next == .rejected) && record.closedOn == nil { record.closedOn = context.today.iso }
            if (action == .approve && next == .awaitingGoods) || action == .extend {
                if record.rmaNumber == nil {
                    record.rmaNumber = RequestNumbers.rmaNumber(sequence: try await NumberSequence.next("rma", db))
                }
                record.validUntil = context.today.adding(days: RequestNumbers.rmaValidityDays).iso
                record.reminderSent = false
                if action == .extend && context.actor == .reseller {
                    record.resellerExtensions = (record.resellerExtensions ?? 0) + 1
                }
            }
            // An approved advance replacement ships on the next working day.
            if action == .approve && record.replacementStatus == .waitingApproval {
                record.replacementStatus = .toShip
                record.replacementShipBy = AdvanceReplacement.shipBy(approvedOn: context.today).iso
            }
            switch (action, context.actor) {
            case (.requestInfo, _):
                record.informationRequested = true
                record.answeredAt = nil
            case (.message, .reseller) where record.informationRequested == true:
                // The answer: the agent's queue shows it on top until the agent acts on it.
                record.informationRequested = false
                record.answeredAt = context.now
            case (.message, _):
                break
            default:
                record.informationRequested = false
                record.answeredAt = nil
            }
            try await change(record, db)
            try await record.save(on: db)
            if next == .rejected {
                // A rejected request frees its serials for a new request.
                let sql = db.sql
                try await sql.delete(from: "claimed_serials").where("request_id", .equal, try record.requireID()).run()
            }
            try await RequestEvent(
                action, on: try record.requireID(), from: status, to: next, message: message,
                attachments: attachments, context: context
            ).create(on: db)
            let owner = try await User.find(record.userID, on: db)
            if Lifecycle.notifiesReseller(action, by: context.actor), let owner {
                try await StatusMail.enqueue(
                    for: record, to: owner, action: action, message: message, context: context, db: db)
            }
            try await IntegrationEvents.record(
                IntegrationEvents.kinds(of: action, from: status, to: next), of: [record], at: context.now,
                language: owner?.language ?? .nl, texts: context.texts, on: db)
            return record
        }
    }

    /// The status `action` leads to from the request's stored status, or the refusal as a problem.
    private static func decide(_ action: RequestAction, on record: ReturnRequest, context: Context) throws
        -> RequestStatus
    {
        let status = record.status
        let reason = record.reason
        let fields = record.fields
        let decision = Lifecycle.decide(
            action, from: status, by: context.actor, expectsGoods: Lifecycle.expectsGoods(reason, fields: fields),
            resellerExtensions: record.resellerExtensions ?? 0)
        switch decision {
        case .success(let next): return next
        case .failure(let refusal):
            if case .notYourRole = refusal { throw Refusal(.forbidden, detail: refusal.message) }
            throw Refusal(.conflict, detail: refusal.message)
        }
    }
}

extension RequestEvent {
    /// A step in a request's timeline, taken now by the context's actor.
    convenience init(
        _ action: RequestAction, on requestID: Int, from: RequestStatus, to: RequestStatus, message: String?,
        attachments: [String], context: RequestActions.Context
    ) {
        self.init()
        self.requestID = requestID
        at = context.now
        actorID = context.actorID
        actor = context.actor
        self.action = action.rawValue
        fromStatus = from
        toStatus = to
        self.message = message
        self.attachments = attachments
    }
}

/// The e-mail that tells a reseller what changed.
enum StatusMail {
    static func enqueue(
        for record: ReturnRequest, to user: User, action: RequestAction, message: String?,
        context: RequestActions.Context, db: any Database
    ) async throws {
        let language = user.language ?? .nl
        let t = context.texts[language]
        let status = record.status
        let label = StatusLabels.label(of: record, t)
        var lines = [t("mail.greeting", ["name": user.name]), ""]
        lines.append(t("mail.status.now", ["number": record.number, "status": label]))
        if let rma = record.rmaNumber, let until = record.validUntil.flatMap(CalendarDay.init(iso:)),
            status == .awaitingGoods
        {
            lines.append(t("mail.status.ship", ["rma": rma, "date": language.format(until)]))
            lines.append(contentsOf: try await Distributor.current(context.config, on: db).returnAddress)
        }
        if let message, !message.isEmpty {
            lines.append("")
            lines.append(t["mail.status.message"])
            lines.append(message)
        }
        if let number = record.creditNoteNumber, status == .credited {
            lines.append(t("mail.status.creditNote", ["number": number]))
        }
        if !context.baseURL.isEmpty {
            lines.append("")
            lines.append(t("mail.status.link", ["url": context.baseURL + PageRoute.request.path(record.number)]))
        }
        lines.append("")
        lines.append(Outcome.noEntitlement.text(t))
        let subject = t("mail.status.subject", ["number": record.number, "status": label])
        try await OutboxMail(
            recipient: user.email, subject: subject, body: lines.joined(separator: "\n"), now: context.now
        )
        .create(on: db)
    }
}

enum StatusLabels {
    /// The request's status as the reseller reads it: "Informatie gevraagd" while the agent waits.
    static func label(of record: ReturnRequest, _ t: Translations) -> String {
        if record.informationRequested == true { return t["status.informationRequested"] }
        return (record.status).label.text(t)
    }
}

/// Gap-free numbers (requests, RMA numbers, credit notes): the counter moves inside the caller's
/// transaction, so a rolled-back submission leaves no hole.
enum NumberSequence {
    static func next(_ name: String, _ database: any Database) async throws -> Int64 {
        struct Row: Decodable { var value: Int64 }
        let sql = database.sql
        guard
            let row = try await sql.raw(
                "UPDATE number_sequences SET value = value + 1 WHERE name = \(bind: name) RETURNING value"
            ).first(decoding: Row.self)
        else { throw Abort(.internalServerError, reason: "number sequence \(name) is missing") }
        return row.value
    }
}
