import Foundation
import RetourApplication
import RetourCore
import Vapor

/// `retour invite --email E`: sends a new invitation e-mail (through the outbox).
struct InviteCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "The login to invite")
        var email: String?
    }

    var help: String { "Sends a new invitation e-mail with a link to choose a password: invite --email E" }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email?.trimmingWhitespace().lowercased(), !email.isEmpty else {
            context.console.error("Name the login: invite --email E")
            throw ExitCode(2)
        }
        let app = context.application
        try await migrateGuarded(app)
        guard try await app.accountLinks(now: app.clock.now).invite(email: email) != nil else {
            context.console.error("No active login with e-mail \(email).")
            throw ExitCode(1)
        }
        context.console.print("An invitation to \(email) waits in the outbox; the worker sends it.")
    }
}
