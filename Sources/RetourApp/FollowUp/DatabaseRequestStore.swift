import Fluent
import Foundation
import NIOConcurrencyHelpers
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// The requests' tables as the follow-up use cases see them: the only code that writes a request's
/// life, its timeline, and the mail and events a change sends.
struct DatabaseRequestStore: RequestStore {
    let database: any Database
    let config: AppConfig
    let texts: TranslationCatalog
    /// Where the site is, for the links in mails; empty: no link.
    var baseURL = ""

    func transaction<T: Sendable>(_ work: @escaping @Sendable (any RequestWork) async throws -> T) async throws -> T {
        let (config, texts, baseURL) = (config, texts, baseURL)
        return try await database.writeTransaction { db in
            try await work(Work(db: db, config: config, texts: texts, baseURL: baseURL))
        }
    }

    private struct Work: RequestWork {
        let db: any Database
        let config: AppConfig
        let texts: TranslationCatalog
        let baseURL: String
        /// The rows this transaction read (the request locked or claimed, its reseller): a step
        /// saves, mails and announces the request it read, without reading it again.
        private let read = NIOLockedValueBox<(requests: [Int: ReturnRequest], users: [Int: User?])>(([:], [:]))

        init(db: any Database, config: AppConfig, texts: TranslationCatalog, baseURL: String) {
            self.db = db
            self.config = config
            self.texts = texts
            self.baseURL = baseURL
        }

        private func found(_ id: Int) async throws -> ReturnRequest? {
            if let known = read.withLockedValue({ $0.requests[id] }) { return known }
            guard let record = try await ReturnRequest.find(id, on: db) else { return nil }
            read.withLockedValue { $0.requests[id] = record }
            return record
        }

        private func model(_ id: Int) async throws -> ReturnRequest {
            guard let record = try await found(id) else { throw Refusal.notFound() }
            return record
        }

        private func owner(of request: StoredRequest) async throws -> User? {
            if let known = read.withLockedValue({ $0.users[request.userID] }) { return known }
            let user = try await User.find(request.userID, on: db)
            read.withLockedValue { $0.users[request.userID] = .some(user) }
            return user
        }

        func lockRequest(id: Int) async throws -> StoredRequest? {
            try await db.lockForUpdate(ReturnRequest.schema, ids: [id])
            return try await found(id).map(StoredRequest.init)
        }

        func claimRequest(_ due: DueRequests) async throws -> StoredRequest? {
            let skipLocked = config.databaseURL != nil ? " FOR UPDATE SKIP LOCKED" : ""
            let condition: SQLQueryString
            switch due {
            case .expired(let today):
                condition = "status = 'awaiting_goods' AND valid_until < \(bind: today.iso)"
            case .rmaReminder(let lastDay):
                condition = """
                    status = 'awaiting_goods' AND valid_until = \(bind: lastDay.iso)
                    AND (reminder_sent IS NULL OR reminder_sent = \(bind: false))
                    """
            case .replacement(let soon, let today):
                condition = """
                    replacement_status = 'shipped' AND replacement_return_by <= \(bind: soon.iso)
                    AND (replacement_return_by < \(bind: today.iso) OR replacement_reminded IS NULL
                         OR replacement_reminded = \(bind: false))
                    """
            }
            struct Row: Decodable { var id: Int }
            guard
                let row = try await db.sql.raw(
                    "SELECT id FROM requests WHERE \(condition) ORDER BY id LIMIT 1\(unsafeRaw: skipLocked)"
                ).first(decoding: Row.self)
            else { return nil }
            return try await found(row.id).map(StoredRequest.init)
        }

        func save(_ request: StoredRequest) async throws {
            let record = try await model(request.id)
            record.take(request)
            try await record.save(on: db)
        }

        func next(_ sequence: NumberSequenceName) async throws -> Int64 {
            try await NumberSequence.next(sequence.rawValue, db)
        }

        func freeSerials(ofRequest id: Int) async throws {
            try await db.sql.delete(from: "claimed_serials").where("request_id", .equal, id).run()
        }

        func addStep(_ step: TimelineStep, to request: StoredRequest) async throws {
            try await RequestEvent(step, on: request.id).create(on: db)
        }

        func fileCompany(id: String, visibleTo viewer: CompanyScope) async throws -> Int? {
            guard id.count <= 64, let file = try await Attachment.find(id, on: db) else { return nil }
            switch viewer {
            case .allCompanies: return file.companyID
            case .company(let own): return file.companyID == own ? own : nil
            }
        }

        func policy(version: Int) async throws -> Policy {
            try await PolicyQueries(database: db).policy(version: version)
        }

        func policy(on day: CalendarDay) async throws -> Policy {
            try await PolicyStore.current(on: db, day: day).policy
        }

        func unitPrice(lineID: Int) async throws -> Money {
            Money(cents: try await InvoiceLine.find(lineID, on: db)?.unitPriceCents ?? 0)
        }

        func resellerTexts(of request: StoredRequest) async throws -> Translations {
            texts[try await owner(of: request)?.language ?? .nl]
        }

