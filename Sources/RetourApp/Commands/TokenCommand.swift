import Fluent
import Foundation
import Vapor

/// `retour token create --email E`: prints a new API bearer token for that user.
struct TokenCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "create")
        var action: String

        @Option(name: "email", help: "The user the token belongs to")
        var email: String?
    }

    var help: String { "Creates an API bearer token: token create --email E" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "create" else {
            context.console.error("Unknown action \"\(signature.action)\"; use: token create --email E")
            throw ExitCode(2)
        }
        guard let email = signature.email?.lowercased(), !email.isEmpty else {
            context.console.error("Name the user: token create --email E")
            throw ExitCode(2)
        }
        let app = context.application
        try await migrateGuarded(app)
        guard let user = try await LoginQueries(database: app.db).login(email: email) else {
            context.console.error("No user with e-mail \(email).")
            throw ExitCode(1)
        }
        guard user.active else {
            context.console.error("The login \(email) is disabled.")
            throw ExitCode(1)
        }
        let issued = try await DatabaseSessionStore(database: app.db).issueToken(
            for: try user.requireID(), now: app.clock.now, lifetimeDays: app.config.tokenLifetimeDays)
        context.console.print(issued.token)
    }
}
