import Vapor

/// `retour serve` (also the default command): claims the SQLite file, brings the schema up to
/// date, checks the production settings, serves, and runs the background jobs beside it.
struct RetourServeCommand: AsyncCommand {
    typealias Signature = ServeCommand.Signature

    let vapor: ServeCommand

    var help: String { "Migrates (guarded), then serves the portal and runs the background jobs." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try SQLiteServer.claimServeLock(app)
        try await migrateGuarded(app)
        try await ProductionSafety.check(app)
        try await vapor.run(using: context, signature: signature)
        WorkerLifecycle.start(app)
    }
}
