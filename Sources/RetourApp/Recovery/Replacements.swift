import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Advance replacements after approval: the agent ships one, the worker reminds the reseller three
/// days before the defective unit is due back and charges the replacement when it is not. Each step
/// locks the request and runs in one transaction; the reseller hears of each in their language.
enum Replacements {
    static let maximumTracking = 100

    /// The replacement went out: the defective unit is due back `config.replacementReturnDays` later,
    /// and the RMA number stays valid until then.
    static func ship(
        _ record: ReturnRequest, tracking rawTracking: String?, context: RequestActions.Context, db: any Database
    ) async throws -> ReturnRequest {
        try Refusal.refuseUnstorable(rawTracking)
        let tracking = rawTracking?.trimmingWhitespace()
        if let tracking, tracking.count > maximumTracking {
            throw Refusal.invalid([
                FieldError(
                    "trackingNumber", message: Message("validation.atMostCharacters", ["maximum": "\(maximumTracking)"])
                )
            ])
        }
        let id = try record.requireID()
        return try await db.writeTransaction { db in
            try await db.lockForUpdate(ReturnRequest.schema, ids: [id])
            guard let record = try await ReturnRequest.find(id, on: db) else { throw Refusal.notFound() }
            guard let status = record.replacementStatus else {
                throw Refusal(.conflict, detail: Message("replacement.none"))
            }
            guard status == .toShip else {
                throw Refusal(.conflict, detail: Message("replacement.notToShip", ["status": .message(status.label)]))
            }
            let returnBy = context.today.adding(days: context.config.replacementReturnDays)
            record.replacementStatus = .shipped
            record.replacementReturnBy = returnBy.iso
            record.replacementTracking = tracking.flatMap { $0.isEmpty ? nil : $0 }
            record.replacementReminded = false
            // The RMA number stays valid as long as the unit may come back; the reminder is the
            // replacement's own, three days ahead.
            if (record.validUntil.flatMap(CalendarDay.init(iso:)) ?? returnBy) < returnBy || record.validUntil == nil {
                record.validUntil = returnBy.iso
            }
            record.reminderSent = true
            record.lastChangeAt = context.now
            try await record.save(on: db)
            try await tell(record, "shipped", context: context, db: db) { t, language in
                [
                    "number": record.number, "rma": record.rmaNumber ?? record.number,
                    "date": language.format(returnBy), "tracking": record.replacementTracking ?? "–",
                ]
            }
            try await AuditEvent(
                at: context.now, actorID: context.actorID, action: "replacement.ship",
                subject: "request \(record.number)",
                detail: "return by \(returnBy.iso)"
            ).create(on: db)
            return record
        }
    }

    /// One round of the worker: reminders and charges due today, each request in a transaction of
    /// its own, claimed with `FOR UPDATE SKIP LOCKED` so that several workers never take the same one.
    @discardableResult
    static func runOnce(_ app: Application) async throws -> (reminded: Int, charged: Int) {
        let today = app.today
        let context = RequestActions.Context(
            actor: .system, actorID: nil, now: app.clock.now, today: today, config: app.config,
            texts: app.translationCatalog, baseURL: app.baseURL)
        let skipLocked = app.config.databaseURL != nil ? " FOR UPDATE SKIP LOCKED" : ""
        let soon = today.adding(days: AdvanceReplacement.reminderDaysBefore).iso
        struct Row: Decodable { var id: Int }
        var reminded = 0
        var charged = 0
        while true {
            let step = try await app.db.writeTransaction { db -> AdvanceReplacement.Due?? in
                guard
                    let row = try await db.sql.raw(
                        """
                        SELECT id FROM requests WHERE replacement_status = 'shipped' AND replacement_return_by <= \(bind: soon)
                          AND (replacement_return_by < \(bind: today.iso) OR replacement_reminded IS NULL
                               OR replacement_reminded = \(bind: false))
                        ORDER BY id LIMIT 1\(unsafeRaw: skipLocked)
                        """
                    ).first(decoding: Row.self), let record = try await ReturnRequest.find(row.id, on: db)
                else { return .none }
                let due = AdvanceReplacement.due(
                    status: record.replacementStatus ?? .shipped,
                    returnBy: record.replacementReturnBy.flatMap(CalendarDay.init(iso:)),
                    reminded: record.replacementReminded ?? false, today: today)
                switch due {
                case .remind: try await remind(record, context: context, db: db)
                case .charge: try await charge(record, context: context, db: db)
                case nil:
                    // Not due after all (a date it cannot read): marked, so the round moves on.
                    record.replacementReminded = true
                    try await record.save(on: db)
                }
                return .some(due)
            }
            guard let done = step else { break }
            if done == .remind { reminded += 1 }
            if done == .charge { charged += 1 }
        }
        return (reminded, charged)
    }

