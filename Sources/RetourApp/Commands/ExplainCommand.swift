import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// `retour explain --email E`: the database's plan for each search a reseller can make — by week,
/// by two months and by each kind of number, with numbers taken from the reseller's own lines — as
/// PostgreSQL (`EXPLAIN`) or SQLite (`EXPLAIN QUERY PLAN`) would run it. `make bench` records them
/// at scale: a plan that walks all of a company's lines to find one number shows here.
struct ExplainCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Option(name: "email", help: "A reseller login whose searches are explained")
        var email: String?

        @Option(name: "pgbench", help: "A directory to write each prepared search to, as a pgbench script")
        var pgbench: String?
    }

    var help: String { "Prints the plan of every search of a reseller: explain --email E" }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        guard let email = signature.email?.lowercased(),
            let user = try await LoginQueries(database: app.db).login(email: email),
            let companyID = user.companyID
        else {
            context.console.error("Name a reseller's login: explain --email E")
            throw ExitCode(2)
        }
        if let directory = signature.pgbench {
            guard !app.db.isSQLite else {
                context.console.error("pgbench measures PostgreSQL: set DATABASE_URL")
                throw ExitCode(2)
            }
            try await Self.writeScripts(of: companyID, to: directory, on: app)
            return
        }
        for (name, search) in try await SearchPlanQueries.searches(of: companyID, today: app.today, on: app.db) {
            context.console.print("## \(name)")
            for line in try await SearchPlanQueries.plan(
                LineQuery.statement(search, scope: .company(companyID)), on: app.db)
            {
                context.console.print("    " + line)
            }
        }
    }

    /// Each search that runs prepared, as Retour sends it — the page's statement, then the
    /// follow-ups' with the page's line ids — in `N.sql`, the name in `N.name` and the values in
    /// `N.args` (one `-D` of pgbench a line): `make bench` runs them with pgbench, the database's
    /// limit for Retour's own SQL.
    static func writeScripts(of companyID: Int, to directory: String, on app: Application) async throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        guard !app.db.isSQLite else { return }
        let scope = CompanyScope.company(companyID)
        var written = 0
        for (name, search) in try await SearchPlanQueries.searches(of: companyID, today: app.today, on: app.db) {
            guard let page = PreparedSearch.statement(of: search, scope: scope) else { continue }
            let ids = try await LineQuery.run(search, scope: scope, on: app.db).documents.flatMap(\.lines).map(\.id)
            let followUps = PreparedSearch.followUpsStatement
            let values: [String] =
                page.values.map {
                    switch $0 {
                    case .number(let number): String(number)
                    case .text(let text): text
                    }
                } + ([ids.map(String.init)] + followUps.values).map { "{" + $0.joined(separator: ",") + "}" }
            let script =
                placeholders(page.sql, from: 1, count: page.values.count) + ";\n"
                + placeholders(followUps.sql, from: page.values.count + 1, count: 3) + ";\n"
            let path = directory + "/\(written)"
            try script.write(toFile: path + ".sql", atomically: true, encoding: .utf8)
            try name.write(toFile: path + ".name", atomically: true, encoding: .utf8)
            let args = values.enumerated().map { "p\($0.offset + 1)=\($0.element)" }.joined(separator: "\n")
            try args.write(toFile: path + ".args", atomically: true, encoding: .utf8)
            written += 1
        }
    }

    /// `$1`… of `sql` as pgbench's variables `:p<first>`…, which pgbench sends as parameters.
    private static func placeholders(_ sql: String, from first: Int, count: Int) -> String {
        // From the highest down, so that `$1` does not take the front of `$10`.
        (1...count).reversed().reduce(sql) { text, number in
            text.replacingOccurrences(of: "$\(number)", with: ":p\(first + number - 1)")
        }
    }
}
