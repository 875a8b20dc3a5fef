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
            let user = try await User.query(on: app.db).filter(\.$email == email).first(),
            let companyID = user.companyID
        else {
            context.console.error("Name a reseller's login: explain --email E")
            throw ExitCode(2)
        }
        let sql = app.db.sql
        if let directory = signature.pgbench {
            guard !app.db.isSQLite else {
                context.console.error("pgbench measures PostgreSQL: set DATABASE_URL")
                throw ExitCode(2)
            }
            try await Self.writeScripts(of: companyID, to: directory, on: app)
            return
        }
        for (name, search) in try await Self.searches(of: companyID, today: app.today, on: sql) {
            context.console.print("## \(name)")
            for line in try await Self.plan(LineQuery.statement(search, scope: .company(companyID)), on: sql) {
                context.console.print("    " + line)
            }
        }
    }

    /// A search of each shape, with numbers from the newest of the company's lines that have them.
    static func searches(of companyID: Int, today: CalendarDay, on sql: any SQLDatabase) async throws
        -> [(String, LineSearch)]
    {
        struct Sample: Decodable {
            var invoice_number: String?
            var customer_order_number: String?
            var delivery_note_number: String?
            var order_number: String?
            var article: String?
            var ean: String?
            var manufacturer_model: String?
            var serial: String?
        }
        let sample =
            try await sql.raw(
                """
                SELECT l.invoice_number, l.customer_order_number, l.delivery_note_number, l.order_number,
                       a.number AS article, a.ean, a.manufacturer_model,
                       (SELECT MIN(s.number) FROM serial_numbers s WHERE s.line_id = l.id) AS serial
                FROM invoice_lines l JOIN articles a ON a.id = l.article_id
                WHERE l.company_id = \(bind: companyID)
                ORDER BY (SELECT COUNT(*) FROM serial_numbers s WHERE s.line_id = l.id) DESC, l.invoice_date DESC
                LIMIT 1
                """
            ).first(decoding: Sample.self)
        func period(_ days: Int) -> LineSearch {
            LineSearch(
                dates: today.adding(days: -days)...today, number: nil, numberType: nil, kind: .invoice, page: 1,
                per: LineSearch.defaultPer)
        }
        var searches: [(String, LineSearch)] = [("week", period(6)), ("two months", period(61))]
        let numbers: [(NumberType, String?)] = [
            (.invoice, sample?.invoice_number), (.customerOrder, sample?.customer_order_number),
            (.deliveryNote, sample?.delivery_note_number), (.order, sample?.order_number),
            (.article, sample?.article), (.ean, sample?.ean), (.manufacturerModel, sample?.manufacturer_model),
            (.serial, sample?.serial),
        ]
        for case (let type, let number?) in numbers {
            searches.append(
                (
                    "by \(type.rawValue) \(number)",
                    LineSearch(
                        dates: nil, number: number, numberType: type, kind: .invoice, page: 1,
                        per: LineSearch.defaultPer)
                ))
        }
        return searches
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
        for (name, search) in try await searches(of: companyID, today: app.today, on: app.db.sql) {
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

    /// The plan's lines as the database writes them.
    static func plan(_ statement: SQLQueryString, on sql: any SQLDatabase) async throws -> [String] {
        if sql.dialect.name == "sqlite" {
            struct Step: Decodable { var detail: String }
            return try await sql.raw("EXPLAIN QUERY PLAN " + statement).all(decoding: Step.self).map(\.detail)
        }
        struct Step: Decodable {
            var plan: String
            enum CodingKeys: String, CodingKey { case plan = "QUERY PLAN" }
        }
        return try await sql.raw("EXPLAIN " + statement).all(decoding: Step.self).map(\.plan)
    }
}
