import Foundation
import Logging
import RetourApp
import Vapor

/// `retour serve | migrate | import FILE | demo | token create --email E`.
@main
enum Entrypoint {
    static func main() async throws {
        var environment = try Environment.detect()
        try LoggingSystem.bootstrap(from: &environment)
        let app = try await Application.make(environment)
        do {
            try await configure(app)
            // `serve` (also the default command) brings the schema up to date before listening.
            let command = environment.arguments.dropFirst().first
            if command == nil || command == "serve" || command?.hasPrefix("-") == true {
                try SQLiteServer.claimServeLock(app)
                try await migrateGuarded(app)
                try await ProductionSafety.check(app)
            } else {
                app.config.workerInServe = false
            }
            try await app.execute()
        } catch let failure as ExitCode {
            try? await app.asyncShutdown()
            exit(failure.code)
        } catch {
            // A clear message and exit status 1, not a crash report: this is what an operator reads.
            app.logger.report(error: error)
            FileHandle.standardError.write(Data("retour: \(error)\n".utf8))
            try? await app.asyncShutdown()
            exit(1)
        }
        try await app.asyncShutdown()
    }
}
