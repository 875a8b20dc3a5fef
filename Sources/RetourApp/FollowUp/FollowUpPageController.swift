import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// "RMA-statusoverzicht", "Archief", the agent's review queue, and one request's page with its
/// timeline, message thread, documents and actions.
struct FollowUpPageController: RoleRouteCollection {
    static let perPage = 25

    func boot(_ routes: RoleRoutes) throws {
        let everyone = routes.signedIn
        everyone.get(PageRoute.status, use: status)
        everyone.get(PageRoute.archive, use: archive)
        everyone.get(PageRoute.request, use: detail)
        everyone.get(PageRoute.requestCreditNote, use: creditNote)
        everyone.get(PageRoute.requestCreditNoteXML, use: creditNoteXML)
        everyone.get(PageRoute.requestReturnForm, use: returnForm)
        everyone.on(.POST, PageRoute.requestMessages, body: .stream, use: message)
            .userInfo[BodyLimit.streamsUploadKey] = true
        everyone.post(PageRoute.requestExtend, use: extend)
        let staff = routes.backOffice
        staff.get(PageRoute.backOffice, use: queue)
        staff.post(PageRoute.requestDecision, use: decision)
        staff.post(PageRoute.requestReceipt, use: receipt)
        staff.post(PageRoute.requestCredit, use: credit)
        staff.post(PageRoute.requestClose, use: close)
        staff.post(PageRoute.requestDisposition, use: disposition)
        staff.post(PageRoute.requestReplacement, use: shipReplacement)
    }

    struct Row: Encodable {
        var number: String
        var rmaNumber: String
        var validUntil: String
        var reason: String
        var article: String
        var invoice: String
        /// The reseller's own reference of the position; empty: none.
        var reference: String
        var quantity: Int
        var status: String
        var statusLabel: String
        var lastChange: String
        var creditNote: Bool
        var company: String
        var age: String
        var overdue: Bool
        /// The reseller answered the agent's question.
        var answered: Bool
    }

    typealias Option = SelectOption

    /// The three lists of requests, one page each.
    enum ListKind: String, Encodable {
        case status, archive, backoffice

        var route: PageRoute {
            switch self {
            case .status: .status
            case .archive: .archive
            case .backoffice: .backOffice
            }
        }
    }

    struct ListContent: Encodable {
        var kind: ListKind
        var action: String
        var rows: [Row]
        var number: String
        var statuses: [Option]
        var reasons: [Option]
        var minimumAge: String
        var summary: String
        var previousPage: String?
        var nextPage: String?
        /// The queue shows every open request instead of the to-do list.
        var allOpen = false
        /// On the status overview: the reseller's submissions waiting for a colleague's approval.
        var approvals: [ApprovalsController.Shown] = []
    }

    static func label(of conversation: RequestQueries.Conversation, _ t: Translations) -> String {
        switch conversation {
        case .waitingForAnswer: t["status.informationRequested"]
        case .answered: t["requests.answered"]
        }
    }

    @Sendable func status(req: Request) async throws -> Response {
        try await list(req, kind: .status, state: .open, oldestFirst: false)
    }

    @Sendable func archive(req: Request) async throws -> Response {
        try await list(req, kind: .archive, state: .archived, oldestFirst: false)
    }

    @Sendable func queue(req: Request) async throws -> Response {
        return try await list(req, kind: .backoffice, state: .open, oldestFirst: true)
    }

