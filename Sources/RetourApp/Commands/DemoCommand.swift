import Foundation
import RetourCore
import Vapor

/// `retour demo`: loads the demo data (idempotent) and prints the demo logins; with `--lines N`
/// generated data at scale instead, through the import (`GeneratedData`).
struct DemoCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "lines", help: "Generate this many invoice lines instead of the demo (benchmarks)")
        var lines: Int?
        @Option(name: "companies", help: "Resellers of the generated data [default: 1000]")
        var companies: Int?
    }

    var help: String {
        "Loads demo data dated relative to today and prints the demo logins; --lines N [--companies M] generates data at scale."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateGuarded(app)
        if let lines = signature.lines {
            try await generate(lines: lines, companies: signature.companies ?? 1_000, context: context)
            return
        }
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

extension DemoCommand {
    private func generate(lines: Int, companies: Int, context: CommandContext) async throws {
        guard (1...100_000_000).contains(lines), (1...1_000_000).contains(companies) else {
            context.console.error("--lines must be 1…100000000 and --companies 1…1000000.")
            throw ExitCode(2)
        }
        let app = context.application
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-generated-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("document.json").path
        try GeneratedData(lines: lines, companies: companies, today: app.today).write(to: path)
        let importer = Importer(
            database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
        let counts = try await importer.run(.file(path))
        let recovery = try await GeneratedRecovery.load(
            on: app.db, today: app.today, now: app.clock.now, userEmail: GeneratedData.bigResellerLogin)
        context.console.print(
            "Generated data: \(counts.companies) companies, \(counts.articles) articles, \(counts.invoices) invoices, "
                + "\(counts.lines) lines, \(counts.serials) serial numbers; \(recovery.requests) credited defects "
                + "in \(recovery.claims) vendor claims.")
        context.console.print(
            "Logins (password \(GeneratedData.password)): \(GeneratedData.logins.joined(separator: ", ")); "
                + "the first is the largest reseller's.")
    }
}

func loadDemoData(_ app: Application) async throws -> ImportCounts {
    let importer = Importer(
        database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
    let counts = try await importer.store(DemoData.batch(today: app.today))
    try await DemoRecovery.load(app)
    return counts
}
