import Fluent
import Foundation
import RetourApplication
import RetourCore
import SQLKit
import Vapor

/// One submitted request, as the API contract answers it.
struct SubmittedRequest: Content {
    var number: String
    var rmaNumber: String?
    var validUntil: String?
    var status: String
    var outcome: String
    var shipDirectly: Bool
    var message: String
    var position: Int

    enum CodingKeys: String, CodingKey {
        case number, rmaNumber, validUntil, status, outcome, shipDirectly, message, position
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(number, forKey: .number)
        try container.encode(rmaNumber, forKey: .rmaNumber)
        try container.encode(validUntil, forKey: .validUntil)
        try container.encode(status, forKey: .status)
        try container.encode(outcome, forKey: .outcome)
        try container.encode(shipDirectly, forKey: .shipDirectly)
        try container.encode(message, forKey: .message)
        try container.encode(position, forKey: .position)
    }
}

extension SubmittedRequest {
    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        number = try container.decode(String.self, forKey: .number)
        rmaNumber = try container.decodeIfPresent(String.self, forKey: .rmaNumber)
        validUntil = try container.decodeIfPresent(String.self, forKey: .validUntil)
        status = try container.decode(String.self, forKey: .status)
        outcome = try container.decode(String.self, forKey: .outcome)
        shipDirectly = try container.decode(Bool.self, forKey: .shipDirectly)
        message = try container.decode(String.self, forKey: .message)
        position = try container.decode(Int.self, forKey: .position)
    }
}

/// What a submission answers: the requests made, or — when the company's four-eyes rule holds
/// it — the approval it waits for (then only `approval`, as the contract's 202 says).
struct SubmissionAnswer: Content {
    var requests: [SubmittedRequest]
    var approval: WaitingApproval?

    init(requests: [SubmittedRequest], approval: WaitingApproval? = nil) {
        self.requests = requests
        self.approval = approval
    }

    enum CodingKeys: String, CodingKey { case requests, approval }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        requests = try container.decodeIfPresent([SubmittedRequest].self, forKey: .requests) ?? []
        approval = try container.decodeIfPresent(WaitingApproval.self, forKey: .approval)
    }

    /// The answer while the submission waits for approval: only the approval.
    struct Waiting: Content {
        var approval: WaitingApproval
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        if let approval {
            try Waiting(approval: approval).encode(to: encoder)
        } else {
            try container.encode(requests, forKey: .requests)
        }
    }

    var status: HTTPStatus { approval == nil ? .created : .accepted }
}

/// A submission waiting for a colleague's approval, as the API answers it.
struct WaitingApproval: Content {
    var id: Int
    var status: String
    var amount: String
}

/// Submitting a cart (a use case: explicit inputs, a typed answer, typed refusals as `Refusal`):
/// every position re-checked as of now, the claimed quantities and serials locked so that parallel
/// submissions can never over-claim a line, one request per position, and the confirmation mail
/// queued in the same transaction. The API answers it as JSON, the cart page as the confirmation.
struct SubmitCart {
    var user: User
    /// The same key again answers what the first submission answered.
    var idempotencyKey: String?
    var now: Date
    var today: CalendarDay
    /// The language of the answer's messages and the mail, when the user has none of their own.
    var language: Language
    var texts: TranslationCatalog
    var config: AppConfig
    /// Where the mails' links point (the approvers' link to `/approvals`).
    var baseURL: String = ""
    /// Set when a colleague approves a waiting submission: its positions are submitted, as the
    /// submitter, without asking for approval again.
    var approval: Approval? = nil

    func run(on database: any Database) async throws -> SubmissionAnswer {
        let userID = try user.requireID()
        if let key = idempotencyKey {
            guard !key.isEmpty, key.count <= 200 else {
                throw Refusal.invalid([
                    FieldError(
                        "Idempotency-Key", message: Message("app.registration.aKeyIs1To200"))
                ])
            }
            if let stored = try await storedAnswer(userID: userID, key: key, on: database) { return stored }
        }
        do {
            let answer = try await database.writeTransaction { db in
                try await submitLocked(userID: userID, db: db)
            }
            RetourMetrics.submissions("created").increment()
            return answer
        } catch let problem as Refusal where problem.status == .conflict {
            RetourMetrics.submissions("conflict").increment()
            throw problem
        } catch let error as any DatabaseError where error.isConstraintFailure {
            RetourMetrics.submissions("conflict").increment()
            // Either a parallel submission with the same key won, or a serial was claimed in between.
            if let key = idempotencyKey, let stored = try await storedAnswer(userID: userID, key: key, on: database) {
                return stored
            }
            throw Refusal(
                .conflict, detail: Message("app.registration.partOfThisRequestWasClaimed"))
        }
    }

