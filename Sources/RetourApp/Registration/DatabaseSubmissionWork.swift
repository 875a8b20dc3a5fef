import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit

/// A cart's positions becoming requests: the only code that writes a submission's rows.
extension DatabaseCartStore: SubmissionStore {
    func transaction<T: Sendable>(_ work: @escaping @Sendable (any SubmissionWork) async throws -> T) async throws
        -> T
    {
        let settings = settings
        do {
            return try await database.writeTransaction { db in try await work(Work(db: db, settings: settings)) }
        } catch let error as any DatabaseError where error.isConstraintFailure {
            throw SubmissionConflict()
        }
    }

    func storedAnswer(userID: Int, key: String) async throws -> Submission? {
        try await Self.storedAnswer(userID: userID, key: key, on: database)
    }

    /// The answer kept with an idempotency key (a 201's, or a 202's while it waits for approval).
    static func storedAnswer(userID: Int, key: String, on database: any Database) async throws -> Submission? {
        struct Row: Decodable { var response: JSONColumn<SubmissionAnswer> }
        guard
            let row = try await database.sql.select().columns("response").from("idempotency_keys")
                .where("user_id", .equal, userID).where("key", .equal, key).first(decoding: Row.self)
        else { return nil }
        return row.response.value.submission
    }
}

extension DatabaseCartStore.Work: SubmissionWork {
    func lockCart(of userID: Int) async throws {
        // SQLite has one writer at a time: the transaction is the lock.
        guard !db.isSQLite else { return }
        try await db.sql.raw("SELECT id FROM cart_positions WHERE user_id = \(bind: userID) ORDER BY id FOR UPDATE")
            .run()
    }

    func storedAnswer(userID: Int, key: String) async throws -> Submission? {
        try await DatabaseCartStore.storedAnswer(userID: userID, key: key, on: db)
    }

    func submittable(of userID: Int, approval: Int?) async throws -> [SubmittablePosition] {
        try await CartPosition.query(on: db).filter(\.$userID == userID).filter(\.$approvalID == approval)
            .sort(\.$id).all()
            .map { position in
                SubmittablePosition(
                    id: try position.requireID(),
                    draft: PositionDraft(
                        line: position.lineID, reason: position.reason, quantity: position.quantity,
                        serials: position.serials, fields: position.fields, attachments: position.attachments,
                        returnAddress: position.returnAddress))
            }
    }

    func approvalRule(companyID: Int) async throws -> SubmitApproval? {
        try await Company.find(companyID, on: db)?.submitApproval
    }

    func value(of positions: [SubmittablePosition]) async throws -> Money {
        let lines = try await InvoiceLine.query(on: db).filter(\.$id ~~ Set(positions.map(\.draft.line))).all()
        let prices = Dictionary(lines.map { ($0.id ?? 0, $0.unitPriceCents) }, uniquingKeysWith: { a, _ in a })
        return Money(
            cents: positions.reduce(Int64(0)) { $0 + (prices[$1.draft.line] ?? 0) * Int64($1.draft.quantity ?? 0) })
    }

    func hold(_ positions: [Int], submitterID: Int, companyID: Int, amount: Money, at now: Date) async throws
        -> WaitingApproval
    {
        try await DatabaseApprovals.hold(
            positions, submitterID: submitterID, companyID: companyID, amount: amount, now: now,
            baseURL: settings.baseURL, texts: settings.texts, on: db)
    }

    func next(_ sequence: SubmissionSequence) async throws -> Int64 {
        try await NumberSequence.next(sequence.rawValue, db)
    }

    func createRequest(_ new: NewRequest) async throws -> Int {
        let record = ReturnRequest()
        record.number = new.number
        record.submission = new.submission
        record.rmaNumber = new.rmaNumber
        record.validUntil = new.validUntil?.iso
        record.status = new.status
        record.outcome = new.outcome
        if new.replacementAsked { record.replacementStatus = .waitingApproval }
        record.reason = new.position.position.reason
        record.lineID = new.lineID
        record.companyID = new.companyID
        record.userID = new.userID
        record.quantity = new.position.position.quantity
        record.serials = new.position.position.serials
        record.fields = new.position.position.fields
        record.positionReference = ReturnRequest.positionReference(in: new.position.position.fields)
        record.attachments = new.position.attachments
        record.returnAddress = new.position.returnAddress
        record.policyVersion = new.position.policyVersion
        record.submittedAt = new.submittedAt
        record.submittedOn = new.submittedOn.iso
        record.lastChangeAt = new.submittedAt
        try await record.create(on: db)
        let id = try record.requireID()
        let event = RequestEvent()
        event.requestID = id
        event.at = new.submittedAt
        event.actorID = new.userID
        event.actor = .reseller
        event.action = "submit"
        event.fromStatus = record.status
        event.toStatus = record.status
        event.attachments = record.attachments
        try await event.create(on: db)
        return id
    }