    private static func remind(_ record: ReturnRequest, context: RequestActions.Context, db: any Database) async throws
    {
        record.replacementReminded = true
        try await record.save(on: db)
        let returnBy = record.replacementReturnBy.flatMap(CalendarDay.init(iso:)) ?? context.today
        try await tell(record, "reminder", context: context, db: db) { _, language in
            ["number": record.number, "rma": record.rmaNumber ?? record.number, "date": language.format(returnBy)]
        }
    }

    /// The unit did not come back in time: the replacement is charged at the line's unit price,
    /// as the request's note (`creditNote.kind` = `charge`).
    private static func charge(_ record: ReturnRequest, context: RequestActions.Context, db: any Database) async throws
    {
        let line = try await InvoiceLine.find(record.lineID, on: db)
        let amount = try Money(cents: line?.unitPriceCents ?? 0) * record.quantity
        record.replacementStatus = .charged
        if record.creditNoteNumber == nil {
            let sequence = try await NumberSequence.next("credit_note", db)
            record.creditNoteNumber = CreditNotes.number(year: context.today.year, sequence: sequence)
            record.creditAmountCents = amount.cents
            record.creditKind = .charge
            record.creditReason = nil
            record.creditNoteDate = context.today.iso
        }
        record.lastChangeAt = context.now
        try await record.save(on: db)
        try await tell(record, "charged", context: context, db: db) { _, language in
            [
                "number": record.number, "note": record.creditNoteNumber ?? "",
                "amount": language.format(Money(cents: record.creditAmountCents ?? amount.cents)),
            ]
        }
        let owner = try await User.find(record.userID, on: db)
        try await IntegrationEvents.record(
            [.creditNoteCreated], of: [record], at: context.now,
            language: owner?.language ?? .nl, texts: context.texts, on: db)
    }

    /// The reseller's e-mail and the timeline entry of step `step` (`mail.replacement.<step>.…`).
    private static func tell(
        _ record: ReturnRequest, _ step: String, context: RequestActions.Context, db: any Database,
        values: (Translations, Language) -> [String: String]
    ) async throws {
        let user = try await User.find(record.userID, on: db)
        let language = user?.language ?? .nl
        let t = context.texts[language]
        let filled = values(t, language)
        let (subject, body) = texts(step, t, filled)
        try await RequestEvent(
            .message, on: try record.requireID(), from: record.status, to: record.status, message: body,
            attachments: [], context: context
        ).create(on: db)
        guard let user, user.active else { return }
        try await OutboxMail(
            recipient: user.email, subject: subject,
            body: t("mail.greeting", ["name": user.name]) + "\n\n" + body, now: context.now
        ).create(on: db)
    }

    private static func texts(_ step: String, _ t: Translations, _ values: [String: String]) -> (String, String) {
        switch step {
        case "shipped":
            return (t("mail.replacement.shipped.subject", values), t("mail.replacement.shipped.body", values))
        case "reminder":
            return (t("mail.replacement.reminder.subject", values), t("mail.replacement.reminder.body", values))
        default:
            return (t("mail.replacement.charged.subject", values), t("mail.replacement.charged.body", values))
        }
    }
}