    private func list(_ req: Request, kind: ListKind, state: RequestQueries.State, oldestFirst: Bool) async throws
        -> Response
    {
        let user = try req.requireUser()
        let language = req.language
        let t = req.texts
        var filter = RequestQueries.Filter(state: state, scope: try user.companyScope(), oldestFirst: oldestFirst)
        // The reseller's overview puts first what waits for the reseller's answer.
        filter.waitingFirst = kind == .status
        let statusText = req.query[String.self, at: "status"] ?? ""
        let reasonText = req.query[String.self, at: "reason"] ?? ""
        filter.status = RequestStatus(rawValue: statusText)
        filter.conversation = RequestQueries.Conversation(rawValue: statusText)
        // The agent's queue is a to-do list: work waiting for the agent, unless another status is chosen.
        if kind == .backoffice && statusText.isEmpty { filter.statuses = [.inReview, .received] }
        filter.reason = ReasonID(rawValue: reasonText)
        let number = (req.query[String.self, at: "number"] ?? "").trimmingWhitespace()
        filter.number = number.isEmpty ? nil : String(number.prefix(40))
        let minimumAge = try req.boundedQuery("age", in: Limits.days, default: 0)
        let page = try req.boundedQuery("page", in: Limits.page, default: 1)
        var (records, total) = try await RequestQueries.list(
            filter, today: req.today, page: page, per: Self.perPage, on: req.db)
        let today = req.today
        let (_, policy) = try await PolicyStore.current(on: req.db, day: today)
        var rows: [Row] = []
        for record in records {
            let submitted = CalendarDay(iso: record.submittedOn) ?? today
            let age = submitted.workingDays(until: today)
            if minimumAge > 0 && age < minimumAge { continue }
            let (line, article) = try await RequestQueries.line(record.lineID, on: req.db)
            let company =
                user.role.seesAllCompanies
                ? try await RequestQueries.company(record.companyID, on: req.db)?.name ?? "" : ""
            let status = record.status
            let target = policy[record.reason].reviewTarget
            rows.append(
                Row(
                    number: record.number, rmaNumber: record.rmaNumber ?? "",
                    validUntil: record.validUntil.flatMap(CalendarDay.init(iso:)).map(language.format) ?? "",
                    reason: Reason.named(record.reason).label.text(t),
                    article: "\(article?.number ?? "") \(article?.description ?? "")",
                    invoice: line.map { "\($0.invoiceNumber) #\($0.position)" } ?? "",
                    reference: record.positionReference ?? "", quantity: record.quantity,
                    status: record.status.rawValue, statusLabel: StatusLabels.label(of: record, req.texts),
                    lastChange: language.format(
                        CalendarDay(record.lastChangeAt ?? record.submittedAt, in: req.config.timeZone)),
                    creditNote: record.creditNoteNumber != nil, company: company,
                    age: t(
                        age == 1 ? "backoffice.age.one" : "backoffice.age", ["days": "\(age)", "target": "\(target)"]),
                    overdue: status == .inReview && age > target, answered: record.answeredAt != nil))
        }
        records = []
        func link(_ page: Int) -> String {
            var components = URLComponents()
            components.path = kind.route.path()
            var items = (URLComponents(string: req.url.string)?.queryItems ?? []).filter { $0.name != "page" }
            items.append(URLQueryItem(name: "page", value: String(page)))
            components.queryItems = items
            return components.string ?? kind.route.path()
        }
        let approvals =
            kind == .status && user.role.belongsToCompany
            ? ApprovalsController.shown(
                try await ApprovalQueries(database: req.db).ofSubmitter(user, now: req.now, texts: t), req) : []
        let content = ListContent(
            kind: kind, action: kind.route.path(), rows: rows, number: number,
            statuses: RequestStatus.allCases.map {
                Option(value: $0.rawValue, label: $0.label.text(t), selected: $0.rawValue == statusText)
            }
                + RequestQueries.Conversation.allCases.map {
                    Option(value: $0.rawValue, label: Self.label(of: $0, t), selected: $0.rawValue == statusText)
                },
            reasons: Reason.catalogue.map {
                Option(
                    value: $0.id.rawValue, label: $0.label.text(t), selected: $0.id.rawValue == reasonText)
            },
            minimumAge: minimumAge > 0 ? "\(minimumAge)" : "",
            summary: total == 0
                ? "" : t(total == 1 ? "requests.summary.one" : "requests.summary.other", ["total": "\(total)"]),
            previousPage: page > 1 ? link(page - 1) : nil,
            nextPage: page * Self.perPage < total ? link(page + 1) : nil, allOpen: statusText == "open",
            approvals: approvals)
        let title: String
        switch kind {
        case .status: title = t["nav.status"]
        case .archive: title = t["nav.archive"]
        case .backoffice: title = t["nav.backoffice"]
        }
        return try await req.renderPage("requests", title: title, nav: kind.rawValue, content: content)
    }

