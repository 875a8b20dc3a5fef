import Fluent
import Foundation
import RetourApplication
import RetourCore

/// The confirmation of a submission (rulebook §4): per request its number, outcome text, RMA
/// number and validity, the return address where goods ship, and the sentence that a number does
/// not by itself entitle to a credit. Each ship-directly request's return form goes with it as a PDF.
enum ConfirmationMail {
    struct Composed {
        var subject: String
        var body: String
        var attachments: [MailAttachment]
    }

    /// `baseURL`: where the site is, for a link to each request; empty: no links.
    static func compose(
        _ requests: [(ReturnRequest, Reason)], user: User, texts t: Translations, db: any Database, config: AppConfig,
        baseURL: String = ""
    ) async throws -> Composed {
        let language = t.language
        let shipsAny = requests.contains { $0.0.outcome == .shipDirectly }
        let subject = Self.subject(
            positions: requests.count, rmaNumbers: requests.filter { $0.0.rmaNumber != nil }.count, t)
        var lines = [t("mail.greeting", ["name": user.name]), "", t["mail.confirmation.received"]]
        var attachments: [MailAttachment] = []
        for (request, reason) in requests {
            let (line, article) = try await RequestQueries.line(request.lineID, on: db)
            lines.append("")
            lines.append(
                t("mail.confirmation.request", ["number": request.number, "reason": reason.label.text(t)]))
            if let line, let article {
                lines.append(
                    t(
                        "mail.confirmation.line",
                        [
                            "invoice": line.invoiceNumber, "position": "\(line.position)", "article": article.number,
                            "description": article.description, "quantity": "\(request.quantity)",
                        ]))
            }
            if let rma = request.rmaNumber, let until = request.validUntil.flatMap(CalendarDay.init(iso:)) {
                lines.append(
                    t.forReason("mail.confirmation.rma", reason.id, ["rma": rma, "date": language.format(until)]))
                lines.append(t("mail.confirmation.onTheBox", ["rma": rma, "number": request.number]))
                let attachment = MailAttachment(returnFormOf: request.number, language: language.rawValue)
                lines.append(t("mail.confirmation.returnForm", ["filename": attachment.filename(rma: rma, texts: t)]))
                attachments.append(attachment)
            }
            // This mail is the RMA confirmation: what it says of itself is what to do with it.
            lines.append(
                request.outcome == .shipDirectly
                    ? t.forReason("mail.confirmation.shipDirectly", reason.id)
                    : t.outcome(request.outcome, of: reason.id))
            if request.replacementStatus != nil { lines.append(t["mail.confirmation.replacement"]) }
            if !baseURL.isEmpty {
                lines.append(t("mail.status.link", ["url": baseURL + PageRoute.request.path(request.number)]))
            }
        }
        if shipsAny {
            lines.append("")
            lines.append(t["mail.confirmation.returnAddress"])
            lines.append(contentsOf: try await Distributor.current(config, on: db).returnAddress)
        }
        lines.append("")
        lines.append(Outcome.noEntitlement.text(t))
        lines.append(t("confirmation.contact", ["mailbox": config.rmaMailbox]))
        return Composed(subject: subject, body: lines.joined(separator: "\n"), attachments: attachments)
    }

    /// Short, whatever the size of the submission: "Retour: 13 posities ontvangen, 5 RMA-nummers".
    static func subject(positions: Int, rmaNumbers: Int, _ t: Translations) -> String {
        let received = t(
            positions == 1 ? "mail.confirmation.positions.one" : "mail.confirmation.positions.other",
            ["count": "\(positions)"])
        guard rmaNumbers > 0 else { return t("mail.confirmation.subject", ["positions": received]) }
        let rmas = t(
            rmaNumbers == 1 ? "mail.confirmation.rmaNumbers.one" : "mail.confirmation.rmaNumbers.other",
            ["count": "\(rmaNumbers)"])
        return t("mail.confirmation.subject.withRMA", ["positions": received, "rmas": rmas])
    }
}
