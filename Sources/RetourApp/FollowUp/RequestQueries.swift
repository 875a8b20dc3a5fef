import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// A request as the API contract shows it.
struct RequestView: Content {
    struct Event: Content {
        var at: Date
        var actor: String
        var action: String
        var from: String
        var to: String
        var message: String?
        var attachments: [String]
    }

    struct CreditNoteView: Content {
        var number: String
        var amount: String
        /// `credit` (money to the reseller) or `charge` (kept goods invoiced to the reseller).
        var kind: String
        var url: String
    }

    var number: String
    var rmaNumber: String?
    var validUntil: String?
    var status: String
    var reason: String
    var outcome: String
    var line: Int
    var invoice: String
    var article: String
    var description: String
    var quantity: Int
    var serials: [String]
    var fields: [String: JSONValue]
    var attachments: [String]
    var submittedAt: Date
    var lastChangeAt: Date
    var discrepancy: String?
    var events: [Event]
    var creditNote: CreditNoteView?
    var returnForm: String?
    /// True while the agent waits for the reseller's answer (contract "Operations").
    var informationRequested: Bool
    /// The advance replacement the reseller asked for (contract "Vendor recovery"); nil: none.
    var replacement: ReplacementView?

    struct ReplacementView: Content {
        var status: String
        var shipBy: String?
        var returnBy: String?

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(status, forKey: .status)
            try c.encode(shipBy, forKey: .shipBy)
            try c.encode(returnBy, forKey: .returnBy)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case number, rmaNumber, validUntil, status, reason, outcome, line, invoice, article, description, quantity,
            serials
        case fields, attachments, submittedAt, lastChangeAt, discrepancy, events, creditNote, returnForm
        case informationRequested
        case replacement
    }

    /// Absent values are written as `null`: the contract names every field.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(number, forKey: .number)
        try c.encode(rmaNumber, forKey: .rmaNumber)
        try c.encode(validUntil, forKey: .validUntil)
        try c.encode(status, forKey: .status)
        try c.encode(reason, forKey: .reason)
        try c.encode(outcome, forKey: .outcome)
        try c.encode(line, forKey: .line)
        try c.encode(invoice, forKey: .invoice)
        try c.encode(article, forKey: .article)
        try c.encode(description, forKey: .description)
        try c.encode(quantity, forKey: .quantity)
        try c.encode(serials, forKey: .serials)
        try c.encode(fields, forKey: .fields)
        try c.encode(attachments, forKey: .attachments)
        try c.encode(submittedAt, forKey: .submittedAt)
        try c.encode(lastChangeAt, forKey: .lastChangeAt)
        try c.encode(discrepancy, forKey: .discrepancy)
        try c.encode(events, forKey: .events)
        try c.encode(creditNote, forKey: .creditNote)
        try c.encode(returnForm, forKey: .returnForm)
        try c.encode(informationRequested, forKey: .informationRequested)
        try c.encode(replacement, forKey: .replacement)
    }
}

struct RequestList: Content {
    var requests: [RequestView]
    var page: Int
    var per: Int
    var total: Int
}

enum RequestQueries {
    enum State: String {
        case open
        case archived
        case all
    }

    struct Filter {
        var state = State.open
        var scope: CompanyScope
        var status: RequestStatus?
        /// Only these statuses (the agent's to-do list), when no single status is chosen.
        var statuses: [RequestStatus]?
        var reason: ReasonID?
        var number: String?
        var oldestFirst = false
        /// The reseller's overview: requests where the agent waits for the reseller's answer first.
        var waitingFirst = false
        /// Only requests where the agent waits for the reseller's answer, or where it came.
        var conversation: Conversation?
    }

    /// Where the conversation with the agent stands.
    enum Conversation: String, CaseIterable {
        /// The agent asked for information and the reseller has not answered yet.
        case waitingForAnswer = "information_requested"
        /// The reseller answered; the agent has not taken the next step yet.
        case answered

        /// `query` narrowed to the requests whose conversation stands so.
        func filter(_ query: QueryBuilder<ReturnRequest>) -> QueryBuilder<ReturnRequest> {
            let inReview = query.filter(\.$status == .inReview)
            switch self {
            case .waitingForAnswer: return inReview.filter(\.$informationRequested == true).filter(\.$answeredAt == nil)
            case .answered: return inReview.filter(\.$answeredAt != nil)
            }
        }
    }

