import Fluent
import Foundation
import SQLKit
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
        let now = app.clock.now
        let sql = app.db as! any SQLDatabase
        let skipLocked = app.config.databaseURL != nil ? " FOR UPDATE SKIP LOCKED" : ""
        struct Row: Decodable { var id: Int }
        let claimed = try await sql.raw(
            """
            UPDATE mail_outbox SET next_attempt_at = \(bind: now.addingTimeInterval(leaseSeconds))
            WHERE id IN (SELECT id FROM mail_outbox WHERE status = 'pending' AND next_attempt_at <= \(bind: now)
                         ORDER BY id LIMIT \(literal: batchSize)\(unsafeRaw: skipLocked))
            RETURNING id
            """
        ).all(decoding: Row.self)
        var sent = 0
        for row in claimed.sorted(by: { $0.id < $1.id }) {
            guard let mail = try await OutboxMail.find(row.id, on: app.db) else { continue }
            var message = MailMessage(
                from: app.config.mailFrom, to: mail.recipient, subject: mail.subject, body: mail.body,
                date: mail.createdAt,
                id: "retour-\(row.id)-\(Int(mail.createdAt.timeIntervalSince1970))@retour.local")
            do {
                for attachment in mail.attachments.flatMap({ JSONText.decode([MailAttachment].self, $0) }) ?? [] {
                    if let file = try await attachment.render(
                        catalog: app.translationCatalog, config: app.config, db: app.db)
                    {
                        message.files.append(file)
                    }
                }
                try await deliver(message, mailID: row.id, app: app)
                mail.status = "sent"
                mail.sentAt = app.clock.now
                mail.lastError = nil
                sent += 1
            } catch {
                mail.attempts += 1
                mail.lastError = String(describing: error).prefix(500).description
                let permanent = (error as? SMTPClient.Failure)?.permanent == true
                let retryUntil = mail.createdAt.addingTimeInterval(Double(app.config.mailRetryHours) * 3_600)
                if permanent || app.clock.now >= retryUntil {
                    mail.status = "failed"
                } else {
                    let delay = min(3_600.0, 30.0 * pow(2.0, Double(min(mail.attempts, 20) - 1)))
                    mail.nextAttemptAt = min(app.clock.now.addingTimeInterval(delay), retryUntil)
                }
                app.logger.warning("mail \(row.id) to \(mail.recipient) not sent (attempt \(mail.attempts)): \(error)")
            }
            try await mail.save(on: app.db)
        }
        return sent
    }

    static func deliver(_ message: MailMessage, mailID: Int, app: Application) async throws {
        switch app.config.mailTransport {
        case .file:
            let directory = app.config.mailDirectory
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let path = "\(directory)/\(String(format: "%08d", mailID)).eml"
            guard FileManager.default.createFile(atPath: path, contents: Data(message.rendered.utf8)) else {
                throw ConfigError("cannot write \(path)")
            }
        case .smtp:
            try await SMTPClient(settings: app.config.smtp, group: app.eventLoopGroup).send(message)
        }
    }

    /// Runs rounds every `interval` seconds until the task is cancelled. Mail delivery has a loop
    /// of its own: a stalled mail server never delays RMA expiry, reminders or housekeeping.
    static func loop(_ app: Application, interval: Int) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await repeating(every: interval, app, "expiry and housekeeping") {
                    try await ExpiryWorker.runOnce(app)
                    try await Housekeeping.runIfDue(app)
                }
            }
            group.addTask {
                await repeating(every: interval, app, "mail delivery") { try await runOnce(app) }
            }
        }
    }

    private static func repeating(
        every interval: Int, _ app: Application, _ name: String, _ round: @Sendable () async throws -> Void
    ) async {
        while !Task.isCancelled {
            do {
                try await round()
                RetourMetrics.roundFinished(name, at: app.clock.now)
            } catch {
                app.logger.error("\(name) round failed: \(error)")
            }
            try? await Task.sleep(for: .seconds(interval))
        }
    }
}

/// The background jobs inside `serve`: started by the serve command (no other command runs
/// them), stopped on shutdown after the round in progress.
struct WorkerLifecycle: LifecycleHandler {
    private struct TaskKey: StorageKey {
        typealias Value = Task<Void, Never>
    }

    static func start(_ application: Application) {
        let interval = application.config.workerInterval
        guard interval > 0, application.storage[TaskKey.self] == nil else { return }
        application.storage[TaskKey.self] = Task { await MailWorker.loop(application, interval: interval) }
    }

    func shutdownAsync(_ application: Application) async {
        guard let task = application.storage[TaskKey.self] else { return }
        task.cancel()
        await task.value
    }
}

/// `retour worker [--once]`: the background jobs outside `serve`.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run one round and exit")
        var once: Bool
    }

    var help: String { "Runs the background jobs (mail delivery); several may run at once on PostgreSQL." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateGuarded(app)
        if signature.once {
            let (expired, reminded) = try await ExpiryWorker.runOnce(app)
            try await Housekeeping.runOnce(app)
            // One round delivers everything due, a batch at a time, until a batch sends nothing.
            var sent = 0
            while true {
                let batch = try await MailWorker.runOnce(app)
                sent += batch
                if batch == 0 { break }
            }
            context.console.print("Expired \(expired) RMA number(s), sent \(reminded) reminder(s) and \(sent) mail(s).")
        } else {
            context.console.print("Worker running; stop with Ctrl-C.")
            // RETOUR_WORKER_INTERVAL sets the rhythm here too; 0 would spin, so it means one second.
            await MailWorker.loop(app, interval: max(1, app.config.workerInterval))
        }
    }
}