    private func found(_ req: Request) async throws -> (User, ReturnRequest) {
        let user = try req.requireUser()
        guard let number = req.parameters.get("number"),
            let record = try await RequestQueries.find(number, for: user, on: req.db)
        else { throw Refusal.notFound() }
        return (user, record)
    }

    @Sendable func detail(req: Request) async throws -> Response {
        let (user, record) = try await found(req)
        return try await RequestPage.render(req, user: user, record: record)
    }

    @Sendable func creditNote(req: Request) async throws -> Response {
        let (_, record) = try await found(req)
        guard let number = record.creditNoteNumber else { throw Refusal.notFound() }
        let data = try await Documents.creditNote(for: record, texts: req.texts, config: req.config, db: req.db)
        return Documents.response(data, filename: "\(number).pdf")
    }

    /// The same credit note as UBL (Peppol BIS Billing 3.0), for the reseller's bookkeeping.
    @Sendable func creditNoteXML(req: Request) async throws -> Response {
        let (_, record) = try await found(req)
        guard record.creditNoteNumber != nil else { throw Refusal.notFound() }
        return try await Documents.ublResponse(for: record, texts: req.texts, config: req.config, db: req.db)
    }

    @Sendable func returnForm(req: Request) async throws -> Response {
        let (_, record) = try await found(req)
        guard let rma = record.rmaNumber else { throw Refusal.notFound() }
        let data = try await Documents.returnForm(for: record, texts: req.texts, config: req.config, db: req.db)
        return Documents.response(data, filename: "\(rma).pdf")
    }

    /// Runs an action and shows the request again, with the outcome or the reason it was refused.
    /// A refused form comes back as it was typed: an agent who forgot a reason must not find the
    /// amount reset to the proposal.
    private func act(_ req: Request, _ work: (User, ReturnRequest) async throws -> Void) async throws -> Response {
        let (user, record) = try await found(req)
        do {
            try await work(user, record)
        } catch let problem as Refusal where problem.status != .notFound && problem.status != .forbidden {
            let messages = problem.errors.isEmpty ? [problem.detail] : problem.errors.map(\.message)
            var typed = (try? req.content.decode([String: String].self)) ?? [:]
            typed["_csrf"] = nil
            guard let current = try await RequestQueries.find(id: try record.requireID(), on: req.db) else {
                throw Refusal.notFound()
            }
            return try await RequestPage.render(
                req, user: user, record: current,
                error: messages.map { $0.text(req.texts) }.joined(separator: " "), typed: typed,
                status: problem.status == .conflict ? .conflict : .unprocessableEntity)
        }
        return req.redirect(to: .request(record.number))
    }

    struct MessageForm: Codable {
        var message: String?
    }

    @Sendable func message(req: Request) async throws -> Response {
        try await act(req) { user, record in
            let streamed = try await UploadStream.read(
                req, csrf: req.expectedCSRF, maximumFiles: 20,
                directory: AttachmentStore.temporaryDirectory(req.config))
            defer { streamed.discard() }
            let form = try streamed.decode(MessageForm.self)
            let text = try RequestSteps.checkedMessage(form.message)
            let result = try await req.storeUploads(user: user, companyID: user.companyID ?? record.companyID)
                .run(streamed.files.arrived)
            guard result.errors.isEmpty else { throw Refusal.invalid(result.errors) }
            try await req.requestSteps(for: user).post(
                message: text, attachments: result.files.map(\.id), seenBy: try user.companyScope(),
                on: record.requireID())
        }
    }

    @Sendable func extend(req: Request) async throws -> Response {
        try await act(req) { user, record in
            try await req.requestSteps(for: user).perform(.extend, on: record.requireID())
        }
    }

    struct DecisionForm: Codable {
        var decision: String?
        var message: String?
    }

