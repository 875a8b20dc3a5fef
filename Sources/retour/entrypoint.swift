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
            app.logger.report(error: error)
            try? await app.asyncShutdown()
            throw error
        }
        try await app.asyncShutdown()
    }
}
