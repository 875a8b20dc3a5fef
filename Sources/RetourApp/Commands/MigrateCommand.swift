import Fluent
import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// `retour migrate`: brings the schema up to date. `serve` does the same before it listens.
struct MigrateCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Flag(name: "revert", help: "Reverts the last batch of migrations instead")
        var revert: Bool

        @Option(
            name: "take-files-from",
            help: "On PostgreSQL: copy in the files this database names from another files directory")
        var takeFilesFrom: String?
    }

    var help: String { "Brings the database schema up to date (also done by serve); --revert undoes the last batch." }

    func run(using context: CommandContext, signature: Signature) async throws {
        if signature.revert {
            let reverted = try await revertGuarded(context.application)
            context.console.print(
                reverted.isEmpty ? "Nothing to revert." : "Reverted: \(reverted.joined(separator: ", ")).")
        } else {
            try await migrateGuarded(context.application)
            if let directory = signature.takeFilesFrom {
                guard context.application.config.databaseURL != nil else {
                    context.console.error(
                        "--take-files-from is for PostgreSQL (DATABASE_URL); SQLite keeps its files on disk.")
                    throw ExitCode(2)
                }
                try await settleFiles(context.application, takingFrom: directory)
            }
            context.console.print("Database schema is up to date.")
        }
    }
}