    /// The answer stored with an idempotency key (a 201's, or a 202's while it waits for approval).
    private func storedAnswer(userID: Int, key: String, on database: any Database) async throws -> SubmissionAnswer? {
        struct Row: Decodable {
            var status: Int
            var response: JSONColumn<SubmissionAnswer>
        }
        let sql = database.sql
        guard
            let row = try await sql.select().columns("status", "response").from("idempotency_keys")
                .where("user_id", .equal, userID).where("key", .equal, key).first(decoding: Row.self)
        else { return nil }
        return row.response.value
    }

    func submitLocked(userID: Int, db: any Database) async throws -> SubmissionAnswer {
        let sql = db.sql
        if !db.isSQLite {
            // The user's own cart first: a second submission of it waits here.
            try await sql.raw("SELECT id FROM cart_positions WHERE user_id = \(bind: userID) ORDER BY id FOR UPDATE")
                .run()
        }
        // A second click with the same key waited for the first: it gets the first one's answer,
        // not "your cart is empty".
        if let key = idempotencyKey, let stored = try await storedAnswer(userID: userID, key: key, on: db) {
            return stored
        }
        let positions = try await CartPosition.query(on: db).filter(\.$userID == userID)
            .filter(\.$approvalID == approval?.id).sort(\.$id).all()
        guard !positions.isEmpty, let companyID = user.companyID else {
            throw Refusal.invalid([
                FieldError("cart", message: Message("app.registration.yourCartIsEmpty"))
            ])
        }
        // Lock the lines in a fixed order: submissions on the same lines wait for each other.
        try await db.lockForUpdate("invoice_lines", ids: Array(Set(positions.map(\.lineID))))

        // Re-check every position as of now, against requests and the positions before it.
        var accepted: [(CartPosition, PreparedPosition)] = []
        // Only requests and the positions of this submission before it count, not the cart.
        let check = PositionCheck(companyID: companyID, cartOwner: nil, today: today, countryNames: texts.all)
        let work = DatabaseCartStore.work(on: db)
        var problems: [FieldError] = []
        var conflict = false
        var claimedHere: [Int: LineClaims] = [:]
        for position in positions {
            let draft = PositionDraft(
                line: position.lineID, reason: position.reason, quantity: position.quantity,
                serials: position.serials, fields: position.fields, attachments: position.attachments,
                returnAddress: position.returnAddress)
            do {
                var prepared = try await check.check(
                    draft, extraClaims: claimedHere[position.lineID] ?? LineClaims(), work: work)
                prepared.position.quantity = position.quantity
                accepted.append((position, prepared))
                if position.reason.holdsGoods {
                    var claims = claimedHere[position.lineID] ?? LineClaims()
                    claims.quantity += prepared.position.quantity
                    claims.serials.formUnion(prepared.position.serials)
                    claimedHere[position.lineID] = claims
                }
            } catch let problem as Refusal {
                if problem.status == .conflict { conflict = true }
                let id = try position.requireID()
                let reasons = problem.errors.map { $0.message }
                let detail = reasons.isEmpty ? [problem.detail] : reasons
                for message in detail {
                    problems.append(
                        FieldError(
                            field: "positions/\(id)",
                            message: Message(
                                "app.registration.positionProblem", ["id": "\(id)", "problem": .message(message)])))
                }
            }
        }
        guard problems.isEmpty else {
            throw Refusal(
                conflict ? .conflict : .invalid,
                detail: Message("app.registration.notSubmittedOneOrMorePositions"),
                errors: problems)
        }

        let language = user.language ?? language
        if approval == nil,
            let waiting = try await Approvals.holdIfNeeded(
                accepted.map(\.0), of: user, now: now, baseURL: baseURL, texts: texts, on: db)
        {
            let answer = SubmissionAnswer(
                requests: [],
                approval: WaitingApproval(
                    id: try waiting.requireID(), status: waiting.status.rawValue, amount: waiting.amount.decimalString))
            if let key = idempotencyKey {
                try await sql.insert(into: "idempotency_keys")
                    .columns("user_id", "key", "status", "response", "created_at")
                    .values(SQLBind(userID), SQLBind(key), SQLBind(202), SQLBind(JSONColumn(answer)), SQLBind(now))
                    .run()
            }
            return answer
        }
        var answers: [SubmittedRequest] = []
        var created: [(ReturnRequest, Reason)] = []
        var submission: String?
        for (position, prepared) in accepted {
            let reason = Reason.named(prepared.position.reason)
            // A replacement ahead of the return is the agent's to approve first: the reseller ships nothing yet.
            let replacement = prepared.position.fields[AdvanceReplacement.field] == .bool(true)
            let outcome: Outcome = replacement ? .inReview : reason.outcome
            let record = ReturnRequest()
            record.number = RequestNumbers.requestNumber(
                category: reason.category, sequence: try await NumberSequence.next("request", db))
            submission = submission ?? record.number
            record.submission = submission
            if outcome == .shipDirectly {
                record.rmaNumber = RequestNumbers.rmaNumber(sequence: try await NumberSequence.next("rma", db))
                record.validUntil = today.adding(days: RequestNumbers.rmaValidityDays).iso
            }
            record.status = RequestStatus.initial(for: outcome)
            record.outcome = outcome
            if replacement { record.replacementStatus = .waitingApproval }
            record.reason = reason.id
            record.lineID = position.lineID
            record.companyID = companyID
            record.userID = userID
            record.quantity = prepared.position.quantity
            record.serials = prepared.position.serials
            record.fields = prepared.position.fields
            record.positionReference = ReturnRequest.positionReference(in: prepared.position.fields)
            record.attachments = prepared.attachments
            record.returnAddress = prepared.returnAddress
            record.policyVersion = prepared.policyVersion
            record.submittedAt = now
            record.submittedOn = today.iso
            record.lastChangeAt = now
            try await record.create(on: db)
            let requestID = try record.requireID()
            let event = RequestEvent()
            event.requestID = requestID
            event.at = now
            event.actorID = userID
            event.actor = .reseller
            event.action = "submit"
            event.fromStatus = record.status
            event.toStatus = record.status
            event.attachments = record.attachments
            try await event.create(on: db)
            // Only requests about the goods hold serials (rulebook §4.6).
            if FormSchema.of(reason.id).serials != .freeText && reason.id.holdsGoods {
                for serial in prepared.position.serials {
                    try await sql.insert(into: "claimed_serials").columns("line_id", "serial", "request_id")
                        .values(SQLBind(position.lineID), SQLBind(serial), SQLBind(requestID)).run()
                }
            }
            try await DatabaseCartStore.endPhoneLinks(ofPositions: [try position.requireID()], at: now, on: db)
            try await position.delete(on: db)
            created.append((record, reason))
            answers.append(
                SubmittedRequest(
                    number: record.number, rmaNumber: record.rmaNumber, validUntil: record.validUntil,
                    status: record.status.rawValue,
                    outcome: record.outcome.rawValue, shipDirectly: outcome == .shipDirectly,
                    message: texts[language].outcome(outcome, of: reason.id),
                    position: try position.requireID()))
        }

        let mail = try await ConfirmationMail.compose(
            created, user: user, texts: texts[language], db: db, config: config, baseURL: baseURL)
        let outbox = OutboxMail(recipient: user.email, subject: mail.subject, body: mail.body, now: now)
        if !mail.attachments.isEmpty { outbox.attachments = JSONColumn(mail.attachments) }
        try await outbox.create(on: db)

        let answer = SubmissionAnswer(requests: answers)
        if let key = idempotencyKey {
            try await sql.insert(into: "idempotency_keys").columns("user_id", "key", "status", "response", "created_at")
                .values(SQLBind(userID), SQLBind(key), SQLBind(201), SQLBind(JSONColumn(answer)), SQLBind(now))
                .run()
        }
        try await IntegrationEvents.record(
            [.requestCreated], of: created.map(\.0), at: now, language: language, texts: texts, on: db)
        return answer
    }
}
