import Foundation
import RetourCore
import Vapor

/// `retour demo`: loads the demo data (idempotent) and prints the demo logins.
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {}
    var help: String { "Loads demo data dated relative to today and prints the demo logins." }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateGuarded(app)
        let counts = try await loadDemoData(app)
        context.console.print(
            "Demo data: \(counts.companies) companies, \(counts.invoices) invoices, \(counts.lines) lines (dated relative to \(app.today.iso))."
        )
        context.console.print("Demo logins (password for all: \(DemoData.password)):")
        for login in DemoData.logins {
            let role = login.role.rawValue.padding(toLength: 15, withPad: " ", startingAt: 0)
            context.console.print("  \(role) \(login.email)\(login.company.map { "  (\($0))" } ?? "")")
        }
    }
}

func loadDemoData(_ app: Application) async throws -> ImportCounts {
    let importer = Importer(
        database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
    return try await importer.store(DemoData.batch(today: app.today))
}