    /// The company's requests that wait for the reseller's answer (the start page's notice).
    static func waitingForAnswer(company: Int, on db: any Database) async throws -> Int {
        try await Conversation.waitingForAnswer.filter(ReturnRequest.query(on: db).filter(\.$companyID == company))
            .count()
    }

    /// The requests `filter` selects, a page at a time.
    static func list(_ filter: Filter, today: CalendarDay, page: Int, per: Int, on db: any Database) async throws
        -> (records: [ReturnRequest], total: Int)
    {
        let (_, policy) = try await PolicyStore.current(on: db, day: today)
        let archiveDay = today.adding(days: -policy.archiveDays).iso
        func apply(_ query: QueryBuilder<ReturnRequest>) -> QueryBuilder<ReturnRequest> {
            var query = query
            if case .company(let company) = filter.scope { query = query.filter(\.$companyID == company) }
            if let status = filter.status { query = query.filter(\.$status == status) }
            if filter.status == nil, let statuses = filter.statuses {
                query = query.filter(\.$status ~~ statuses)
            }
            if let reason = filter.reason { query = query.filter(\.$reason == reason) }
            if let conversation = filter.conversation { query = conversation.filter(query) }
            if let typed = filter.number?.trimmingWhitespace(), !typed.isEmpty {
                // Request number, RMA number, the reseller's own reference, invoice number or serial,
                // whatever their case.
                let number = typed.uppercased()
                // The serial as it stands, quoted, in the request's JSON list of serials.
                let quotedSerial = "%\"" + number + "\"%"
                query = query.group(.or) {
                    $0.filter(.sql(unsafeRaw: "UPPER(requests.number)"), .equal, .bind(number))
                        .filter(.sql(unsafeRaw: "UPPER(requests.rma_number)"), .equal, .bind(number))
                        .filter(.sql(unsafeRaw: "UPPER(requests.position_reference)"), .equal, .bind(number))
                        .filter(
                            .sql(
                                embed:
                                    "requests.line_id IN (SELECT id FROM invoice_lines WHERE UPPER(invoice_number) = \(bind: number))"
                            )
                        )
                        .filter(
                            .sql(
                                embed:
                                    "requests.line_id IN (SELECT line_id FROM serial_numbers WHERE UPPER(number) = \(bind: number)) AND UPPER(CAST(requests.serials AS TEXT)) LIKE \(bind: quotedSerial)"
                            ))
                }
            }
            switch filter.state {
            case .archived:
                query = query.filter(\.$status ~~ [RequestStatus.closed, .rejected])
                    .filter(\.$closedOn < archiveDay)
            case .open:
                query = query.group(.or) { group in
                    group.filter(\.$status !~ [RequestStatus.closed, .rejected])
                        .filter(\.$closedOn >= archiveDay)
                }
            case .all:
                break
            }
            return query
        }
        let total = try await apply(ReturnRequest.query(on: db)).count()
        var ordered = apply(ReturnRequest.query(on: db))
        if filter.waitingFirst {
            ordered = ordered.sort(
                .sql(
                    embed:
                        "CASE WHEN requests.status = \(bind: RequestStatus.inReview.rawValue) AND requests.information_requested = \(bind: true) AND requests.answered_at IS NULL THEN 0 ELSE 1 END"
                ))
        }
        if filter.oldestFirst {
            // The agent's queue: requests the reseller has just answered come first.
            ordered = ordered.sort(.sql(unsafeRaw: "CASE WHEN requests.answered_at IS NULL THEN 1 ELSE 0 END"))
        }
        let records =
            try await ordered
            .sort(\.$submittedAt, filter.oldestFirst ? .ascending : .descending).sort(
                \.$id, filter.oldestFirst ? .ascending : .descending
            )
            .range((page - 1) * per..<(page * per)).all()
        return (records, total)
    }

    /// The request with this number, if `user` may see it.
    static func find(_ number: String, for user: User, on db: any Database) async throws -> ReturnRequest? {
        guard number.count <= 40, let record = try await ReturnRequest.query(on: db).filter(\.$number == number).first()
        else { return nil }
        return try user.companyScope().allows(record.companyID) ? record : nil
    }

    /// The requests submitted together with `record`, oldest first, within its company.
    static func submission(of record: ReturnRequest, on db: any Database) async throws -> [ReturnRequest] {
        try await ReturnRequest.query(on: db).filter(\.$companyID == record.companyID)
            .filter(\.$submission == (record.submission ?? record.number)).sort(\.$id).all()
    }

