import Fluent
import Foundation
import RetourApplication
import RetourCore
import Vapor

/// "Uw aanvraag is ontvangen": the requests of one submission with their numbers, what to do next
/// and, for goods that ship directly, the return form of each. Shown after submitting (the whole
/// submission), and at `/requests/{number}/confirmation` from the status overview (that request only).
enum ConfirmationPage {
    struct Row: Encodable {
        var number: String
        var reason: String
        var rmaNumber: String?
        /// "RMA-nummer:", or "RMA(DOA)-nummer:" for DOA.
        var rmaLabel: String
        var validUntil: String?
        var outcome: String
        /// In review and not a claim: nothing may be sent yet ("NIET DIRECT opsturen").
        var doNotShip: Bool
        var message: String
        var returnForm: String?
    }

    struct Content: Encodable {
        var rows: [Row]
        var shipsAny: Bool
        var returnAddress: [String]
        var noEntitlement: String
        var contact: String
    }

    /// Each request as it stands now: the RMA number and return form only while goods are awaited,
    /// "do not ship" only while it is in review, and otherwise where it stands — never an
    /// instruction that its state no longer holds.
    static func render(_ requests: [ReturnRequest], on req: Request, status: HTTPStatus) async throws -> Response {
        let language = req.language
        let t = req.texts
        let rows = requests.map { record in
            let reason = Reason.named(record.reason)
            let awaitingGoods = record.status == .awaitingGoods && record.rmaNumber != nil
            let message: String
            switch record.status {
            case .awaitingGoods: message = t.outcome(.shipDirectly, of: reason.id)
            case .inReview: message = t.outcome(record.outcome == .claim ? .claim : .inReview, of: reason.id)
            default:
                message = t(
                    "confirmation.now", ["status": StatusLabels.label(of: record, t)])
            }
            return Row(
                number: record.number, reason: reason.label.text(t), rmaNumber: awaitingGoods ? record.rmaNumber : nil,
                rmaLabel: t.forReason("confirmation.rma", reason.id),
                validUntil: record.validUntil.flatMap(CalendarDay.init(iso:)).map(language.format),
                outcome: record.outcome.rawValue,
                doNotShip: record.status == .inReview && record.outcome != .claim, message: message,
                returnForm: awaitingGoods ? SitePath.returnForm(record.number).path : nil)
        }
        let content = Content(
            rows: rows, shipsAny: rows.contains { $0.rmaNumber != nil },
            returnAddress: try await Distributor.current(req.config, on: req.db).returnAddress,
            noEntitlement: Outcome.noEntitlement.text(t),
            contact: req.texts("confirmation.contact", ["mailbox": req.config.rmaMailbox]))
        return try await req.renderPage(
            "confirmation", title: req.texts["confirmation.title"], nav: "status", content: content, status: status)
    }
}
