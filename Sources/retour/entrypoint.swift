import Foundation
import Logging
import RetourApp
import Vapor

/// `retour serve | migrate | import FILE | demo | token create --email E`.
@main
enum Entrypoint {
    static func main() async throws {
        var environment = try Environment.detect()
        if ProcessInfo.processInfo.environment["LOG_FORMAT"] == "json" {
            // One JSON object per line, each with its request id, for log collectors.
            let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
            LoggingSystem.bootstrap { label in
                var handler = JSONLogHandler(label: label)
                handler.logLevel = level
                return handler
            }
        } else {
            try LoggingSystem.bootstrap(from: &environment)
        }
        let app = try await Application.make(environment)
        do {
            try await configure(app)
            try await app.execute()
            // Requests in flight finish while the databases are still there; `asyncShutdown`
            // closes the rest in no particular order.
            await app.stopServing()
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