    /// The request with this id, as it is now (after a step, to show it).
    static func find(id: Int, on db: any Database) async throws -> ReturnRequest? {
        try await ReturnRequest.find(id, on: db)
    }

    /// The invoice line a request names, with its article.
    static func line(_ id: Int, on db: any Database) async throws -> (line: InvoiceLine?, article: Article?) {
        guard let line = try await InvoiceLine.find(id, on: db) else { return (nil, nil) }
        return (line, try await Article.find(line.$article.id, on: db))
    }

    /// The unit price of an invoice line, in cents.
    static func unitPrice(ofLine id: Int, on db: any Database) async throws -> Int64? {
        try await InvoiceLine.find(id, on: db)?.unitPriceCents
    }

    static func company(_ id: Int, on db: any Database) async throws -> Company? {
        try await Company.find(id, on: db)
    }

    /// The request with this number, whoever's it is: for the documents and mails the system makes.
    static func find(number: String, on db: any Database) async throws -> ReturnRequest? {
        try await ReturnRequest.query(on: db).filter(\.$number == number).first()
    }

    /// What the request's page shows besides the request: its line, company, files and timeline
    /// with the people who took each step.
    struct Details {
        struct Step {
            var event: RequestEvent
            var actorName: String?
            var files: [Attachment]
        }

        var line: InvoiceLine?
        var article: Article?
        var company: Company?
        var attachments: [Attachment]
        var steps: [Step]
    }

    static func details(of record: ReturnRequest, on db: any Database) async throws -> Details {
        let (line, article) = try await line(record.lineID, on: db)
        var steps: [Details.Step] = []
        let events = try await RequestEvent.query(on: db).filter(\.$requestID == record.requireID()).sort(\.$at)
            .sort(\.$id).all()
        for event in events {
            var name: String?
            if let id = event.actorID { name = try await User.find(id, on: db)?.name }
            steps.append(
                Details.Step(event: event, actorName: name, files: try await attachments(event.attachments, on: db)))
        }
        return Details(
            line: line, article: article, company: try await company(record.companyID, on: db),
            attachments: try await attachments(record.attachments, on: db), steps: steps)
    }

    /// The files of `ids` that are still there, in that order.
    static func attachments(_ ids: [String], on db: any Database) async throws -> [Attachment] {
        var found: [Attachment] = []
        for id in ids { if let attachment = try await Attachment.find(id, on: db) { found.append(attachment) } }
        return found
    }

    static func view(_ record: ReturnRequest, withEvents: Bool, texts t: Translations, on db: any Database) async throws
        -> RequestView
    {
        let (line, article) = try await line(record.lineID, on: db)
        var events: [RequestView.Event] = []
        if withEvents {
            let stored = try await RequestEvent.query(on: db).filter(\.$requestID == record.requireID()).sort(\.$at)
                .sort(\.$id).all()
            events = stored.map {
                .init(
                    at: $0.at, actor: $0.actor.rawValue, action: $0.action, from: $0.fromStatus.rawValue,
                    to: $0.toStatus.rawValue,
                    message: $0.message,
                    attachments: $0.attachments)
            }
        }
        return RequestView(
            number: record.number, rmaNumber: record.rmaNumber, validUntil: record.validUntil,
            status: record.status.rawValue,
            reason: record.reason.rawValue, outcome: record.outcome.rawValue, line: record.lineID,
            invoice: line?.invoiceNumber ?? "",
            article: article?.number ?? "", description: article?.description ?? "", quantity: record.quantity,
            serials: record.serials,
            fields: record.fields,
            attachments: record.attachments, submittedAt: record.submittedAt,
            lastChangeAt: record.lastChangeAt ?? record.submittedAt,
            discrepancy: RequestSettlements.discrepancyText(record.discrepancy, texts: t), events: events,
            creditNote: record.creditNoteNumber.map {
                .init(
                    number: $0, amount: Money(cents: record.creditAmountCents ?? 0).decimalString,
                    kind: (record.creditKind ?? .credit).rawValue,
                    url: APIRoute.requestCreditNote.path(record.number))
            },
            returnForm: record.rmaNumber == nil ? nil : APIRoute.requestReturnForm.path(record.number),
            informationRequested: record.informationRequested == true,
            replacement: record.replacementStatus.map {
                .init(status: $0.rawValue, shipBy: record.replacementShipBy, returnBy: record.replacementReturnBy)
            })
    }
}
