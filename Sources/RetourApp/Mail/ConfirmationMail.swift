import Fluent
import Foundation
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

    static func compose(
        _ requests: [(ReturnRequest, Reason)], user: User, texts t: Translations, db: any Database, config: AppConfig
    ) async throws -> Composed {
        let language = t.language
        // The subject names the numbers for the box where there are any.
        let numbers = requests.map { $0.0.rmaNumber ?? $0.0.number }.joined(separator: ", ")
        let shipsAny = requests.contains { $0.0.outcome == .shipDirectly }
        let subject = t(
            shipsAny ? "mail.confirmation.subject.ship" : "mail.confirmation.subject.other", ["numbers": numbers])
        var lines = [t("mail.greeting", ["name": user.name]), "", t["mail.confirmation.received"]]
        var attachments: [MailAttachment] = []
        for (request, reason) in requests {
            let line = try await InvoiceLine.find(request.lineID, on: db)
            let article = try await line?.articleRecord(on: db)
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
            lines.append(t.outcome(request.outcome, of: reason.id))
            if request.replacementStatus != nil { lines.append(t["mail.confirmation.replacement"]) }
        }
        if shipsAny {
            lines.append("")
            lines.append(t["mail.confirmation.returnAddress"])
            lines.append(config.returnAddress.replacingOccurrences(of: " · ", with: "\n"))
        }
        lines.append("")
        lines.append(Outcome.noEntitlement.text(t))
        lines.append(t("confirmation.contact", ["mailbox": config.rmaMailbox]))
        return Composed(subject: subject, body: lines.joined(separator: "\n"), attachments: attachments)
    }
}