        func tell(_ notice: ResellerNotice, about request: StoredRequest, by actor: Actor, actorID: Int?, at now: Date)
            async throws -> Bool
        {
            let mails = DatabaseRequestMails(texts: texts, config: config, baseURL: baseURL, db: db)
            return try await mails.tell(
                notice, about: request, owner: try await owner(of: request), by: actor, actorID: actorID, at: now)
        }

        func announce(_ kinds: [IntegrationEventKind], of request: StoredRequest, at now: Date) async throws {
            guard !kinds.isEmpty else { return }
            try await DatabaseEventOutbox.record(
                kinds, of: [try await model(request.id)], at: now,
                language: try await owner(of: request)?.language ?? .nl,
                texts: texts, on: db)
        }

        func audit(_ action: String, subject: String, detail: String, actorID: Int?, at: Date) async throws {
            try await AuditEvent(at: at, actorID: actorID, action: action, subject: subject, detail: detail)
                .create(on: db)
        }
    }
}

extension StoredRequest {
    /// The request as its row holds it.
    init(_ record: ReturnRequest) throws {
        self.init(
            id: try record.requireID(), number: record.number, reason: record.reason, fields: record.fields,
            companyID: record.companyID, userID: record.userID, lineID: record.lineID, quantity: record.quantity,
            serials: record.serials, policyVersion: record.policyVersion, status: record.status)
        lastChangeAt = record.lastChangeAt
        closedOn = record.closedOn.flatMap(CalendarDay.init(iso:))
        rmaNumber = record.rmaNumber
        validUntil = record.validUntil.flatMap(CalendarDay.init(iso:))
        reminderSent = record.reminderSent ?? false
        resellerExtensions = record.resellerExtensions ?? 0
        informationRequested = record.informationRequested ?? false
        answeredAt = record.answeredAt
        if record.receivedQuantity != nil || record.receivedCondition != nil || record.receivedSerials != nil
            || record.discrepancy != nil
        {
            receipt = ReceivedGoods(
                quantity: record.receivedQuantity, serials: record.receivedSerials,
                condition: record.receivedCondition, note: record.receiptNote, differences: record.discrepancy?.value)
        }
        creditNote = record.creditNoteNumber.map {
            CreditNote(
                number: $0, amount: record.creditAmountCents.map(Money.init(cents:)), kind: record.creditKind,
                reason: record.creditReason, date: record.creditNoteDate.flatMap(CalendarDay.init(iso:)))
        }
        replacement = record.replacementStatus.map {
            Replacement(
                status: $0, shipBy: record.replacementShipBy.flatMap(CalendarDay.init(iso:)),
                returnBy: record.replacementReturnBy.flatMap(CalendarDay.init(iso:)),
                tracking: record.replacementTracking, reminded: record.replacementReminded ?? false)
        }
    }
}

extension ReturnRequest {
    /// Takes what the request's life changed; what was asked for stays as submitted.
    func take(_ request: StoredRequest) {
        status = request.status
        lastChangeAt = request.lastChangeAt
        closedOn = request.closedOn?.iso
        rmaNumber = request.rmaNumber
        validUntil = request.validUntil?.iso
        reminderSent = request.reminderSent
        resellerExtensions = request.resellerExtensions
        informationRequested = request.informationRequested
        answeredAt = request.answeredAt
        if let receipt = request.receipt {
            receivedQuantity = receipt.quantity
            receivedSerials = receipt.serials
            receivedCondition = receipt.condition
            receiptNote = receipt.note
            discrepancy = receipt.differences.map(JSONColumn.init)
        }
        if let note = request.creditNote {
            creditNoteNumber = note.number
            creditAmountCents = note.amount?.cents
            creditKind = note.kind
            creditReason = note.reason
            creditNoteDate = note.date?.iso
        }
        if let replacement = request.replacement {
            replacementStatus = replacement.status
            replacementShipBy = replacement.shipBy?.iso
            replacementReturnBy = replacement.returnBy?.iso
            replacementTracking = replacement.tracking
            replacementReminded = replacement.reminded
        }
    }
}

extension RequestEvent {
    /// A step of a request's timeline as its row.
    convenience init(_ step: TimelineStep, on requestID: Int) {
        self.init()
        self.requestID = requestID
        at = step.at
        actorID = step.actorID
        actor = step.actor
        action = step.action.rawValue
        fromStatus = step.from
        toStatus = step.to
        message = step.message
        attachments = step.attachments
    }
}

/// Gap-free numbers (requests, RMA numbers, credit notes): the counter moves inside the caller's
/// transaction, so a rolled-back submission leaves no hole.
enum NumberSequence {
    static func next(_ name: String, _ database: any Database) async throws -> Int64 {
        struct Row: Decodable { var value: Int64 }
        guard
            let row = try await database.sql.raw(
                "UPDATE number_sequences SET value = value + 1 WHERE name = \(bind: name) RETURNING value"
            ).first(decoding: Row.self)
        else { throw Abort(.internalServerError, reason: "number sequence \(name) is missing") }
        return row.value
    }
}
