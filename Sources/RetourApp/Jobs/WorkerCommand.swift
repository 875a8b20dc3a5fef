import ServiceLifecycle
import Vapor

/// `retour worker [--once]`: the background jobs outside `serve`.
struct WorkerCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "once", help: "Run one round and exit")
        var once: Bool
    }

    var help: String {
        "Runs the background jobs (mail, webhooks, RMA expiry and reminders, clean-up); several may run at once on PostgreSQL."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateGuarded(app)
        if signature.once {
            let (expired, reminded) = try await ExpiryWorker.runOnce(app)
            let replacements = try await Replacements.runOnce(app)
            try await Housekeeping.runOnce(app)
            // One round delivers everything due, a batch at a time, until a batch sends nothing.
            var sent = 0
            while true {
                let batch = try await MailWorker.runOnce(app)
                sent += batch
                if batch == 0 { break }
            }
            let delivered = try await WebhookWorker.runOnce(app)
            context.console.print(
                "Expired \(expired) RMA number(s), sent \(reminded) reminder(s), "
                    + "\(replacements.reminded) replacement reminder(s), charged \(replacements.charged) replacement(s), "
                    + "\(sent) mail(s) and \(delivered) webhook delivery(ies).")
        } else {
            context.console.print("Worker running; stop with Ctrl-C or SIGTERM (the round in progress finishes).")
            // RETOUR_WORKER_INTERVAL sets the rhythm here too; 0 would spin, so it means one second.
            let jobs = BackgroundJobs(app: app, interval: max(1, app.config.workerInterval))
            try await ServiceGroup(services: [jobs], gracefulShutdownSignals: [.sigterm, .sigint], logger: app.logger)
                .run()
        }
    }
}