    @Sendable func decision(req: Request) async throws -> Response {
        return try await act(req) { user, record in
            let form = try req.content.decode(DecisionForm.self)
            try await req.requestSteps(for: user).decide(
                form.decision.flatMap(RequestAction.init(rawValue:)), message: form.message, on: record.requireID())
        }
    }

    struct ReceiptForm: Codable {
        var quantity: String?
        var serials: String?
        var condition: String?
        var note: String?
    }

    @Sendable func receipt(req: Request) async throws -> Response {
        return try await act(req) { user, record in
            let form = try req.content.decode(ReceiptForm.self)
            var errors: [FieldError] = []
            guard let quantity = boundedField(form.quantity, "quantity", in: Limits.quantity, errors: &errors) else {
                throw Refusal.invalid(errors)
            }
            let serials = (form.serials ?? "").split(whereSeparator: { $0 == "," || $0.isNewline || $0 == " " }).map(
                String.init)
            let note = (form.note ?? "").trimmingWhitespace()
            try await req.requestSteps(for: user).receive(
                GoodsReceipt(
                    quantity: quantity, serials: serials, condition: form.condition.flatMap(ReceiptCondition.init),
                    note: note.isEmpty ? nil : note),
                on: record.requireID())
        }
    }

    struct CreditForm: Codable {
        var amount: String?
        var reason: String?
        /// The return fee in percent, where the reason is credited less a fee.
        var feePercent: String?
    }

    @Sendable func credit(req: Request) async throws -> Response {
        return try await act(req) { user, record in
            let form = try req.content.decode(CreditForm.self)
            let raw = (form.amount ?? "").trimmingWhitespace().replacingOccurrences(of: ",", with: ".")
            var amount: Money?
            if !raw.isEmpty {
                guard let parsed = Money(decimal: raw) else {
                    throw Refusal.invalid([
                        FieldError("amount", message: Message("app.followup.enterAnAmountLike9891"))
                    ])
                }
                amount = parsed
            }
            var reason = (form.reason ?? "").trimmingWhitespace()
            // Another fee than the policy's: the amount follows from it (unless the agent typed an
            // amount of their own), and says why.
            if let typedFee = form.feePercent?.trimmingWhitespace(), !typedFee.isEmpty,
                let policyFee = try await RequestSettlements.feeBasisPoints(for: record, db: req.db)
            {
                guard let fee = Percent.basisPoints(typedFee), (0...10_000).contains(fee) else {
                    throw Refusal.invalid([
                        FieldError("feePercent", message: Message("app.followup.enterAFeeFrom0To100"))
                    ])
                }
                let computed = try await RequestSettlements.settlement(for: record, db: req.db)
                if fee != policyFee && (amount == nil || amount == computed.amount) {
                    amount = try computed.value.discounted(byBasisPoints: fee)
                    if reason.isEmpty {
                        reason = req.texts("backoffice.feeReason", ["percent": req.language.format(percent: fee)])
                    }
                }
            }
            try await req.requestSteps(for: user).credit(
                amount: amount, reason: reason.isEmpty ? nil : reason,
                mayExceedValue: user.role.mayCreditAboveTheGoodsValue, on: record.requireID())
        }
    }

    @Sendable func close(req: Request) async throws -> Response {
        return try await act(req) { user, record in
            try await req.requestSteps(for: user).perform(.close, on: record.requireID())
        }
    }

    struct ReplacementForm: Codable {
        var trackingNumber: String?
    }

    /// The approved replacement went out.
    @Sendable func shipReplacement(req: Request) async throws -> Response {
        try await act(req) { user, record in
            let form = try req.content.decode(ReplacementForm.self)
            try await req.requestSteps(for: user).shipReplacement(
                requestID: record.requireID(), tracking: form.trackingNumber,
                returnDays: req.config.replacementReturnDays)
        }
    }

    /// What becomes of the received units, from the form of the request page.
    @Sendable func disposition(req: Request) async throws -> Response {
        try await act(req) { user, record in
            let form = try req.content.decode([String: String].self)
            try await RecordDisposition(store: req.vendorRecovery, actorID: user.id, today: req.today, now: req.now)(
                request: record.number, units: try RecoveryPanel.units(from: form))
        }
    }
}
