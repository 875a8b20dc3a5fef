import Fluent
import Foundation
import RetourCore
import Vapor

/// One request's page: what was asked, the evidence, the timeline and the thread, the documents,
/// and the actions the viewer may take now.
enum RequestPage {
    struct Item: Encodable {
        var label: String
        var value: String
        /// An image the page shows as a thumbnail, linking to the file.
        var image: Bool = false
    }

    struct Event: Encodable {
        var at: String
        var who: String
        var what: String
        var message: String?
        var attachments: [Item]
    }

    struct Content: Encodable {
        var number: String
        var rmaNumber: String?
        var validUntil: String?
        var status: String
        var statusLabel: String
        var reason: String
        var header: String
        var customer: String
        var invoiceDate: String
        var unitPrice: String
        var quantity: Int
        var serials: String
        var fields: [Item]
        var attachments: [Item]
        var events: [Event]
        var discrepancy: String?
        var creditNote: String?
        var creditAmount: String?
        var returnForm: Bool
        var isAgent: Bool
        var canApprove: Bool
        var canReceive: Bool
        var canCredit: Bool
        var canClose: Bool
        var canExtend: Bool
        var canMessage: Bool
        var computedCredit: String
        /// What the action forms show: what the agent typed when an action was refused, else the defaults.
        var typed: [String: String]
        var error: String?
        /// For agents: the manufacturer's side of the request.
        var recovery: RecoveryPanel?
        var replacement: Replacement?
        /// The return fee in percent, for reasons credited less a fee (buy back, commercial return):
        /// the policy's, which the agent may change; nil where no fee applies.
        var feePercent: String?
    }

    /// The advance replacement as the reseller and the agent read it.
    struct Replacement: Encodable {
        var status: String
        var label: String
        var shipBy: String?
        var returnBy: String?
        var tracking: String?
        var canShip: Bool
    }

    static func render(
        _ req: Request, user: User, record: ReturnRequest, error: String? = nil, typed: [String: String] = [:],
        status: HTTPStatus = .ok
    ) async throws -> Response {
        let language = req.language
        let t = req.texts
        let actor: Actor = user.role.belongsToCompany ? .reseller : .agent
        let current = record.status
        let reason = record.reason
        let fields = record.fields
        let goods = Lifecycle.expectsGoods(reason, fields: fields)
        func allowed(_ action: RequestAction) -> Bool {
            if case .success = Lifecycle.decide(
                action, from: current, by: actor, expectsGoods: goods,
                resellerExtensions: record.resellerExtensions ?? 0)
            {
                return true
            }
            return false
        }
        let details = try await RequestQueries.details(of: record, on: req.db)
        let (line, article) = (details.line, details.article)
        let fieldItems = fields.keys.sorted().map { key -> Item in
            let label =
                t.texts["field.\(reason.rawValue).\(key).label"] ?? t.texts["field.\(key).label"] ?? key
            let value: String
            switch fields[key]! {
            case .bool(let flag):
                value =
                    t.texts["field.\(key).\(flag ? "yes" : "no")"] ?? (flag ? t["register.yes"] : t["register.no"])
            case .string(let text):
                value = t.texts["choice.\(reason.rawValue).\(key).\(text)"] ?? t.texts["choice.\(key).\(text)"] ?? text
            case .integer(let number) where key == ReceivedArticle.unitPriceField:
                value = language.format(Money(cents: number))
            case .integer(let number): value = "\(number)"
            default: value = ""
            }
            return Item(label: label.trimmingCharacters(in: CharacterSet(charactersIn: ": ")), value: value)
        }
        let attachments = details.attachments.map {
            Item(label: $0.filename, value: SitePath.attachment($0.id ?? "").path, image: $0.isImage)
        }
        let company = details.company
        var events: [Event] = []
        for step in details.steps {
            let event = step.event
            // "Jan de Vries (Reseller)"; the name alone reads as the subject of the sentence.
            var who = t["requests.actor.\(event.actor.rawValue)"]
            if let name = step.actorName { who = "\(name) (\(who))" }
            let to = event.toStatus.label.text(t)
            let files = step.files.map { Item(label: $0.filename, value: SitePath.attachment($0.id ?? "").path) }
            events.append(
                Event(
                    at: req.localTime(event.at), who: who,
                    what: t("timeline.\(event.action)", ["who": who, "status": to]),
                    message: event.message, attachments: files))
        }
        let computed = try await RequestSettlements.settlement(for: record, db: req.db)
        let recovery =
            actor == .agent && Lifecycle.expectsGoods(reason, fields: fields)
            ? try await RecoveryPanel.make(req, record: record, computedCredit: computed.amount, typed: typed) : nil
        let content = Content(
            number: record.number, rmaNumber: record.rmaNumber,
            validUntil: record.validUntil.flatMap(CalendarDay.init(iso:)).map(language.format),
            status: record.status.rawValue,
            statusLabel: StatusLabels.label(of: record, req.texts),
            reason: Reason.named(reason).label.text(t),
            header:
                "\(line?.invoiceNumber ?? "") #\(line?.position ?? 0) · \(article?.number ?? "") \(article?.description ?? "")",
            customer: company.map { "\($0.name) (\($0.number))" } ?? "",
            invoiceDate: (line?.invoiceDate).flatMap(CalendarDay.init(iso:)).map(language.format) ?? "",
            unitPrice: language.format(Money(cents: line?.unitPriceCents ?? 0)),
            quantity: record.quantity,
            serials: (record.serials).joined(separator: ", "),
            fields: fieldItems, attachments: attachments, events: events,
            discrepancy: RequestSettlements.discrepancyText(record.discrepancy, texts: t),
            creditNote: record.creditNoteNumber,
            creditAmount: record.creditAmountCents.map { language.format(Money(cents: $0)) },
            returnForm: record.rmaNumber != nil, isAgent: actor == .agent,
            // After receipt only the next steps are offered: the goods' disposition and the credit.
            canApprove: (allowed(.approve) || allowed(.reject)) && record.status != .received,
            canReceive: allowed(.receive), canCredit: allowed(.credit), canClose: allowed(.close),
            canExtend: allowed(.extend), canMessage: allowed(.message),
            computedCredit: computed.amount.decimalString,
            typed: [
                "quantity": String(record.quantity),
                "serials": (record.serials).joined(separator: ", "),
                // Dutch amounts are written with a decimal comma, and read back either way.
                "amount": language.decimal(computed.amount),
            ].merging(typed) { _, typed in typed },
            error: error, recovery: recovery,
            replacement: record.replacementStatus.map {
                Replacement(
                    status: $0.rawValue, label: $0.label.text(t),
                    shipBy: record.replacementShipBy.flatMap(CalendarDay.init(iso:)).map(language.format),
                    returnBy: record.replacementReturnBy.flatMap(CalendarDay.init(iso:)).map(language.format),
                    tracking: record.replacementTracking, canShip: actor == .agent && $0 == .toShip)
            },
            feePercent: actor == .agent
                ? try await RequestSettlements.feeBasisPoints(for: record, db: req.db).map {
                    typed["feePercent"] ?? language.format(percent: $0)
                } : nil)
        return try await req.renderPage(
            "request", title: record.number, nav: actor == .agent ? "backoffice" : "status", content: content,
            status: status)
    }
}