    func claimSerials(_ serials: [String], onLine line: Int, request: Int) async throws {
        for serial in serials {
            try await db.sql.insert(into: "claimed_serials").columns("line_id", "serial", "request_id")
                .values(SQLBind(line), SQLBind(serial), SQLBind(request)).run()
        }
    }

    func removeFromCart(position: Int, at now: Date) async throws {
        try await DatabaseCartStore.endPhoneLinks(ofPositions: [position], at: now, on: db)
        try await CartPosition.query(on: db).filter(\.$id == position).delete()
    }

    func confirm(requests ids: [Int], to userID: Int, texts: Translations, at now: Date) async throws {
        guard let user = try await User.find(userID, on: db) else { return }
        let requests = try await ReturnRequest.query(on: db).filter(\.$id ~~ ids).sort(\.$id).all()
        let mail = try await ConfirmationMail.compose(
            requests.map { ($0, Reason.named($0.reason)) }, user: user, texts: texts, db: db, config: settings.config,
            baseURL: settings.baseURL)
        let outbox = OutboxMail(recipient: user.email, subject: mail.subject, body: mail.body, now: now)
        if !mail.attachments.isEmpty { outbox.attachments = JSONColumn(mail.attachments) }
        try await outbox.create(on: db)
    }

    func keepAnswer(_ submission: Submission, userID: Int, key: String, at now: Date) async throws {
        let status = submission.approval == nil ? 201 : 202
        try await db.sql.insert(into: "idempotency_keys").columns("user_id", "key", "status", "response", "created_at")
            .values(
                SQLBind(userID), SQLBind(key), SQLBind(status), SQLBind(JSONColumn(SubmissionAnswer(submission))),
                SQLBind(now)
            )
            .run()
    }

    func announceCreated(requests ids: [Int], language: Language, at now: Date) async throws {
        let requests = try await ReturnRequest.query(on: db).filter(\.$id ~~ ids).sort(\.$id).all()
        try await DatabaseEventOutbox.record(
            [.requestCreated], of: requests, at: now, language: language, texts: settings.texts, on: db)
    }
}

extension DatabaseCartStore.Work {
    func lockApproval(_ id: Int) async throws -> StoredApproval? {
        try await db.lockForUpdate(Approval.schema, ids: [id])
        return try await Approval.find(id, on: db).map {
            StoredApproval(
                id: id, companyID: $0.companyID, submitterID: $0.userID, status: $0.status, amount: $0.amount)
        }
    }

    func submitter(_ userID: Int) async throws -> Submitter? {
        try await User.find(userID, on: db).map {
            Submitter(
                userID: userID, companyID: $0.companyID, rights: $0.rights, language: $0.language, active: $0.active)
        }
    }

    func decide(
        approval id: Int, status: ApprovalStatus, by approverID: Int, message: String?, submission: String?,
        at now: Date
    ) async throws {
        guard let approval = try await Approval.find(id, on: db) else { throw Refusal.notFound() }
        approval.status = status
        approval.decidedAt = now
        approval.decidedBy = approverID
        approval.message = message
        if let submission { approval.submission = submission }
        try await approval.save(on: db)
    }

    func returnToCart(approval id: Int) async throws {
        try await CartPosition.query(on: db).filter(\.$approvalID == id).set(\.$approvalID, to: nil).update()
    }

    func tellRejected(submitterID: Int, approverID: Int, message: String, language: Language, at now: Date)
        async throws
    {
        guard let submitter = try await User.find(submitterID, on: db) else { return }
        let approver = try await User.find(approverID, on: db)
        let t = settings.texts[submitter.language ?? language]
        let body = [
            t("mail.greeting", ["name": submitter.name]), "",
            t("mail.approval.rejected.text", ["name": approver?.name ?? ""]), "",
            message, "",
            settings.baseURL + PageRoute.cart.path(),
        ].joined(separator: "\n")
        try await OutboxMail(
            recipient: submitter.email, subject: t["mail.approval.rejected.subject"], body: body, now: now
        ).create(on: db)
    }

    func audit(_ action: String, subject: String, detail: String, actorID: Int?, at now: Date) async throws {
        try await AuditEvent(at: now, actorID: actorID, action: action, subject: subject, detail: detail).create(on: db)
    }
}
