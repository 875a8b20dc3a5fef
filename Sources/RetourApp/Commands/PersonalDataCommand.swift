import Foundation
import RetourApplication
import Vapor

/// `retour export-user --email E` and `retour erase-user --email E`.
struct PersonalDataCommand: AsyncCommand {
    enum Action {
        case export
        case erase
    }

    struct Signature: CommandSignature {
        @Option(name: "email", help: "The person's e-mail address")
        var email: String?
    }

    let action: Action

    var help: String {
        switch action {
        case .export: return "Prints every stored fact about a person as JSON: export-user --email E"
        case .erase:
            return
                "Replaces a person's name and e-mail everywhere and ends their logins; requests stay: erase-user --email E"
        }
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard let email = signature.email?.trimmingWhitespace().lowercased(), !email.isEmpty else {
            context.console.error("Name the person: --email E")
            throw ExitCode(2)
        }
        let app = context.application
        try await migrateGuarded(app)
        switch action {
        case .export:
            guard
                let data = try await PersonalData(
                    store: DatabasePersonalDataStore(database: app.db), now: app.clock.now
                ).export(email: email)
            else {
                context.console.error("No user with e-mail \(email).")
                throw ExitCode(1)
            }
            context.console.print(String(decoding: data, as: UTF8.self))
        case .erase:
            switch try await PersonalData(store: DatabasePersonalDataStore(database: app.db), now: app.clock.now).erase(
                email: email)
            {
            case .notFound:
                context.console.error("No user with e-mail \(email).")
                throw ExitCode(1)
            case .erased(let texts):
                context.console.print(
                    "Erased \(email): the login is off, its sessions, tokens and keys ended, and \(texts) stored text(s) no longer name the person."
                )
            }
        }
    }
}
