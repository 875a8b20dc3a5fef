import Fluent
import Foundation
import RetourApplication
import RetourCore

/// The words of what a reseller is told of a request: e-mails through the outbox, and for an
/// advance replacement an entry in the timeline as well.
struct DatabaseRequestMails {
    let texts: TranslationCatalog
    let config: AppConfig
    /// Where the site is, for the request's link; empty: no link.
    let baseURL: String
    let db: any Database

    /// `user`: the request's reseller, nil when the login is gone.
    func tell(
        _ notice: ResellerNotice, about request: StoredRequest, owner user: User?, by actor: Actor, actorID: Int?,
        at now: Date
    ) async throws -> Bool {
        let language = user?.language ?? .nl
        let t = texts[language]
        switch notice {
        case .statusChanged(let action, let message):
            guard let user else { return false }
            let (subject, body) = try await statusMail(request, action: action, message: message, language: language)
            try await OutboxMail(recipient: user.email, subject: subject, body: greeting(user, t) + body, now: now)
                .create(on: db)
            return true
        case .rmaEndsTomorrow:
            guard let user, user.active else { return false }
            let values = [
                "rma": request.rmaNumber ?? request.number, "number": request.number,
                "date": request.validUntil.map { language.format($0) } ?? "",
            ]
            try await OutboxMail(
                recipient: user.email, subject: t("mail.reminder.subject", values),
                body: greeting(user, t) + "\n" + t("mail.reminder.body", values), now: now
            ).create(on: db)
            return true
        case .replacementShipped, .replacementDueSoon, .replacementCharged:
            let (subject, body) = replacementTexts(notice, request, t, language)
            // The timeline keeps what the reseller was told, whether or not a mail can reach them.
            try await RequestEvent(
                TimelineStep(
                    action: .message, from: request.status, to: request.status, actor: actor, actorID: actorID,
                    at: now, message: body, attachments: []),
                on: request.id
            ).create(on: db)
            guard let user, user.active else { return false }
            try await OutboxMail(
                recipient: user.email, subject: subject, body: greeting(user, t) + "\n" + body, now: now
            )
            .create(on: db)
            return true
        }
    }

    private func greeting(_ user: User, _ t: Translations) -> String {
        t("mail.greeting", ["name": user.name]) + "\n"
    }

    /// The request's status as it is now, what to do with an RMA number, the agent's message.
    private func statusMail(_ request: StoredRequest, action: RequestAction, message: String?, language: Language)
        async throws -> (subject: String, body: String)
    {
        let t = texts[language]
        let label = StatusLabels.label(status: request.status, informationRequested: request.informationRequested, t)
        var lines = [""]
        lines.append(t("mail.status.now", ["number": request.number, "status": label]))
        if let rma = request.rmaNumber, let until = request.validUntil, request.status == .awaitingGoods {
            lines.append(t("mail.status.ship", ["rma": rma, "date": language.format(until)]))
            lines.append(contentsOf: try await Distributor.current(config, on: db).returnAddress)
        }
        if let message, !message.isEmpty {
            lines.append("")
            lines.append(t["mail.status.message"])
            lines.append(message)
        }
        if let number = request.creditNote?.number, request.status == .credited {
            lines.append(t("mail.status.creditNote", ["number": number]))
        }
        if !baseURL.isEmpty {
            lines.append("")
            lines.append(t("mail.status.link", ["url": baseURL + PageRoute.request.path(request.number)]))
        }
        lines.append("")
        lines.append(Outcome.noEntitlement.text(t))
        return (t("mail.status.subject", ["number": request.number, "status": label]), lines.joined(separator: "\n"))
    }

    private func replacementTexts(
        _ notice: ResellerNotice, _ request: StoredRequest, _ t: Translations, _ language: Language
    )
        -> (subject: String, body: String)
    {
        let rma = request.rmaNumber ?? request.number
        let returnBy = request.replacement?.returnBy
        switch notice {
        case .replacementShipped:
            let values = [
                "number": request.number, "rma": rma, "date": returnBy.map { language.format($0) } ?? "",
                "tracking": request.replacement?.tracking ?? "–",
            ]
            return (t("mail.replacement.shipped.subject", values), t("mail.replacement.shipped.body", values))
        case .replacementDueSoon:
            let values = ["number": request.number, "rma": rma, "date": returnBy.map { language.format($0) } ?? ""]
            return (t("mail.replacement.reminder.subject", values), t("mail.replacement.reminder.body", values))
        default:
            let values = [
                "number": request.number, "note": request.creditNote?.number ?? "",
                "amount": language.format(request.creditNote?.amount ?? .zero),
            ]
            return (t("mail.replacement.charged.subject", values), t("mail.replacement.charged.body", values))
        }
    }
}

enum StatusLabels {
    /// The request's status as the reseller reads it: "Informatie gevraagd" while the agent waits.
    static func label(status: RequestStatus, informationRequested: Bool, _ t: Translations) -> String {
        informationRequested ? t["status.informationRequested"] : status.label.text(t)
    }

    static func label(of record: ReturnRequest, _ t: Translations) -> String {
        label(status: record.status, informationRequested: record.informationRequested == true, t)
    }
}
