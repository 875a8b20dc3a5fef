import Foundation
import Vapor

/// Delivers the outbox: claims due mails (several workers never take the same one), sends them
/// through the configured transport, and retries failures with a growing delay. A mail that keeps
/// failing is marked failed and kept, never dropped.
enum MailWorker {
    static let batchSize = 20
    /// How long a claimed mail is reserved for its worker before another may try it.
    static let leaseSeconds: Double = 300

    /// One round: returns how many mails were sent.
    @discardableResult
    static func runOnce(_ app: Application) async throws -> Int {
        let store = DatabaseMailOutboxStore(database: app.db)
        let claimed = try await claim(app)
        // The installation in every Message-ID (and so in every .eml name): two installations
        // writing into one folder never take each other's names.
        let installation = claimed.isEmpty ? "" : String(try await Installation.current(app).id.prefix(8))
        var sent = 0
        for id in claimed {
            guard let mail = try await store.mail(id) else { continue }
            var message = MailMessage(
                from: app.config.mailFrom, to: mail.recipient, subject: mail.subject, body: mail.body,
                date: mail.createdAt,
                id: "retour-\(String(format: "%08d", id))-\(installation)-\(Int(mail.createdAt.timeIntervalSince1970))"
                    + "@retour.local")
            do {
                for attachment in mail.attachments?.value ?? [] {
                    if let file = try await attachment.render(
                        catalog: app.translationCatalog, config: app.config, db: app.db)
                    {
                        message.files.append(file)
                    }
                }
                try await app.mailer.send(message, id: id)
                mail.status = .sent
                mail.sentAt = app.clock.now
                mail.lastError = nil
                sent += 1
            } catch {
                mail.attempts += 1
                mail.lastError = String(describing: error).prefix(500).description
                let permanent = (error as? SMTPClient.Failure)?.permanent == true
                let retryUntil = mail.createdAt.addingTimeInterval(Double(app.config.mailRetryHours) * 3_600)
                if permanent || app.clock.now >= retryUntil {
                    mail.status = .failed
                } else {
                    let delay = min(3_600.0, 30.0 * pow(2.0, Double(min(mail.attempts, 20) - 1)))
                    mail.nextAttemptAt = min(app.clock.now.addingTimeInterval(delay), retryUntil)
                }
                app.logger.warning("mail \(id) to \(mail.recipient) not sent (attempt \(mail.attempts)): \(error)")
            }
            mail.unfinishedAttempts = 0
            try await store.keepAttempt(mail)
        }
        return sent
    }

    /// Takes the due mails for this worker: each claim counts as an attempt that has not yet
    /// ended (`JobClaims`) until its result is saved.
    static func claim(_ app: Application) async throws -> [Int] {
        let (claimed, parked) = try await DatabaseMailOutboxStore(database: app.db).claimDue(
            now: app.clock.now, limit: batchSize, leaseSeconds: leaseSeconds, skipLocked: app.config.databaseURL != nil)
        for id in parked { app.logger.error("mail \(id) parked: two attempts to send it ended without a result") }
        return claimed
    }
}
