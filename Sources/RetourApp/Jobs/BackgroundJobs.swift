import Logging
import NIOConcurrencyHelpers
import ServiceLifecycle
import Vapor

/// Every background job in one place: the mail outbox, RMA expiry with its reminders, and the
/// hourly clean-up. One service for swift-service-lifecycle, run inside `serve` and by
/// `retour worker`; each job loops on its own, so a stalled mail server never delays expiry. On a
/// graceful shutdown the round in progress finishes and nothing new starts.
struct BackgroundJobs: Service {
    struct Job: Sendable {
        var name: String
        var round: @Sendable (Application) async throws -> Void
    }

    static let all: [Job] = [
        Job(name: "mail delivery") { _ = try await MailWorker.runOnce($0) },
        Job(name: "webhook delivery") { _ = try await WebhookWorker.runOnce($0) },
        Job(name: "expiry and reminders") { _ = try await ExpiryWorker.runOnce($0) },
        Job(name: "advance replacements") { _ = try await Replacements.runOnce($0) },
        Job(name: "housekeeping") { try await Housekeeping.runIfDue($0) },
    ]

    let app: Application
    /// Seconds between rounds of each job.
    let interval: Int

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            for job in Self.all {
                group.addTask { await repeating(job) }
            }
        }
    }

    private func repeating(_ job: Job) async {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await job.round(app)
                RetourMetrics.roundFinished(job.name, at: app.clock.now)
            } catch {
                app.logger.error("\(job.name) round failed: \(error)")
            }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
        }
    }
}

/// The jobs inside `serve`: started by the serve command (no other command runs them), stopped
/// gracefully when the application shuts down.
struct WorkerLifecycle: LifecycleHandler {
    private struct RunningKey: StorageKey {
        typealias Value = (group: ServiceGroup, task: Task<Void, Never>)
    }

    static func start(_ application: Application) {
        let interval = application.config.workerInterval
        guard interval > 0, application.storage[RunningKey.self] == nil else { return }
        let group = ServiceGroup(
            services: [BackgroundJobs(app: application, interval: interval)], gracefulShutdownSignals: [],
            logger: application.logger)
        let task = Task {
            do { try await group.run() } catch { application.logger.error("background jobs stopped: \(error)") }
        }
        application.storage[RunningKey.self] = (group, task)
    }

    /// How long a round in progress may take to finish when the server stops (a mail or webhook
    /// delivery waits at most its own timeout, 10 s); after that it is cancelled and left behind —
    /// its claim lapses and another process or the next start takes the work up again.
    static let shutdownGraceSeconds = 20

    func shutdownAsync(_ application: Application) async {
        guard let running = application.storage[RunningKey.self] else { return }
        await running.group.triggerGracefulShutdown()
        // Whichever comes first; the other is left to finish on its own (awaiting a task's value
        // cannot be cancelled, so a task group would wait for both).
        let answered = NIOLockedValueBox(false)
        let finished = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            @Sendable func answer(_ value: Bool) {
                let first = answered.withLockedValue { done in
                    defer { done = true }
                    return !done
                }
                if first { continuation.resume(returning: value) }
            }
            Task {
                await running.task.value
                answer(true)
            }
            Task {
                try? await Task.sleep(for: .seconds(Self.shutdownGraceSeconds))
                answer(false)
            }
        }
        if !finished {
            running.task.cancel()
            application.logger.warning(
                "background jobs did not stop within \(Self.shutdownGraceSeconds) s; leaving them behind")
        }
    }
}
