import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Goods receipt and credits: the agent's work after a decision.
enum BackOffice {
    struct Receipt: Content {
        var quantity: Int
        var serials: [String]?
        var condition: String
        var note: String?
    }

    static let conditions = ReceiptCondition.allCases.map(\.rawValue)

    /// Records what arrived and flags every difference with the request, re-checked against the rules.
    @discardableResult
    static func receive(_ receipt: Receipt, on record: ReturnRequest, context: RequestActions.Context, db: any Database)
        async throws -> ReturnRequest
    {
        var errors: [FieldError] = []
        if !Limits.quantity.contains(receipt.quantity) {
            errors.append(
                WholeNumber.error(
                    .outOfRange(Int64(Limits.quantity.lowerBound)...Int64(Limits.quantity.upperBound)),
                    field: "quantity"))
        }
        if !conditions.contains(receipt.condition) {
            errors.append(
                FieldError(
                    "condition",
                    message: Message("app.followup.chooseOneOf", ["choices": "\(conditions.joined(separator: ", "))"]))
            )
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
        let expectedSerials = Set(record.serials)
        let receivedSerials = Set((receipt.serials ?? []).map { $0.trimmingWhitespace() }.filter { !$0.isEmpty })
        var differences: [Discrepancy] = []
        if receipt.quantity != record.quantity {
            differences.append(.quantity(received: receipt.quantity, requested: record.quantity))
        }
        if !expectedSerials.isEmpty || !receivedSerials.isEmpty {
            let missing = expectedSerials.subtracting(receivedSerials).sorted()
            let unexpected = receivedSerials.subtracting(expectedSerials).sorted()
            if !missing.isEmpty { differences.append(.serialsNotReceived(missing)) }
            if !unexpected.isEmpty { differences.append(.serialsNotRequested(unexpected)) }
        }
        // Sealed returns must come back unopened; anything else is not as requested.
        if let condition = ReceiptCondition(rawValue: receipt.condition), condition != .asExpected {
            differences.append(.condition(condition, sealed: Reason.named(record.reason).mustArriveSealed))
        }
        // Goods must be sent within the RMA number's days; they may travel a few days more.
        let (_, policy) = try await PolicyStore.current(on: db, day: context.today)
        if let last = record.validUntil.flatMap(CalendarDay.init(iso:)),
            context.today > last.adding(days: policy.transitGrace)
        {
            differences.append(.late(arrived: context.today, lastDay: last, transitDays: policy.transitGrace))
        }
        let discrepancy = differences.isEmpty ? nil : JSONColumn(ReceiptDifferences.found(differences))
        // The event's message reaches the reseller (timeline and e-mail): in the reseller's language.
        let readerLanguage =
            try await User.find(record.userID, on: db).flatMap { $0.language } ?? .nl
        let difference =
            differences.isEmpty
            ? nil
            : Message("receipt.heading", ["differences": .message(Discrepancy.summary(differences))])
                .text(context.texts[readerLanguage])
        let message = [receipt.note, difference].compactMap { $0 }.joined(separator: "\n")
        return try await RequestActions.perform(
            .receive, on: record, context: context, message: message.isEmpty ? nil : message, database: db
        ) { record, _ in
            record.receivedQuantity = receipt.quantity
            record.receivedSerials = receivedSerials.sorted()
            record.receivedCondition = ReceiptCondition(rawValue: receipt.condition)
            record.receiptNote = receipt.note
            record.discrepancy = discrepancy
            // The defective unit is back in time: the replacement is paid for by it.
            if record.replacementStatus == .shipped,
                let returnBy = record.replacementReturnBy.flatMap(CalendarDay.init(iso:)), context.today <= returnBy
            {
                record.replacementStatus = .returned
            }
        }
    }

    /// The stored differences of a receipt in the reader's words (older rows hold the text itself).
    static func discrepancyText(_ stored: JSONColumn<ReceiptDifferences>?, texts t: Translations) -> String? {
        switch stored?.value {
        case nil: return nil
        case .found(let differences): return Discrepancy.summary(differences).text(t)
        case .written(let sentence): return sentence
        }
    }

    /// The policy version a request was decided under.
    static func policy(of record: ReturnRequest, db: any Database) async throws -> Policy {
        guard let version = try await PolicyVersion.query(on: db).filter(\.$version == record.policyVersion).first()
        else { return .standard }
        return try PolicyStore.decode(version.document)
    }

    /// The return fee the request's policy sets, in basis points, where its reason is credited less
    /// a fee; nil for every other settlement.
    static func feeBasisPoints(for record: ReturnRequest, db: any Database) async throws -> Int? {
        guard Reason.named(record.reason).settlement.method(given: record.fields) == .creditValueLessReturnFee
        else { return nil }
        return try await policy(of: record, db: db)[record.reason].returnFeeBasisPoints ?? 0
    }

    /// The default settlement of a request, under the policy version it was decided under.
    static func settlement(for record: ReturnRequest, db: any Database) async throws -> Settlement {
        let reason = record.reason
        let fields = record.fields
        let policy = try await policy(of: record, db: db)
        let line = try await InvoiceLine.find(record.lineID, on: db)
        let quantity = record.receivedQuantity.map { min($0, record.quantity) } ?? record.quantity
        var settlement = try Settlement.compute(
            reason: reason, fields: fields, unitPrice: Money(cents: line?.unitPriceCents ?? 0), quantity: quantity,
            policy: policy)
        // A reseller who got a replacement is settled with it, not with money.
        if let replacement = record.replacementStatus, replacement != .waitingApproval {
            settlement.amount = .zero
        }
        return settlement
    }

    /// Issues the credit note: the computed amount, or the agent's own with a reason; numbered without
    /// gaps. The amount is checked against the request as locked for the credit: from 0 up to the
    /// goods' value, more only when `mayExceedValue` (administrators).
    @discardableResult
    static func credit(
        amount: Money?, reasonText: String?, mayExceedValue: Bool, on record: ReturnRequest,
        context: RequestActions.Context, db: any Database
    ) async throws -> ReturnRequest {
        let reasonText = reasonText?.trimmingWhitespace()
        return try await RequestActions.perform(
            .credit, on: record, context: context, message: reasonText.flatMap { $0.isEmpty ? nil : $0 }, database: db
        ) { record, db in
            // A charged replacement is the request's note already.
            if let number = record.creditNoteNumber {
                throw Refusal(
                    .conflict, detail: Message("replacement.alreadyNoted", ["number": .text(number)]))
            }
            let computed = try await settlement(for: record, db: db)
            try checkCredit(amount, reasonText: reasonText, computed: computed, mayExceedValue: mayExceedValue)
            let final = amount ?? computed.amount
            let sequence = try await NumberSequence.next("credit_note", db)
            record.creditNoteNumber = CreditNotes.number(year: context.today.year, sequence: sequence)
            record.creditAmountCents = final.cents
            record.creditKind = computed.kind
            record.creditReason = reasonText.flatMap { $0.isEmpty ? nil : $0 }
            record.creditNoteDate = context.today.iso
        }
    }

    /// Refuses an amount below 0 or above the goods' value, and a changed amount without a reason.
    static func checkCredit(_ amount: Money?, reasonText: String?, computed: Settlement, mayExceedValue: Bool) throws {
        guard let amount else { return }
        var errors: [FieldError] = []
        let ceiling = max(computed.value, computed.amount)
        if amount.cents < 0 {
            errors.append(FieldError("amount", message: Message("app.followup.anAmountIsNotNegative")))
        } else if amount > ceiling && !mayExceedValue {
            errors.append(
                FieldError(
                    "amount",
                    message: Message("app.followup.theAmountIsAtMostThe", ["decimalString": .money(ceiling)])
                ))
        }
        if amount != computed.amount && (reasonText ?? "").isEmpty {
            errors.append(
                FieldError(
                    "reason",
                    message: Message(
                        "app.followup.giveAReasonForAnAmount", ["decimalString": .money(computed.amount)])))
        }
        guard errors.isEmpty else { throw Refusal.invalid(errors) }
    }
}

/// Expires RMA numbers whose five days have passed and reminds the reseller the day before.
/// Several workers on one PostgreSQL never take the same request: rows are claimed with
/// `FOR UPDATE SKIP LOCKED` inside the transaction that changes them.
enum ExpiryWorker {
    @discardableResult
    static func runOnce(_ app: Application) async throws -> (expired: Int, reminded: Int) {
        let today = app.today
        let context = RequestActions.Context(
            actor: .system, actorID: nil, now: app.clock.now, today: today, config: app.config,
            texts: app.translationCatalog, baseURL: app.baseURL)
        let skipLocked = app.config.databaseURL != nil ? " FOR UPDATE SKIP LOCKED" : ""
        struct Row: Decodable { var id: Int }
        var expired = 0
        while true {
            let done = try await app.db.transaction { db -> Bool in
                let sql = db.sql
                guard
                    let row = try await sql.raw(
                        """
                        SELECT id FROM requests WHERE status = 'awaiting_goods' AND valid_until < \(bind: today.iso)
                        ORDER BY id LIMIT 1\(unsafeRaw: skipLocked)
                        """
                    ).first(decoding: Row.self), let record = try await ReturnRequest.find(row.id, on: db)
                else { return true }
                try await RequestActions.perform(.expire, on: record, context: context, database: db)
                return false
            }
            if done { break }
            expired += 1
        }
        var reminded = 0
        let tomorrow = today.adding(days: 1).iso
        while true {
            let outcome = try await app.db.transaction { db -> Bool? in
                let sql = db.sql
                guard
                    let row = try await sql.raw(
                        """
                        SELECT id FROM requests WHERE status = 'awaiting_goods' AND valid_until = \(bind: tomorrow)
                        AND (reminder_sent IS NULL OR reminder_sent = \(bind: false)) ORDER BY id LIMIT 1\(unsafeRaw: skipLocked)
                        """
                    ).first(decoding: Row.self), let record = try await ReturnRequest.find(row.id, on: db)
                else { return nil }
                record.reminderSent = true
                try await record.save(on: db)
                guard let user = try await User.find(record.userID, on: db), user.active else {
                    // Marked, so that it is not picked again and the others are not held up.
                    app.logger.warning("no reminder for \(record.number): its user is gone or disabled")
                    return false  // not sent, but done with
                }
                let language = user.language ?? .nl
                let t = context.texts[language]
                let values = [
                    "rma": record.rmaNumber ?? record.number, "number": record.number,
                    "date": language.format(today.adding(days: 1)),
                ]
                try await OutboxMail(
                    recipient: user.email, subject: t("mail.reminder.subject", values),
                    body: t("mail.greeting", ["name": user.name]) + "\n\n" + t("mail.reminder.body", values),
                    now: context.now
                ).create(on: db)
                return true
            }
            guard let sent = outcome else { break }
            if sent { reminded += 1 }
        }
        return (expired, reminded)
    }
}
