import Fluent
import Foundation
import RetourCore

/// The confirmation of a submission (rulebook §4): per request its number, outcome text, RMA
/// number and validity, the return address where goods ship, and the sentence that a number does
/// not by itself entitle to a credit.
enum ConfirmationMail {
    static func compose(
        _ requests: [(ReturnRequest, Reason)], user: User, language: Language, db: any Database, config: AppConfig
    ) async throws -> (subject: String, body: String) {
        let nl = language == .nl
        let numbers = requests.map { $0.0.rmaNumber ?? $0.0.number }.joined(separator: ", ")
        let shipsAny = requests.contains { $0.1.shipsDirectly }
        let subject =
            shipsAny
            ? (nl ? "RMA-bevestiging \(numbers)" : "RMA confirmation \(numbers)")
            : (nl ? "Bevestiging van uw aanvraag \(numbers)" : "Confirmation of your request \(numbers)")
        var lines: [String] = [nl ? "Beste \(user.name)," : "Dear \(user.name),", ""]
        lines.append(nl ? "Wij hebben de volgende aanvragen ontvangen:" : "We have received the following requests:")
        for (request, reason) in requests {
            let line = try await InvoiceLine.find(request.lineID, on: db)
            let article = try await line?.articleRecord(on: db)
            lines.append("")
            lines.append("\(nl ? "Nummer" : "Number"): \(request.number) — \(reason.label.text(in: language))")
            if let line, let article {
                lines.append(
                    "\(nl ? "Factuur" : "Invoice") \(line.invoiceNumber) #\(line.position): \(article.number) \(article.description), "
                        + "\(nl ? "hoeveelheid" : "quantity") \(request.quantity)")
            }
            if let rma = request.rmaNumber, let until = request.validUntil.flatMap(CalendarDay.init(iso:)) {
                lines.append(
                    "\(nl ? "RMA-nummer" : "RMA number"): \(rma) — \(nl ? "geldig tot en met" : "valid until") \(language.format(until))"
                )
                lines.append(
                    nl
                        ? "Vermeld dit RMA-nummer (\(rma)) op de doos; het aanvraagnummer \(request.number) is alleen voor uw administratie."
                        : "Put this RMA number (\(rma)) on the box; request number \(request.number) is for your records only."
                )
            }
            lines.append(reason.outcome.confirmation.text(in: language))
        }
        if shipsAny {
            lines.append("")
            lines.append(nl ? "Retouradres:" : "Return address:")
            lines.append(config.returnAddress.replacingOccurrences(of: " · ", with: "\n"))
        }
        lines.append("")
        lines.append(Outcome.noEntitlement.text(in: language))
        lines.append(
            nl
                ? "Indien u nog vragen heeft kunt u een mail sturen naar: \(config.rmaMailbox)."
                : "If you have any questions, please e-mail \(config.rmaMailbox).")
        return (subject, lines.joined(separator: "\n"))
    }
}
