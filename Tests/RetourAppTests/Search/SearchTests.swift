import Fluent
import FluentPostgresDriver
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct SearchTests {
        struct Found {
            var documents: [(number: String, date: String, lines: [[String: Any]])]
            var total: Int

            var lines: [[String: Any]] { documents.flatMap(\.lines) }
            var invoices: Set<String> { Set(lines.compactMap { $0["invoice"] as? String }) }
        }

        static func find(_ app: Application, _ query: String, token: String) async throws -> Found {
            let response = try await app.get("/api/v1/lines?\(query)", token: token)
            #expect(response.status == .ok, "\(query): \(response.body.string)")
            let json = try response.json()
            let documents = (json["documents"] as? [[String: Any]] ?? []).map {
                ($0["number"] as? String ?? "", $0["date"] as? String ?? "", $0["lines"] as? [[String: Any]] ?? [])
            }
            return Found(documents: documents, total: json["total"] as? Int ?? -1)
        }

        @Test(arguments: [
            ("invoice", "0962405087"), ("customer_order", "PO-4411"), ("manufacturer_model", "960-000972"),
            ("ean", "5099206045200"), ("delivery_note", "6071053724"), ("order", "7045364094"),
            ("serial", "2119LZ90X2V9"), ("article", "1948782"),
        ])
        func findsTheWebcamLineByEachNumberType(_ type: String, _ number: String) async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let found = try await Self.find(app, "numberType=\(type)&number=\(number)", token: jan)
                let webcam = found.lines.first { $0["invoice"] as? String == "0962405087" }
                #expect(webcam?["article"] as? String == "1948782", "\(type)")
                #expect(webcam?["serials"] as? [String] == ["2119LZ90X2V9"])
                #expect(webcam?["unitPrice"] as? String == "71.50")
                // Every line found really carries the number searched for.
                #expect(found.total == found.lines.count)
                if type == "invoice" || type == "serial" || type == "customer_order" { #expect(found.lines.count == 1) }
                // A different number of the same type finds nothing.
                let none = try await Self.find(app, "numberType=\(type)&number=\(number)X", token: jan)
                #expect(none.total == 0)
            }
        }

        @Test(arguments: [
            ("today", 0, 0), ("1w", 7, 3), ("2w", 14, 10), ("1m", 28, 20), ("2m", 59, 40),
        ])
        func eachPeriodCoversItsDays(_ period: String, _ reach: Int, _ oldestDemoAge: Int) async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let found = try await Self.find(app, "period=\(period)&per=500", token: jan)
                let ages = Set(found.documents.map { testDay.dayNumber - CalendarDay(iso: $0.date)!.dayNumber })
                #expect(!ages.isEmpty)
                #expect(ages.allSatisfy { $0 >= 0 && $0 <= reach }, "\(period): \(ages.sorted())")
                #expect(ages.contains(oldestDemoAge), "\(period) should reach the \(oldestDemoAge)-day-old documents")
                // Everything dated inside the window is there: one period wider never loses a document.
                let all = try await Self.find(app, "from=2000-01-01&to=\(testDay.iso)&per=500", token: jan)
                let expected = all.documents.filter {
                    let age = testDay.dayNumber - CalendarDay(iso: $0.date)!.dayNumber
                    return age >= 0
                        && CalendarDay(iso: $0.date)! >= Period(rawValue: period)!.range(endingOn: testDay).lowerBound
                }
                #expect(Set(found.documents.map(\.number)) == Set(expected.map(\.number)))
            }
        }

        @Test func withoutNumberOrPeriodTheLastWeekIsShown() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let plain = try await Self.find(app, "per=500", token: jan)
                let week = try await Self.find(app, "period=1w&per=500", token: jan)
                #expect(plain.total == week.total)
                #expect(plain.total > 0)
                // A number search ignores the period unless one is given: the 400-day-old invoice is found.
                let old = try await Self.find(app, "numberType=invoice&number=0961554021", token: jan)
                #expect(old.total == 1)
                let oldInWeek = try await Self.find(app, "numberType=invoice&number=0961554021&period=1w", token: jan)
                #expect(oldInWeek.total == 0)
            }
        }

        @Test func freeRangeAndGroupingByDeliveryNoteAndOrder() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let from = testDay.adding(days: -10).iso
                let range = try await Self.find(app, "from=\(from)&to=\(from)&per=500", token: jan)
                #expect(range.invoices.contains("0962350553"))
                #expect(range.documents.allSatisfy { $0.date == from })

                let notes = try await Self.find(
                    app, "kind=delivery_note&numberType=invoice&number=0962405087", token: jan)
                #expect(notes.documents.map(\.number) == ["6071053724"])
                #expect(notes.documents.first?.date == testDay.adding(days: -4).iso)
                let orders = try await Self.find(app, "kind=order&numberType=invoice&number=0962405087", token: jan)
                #expect(orders.documents.map(\.number) == ["7045364094"])
            }
        }

        @Test func pagesDoNotOverlapAndCountTheWhole() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let all = try await Self.find(app, "period=2m&per=500", token: jan)
                let first = try await Self.find(app, "period=2m&per=5&page=1", token: jan)
                let second = try await Self.find(app, "period=2m&per=5&page=2", token: jan)
                #expect(first.total == all.total)
                #expect(first.lines.count == 5)
                let ids1 = Set(first.lines.compactMap { $0["id"] as? Int })
                let ids2 = Set(second.lines.compactMap { $0["id"] as? Int })
                #expect(ids1.isDisjoint(with: ids2))
                #expect(ids2.count == 5)
            }
        }

        @Test(arguments: [
            ("from=2021-12-10&to=2021-12-01", "to"), ("numberType=telephone&number=1", "numberType"),
            ("numberType=serial&number=" + String(repeating: "9", count: 500), "number"), ("period=3w", "period"),
            ("from=2021-02-30&to=2021-03-01", "from"), ("per=501", "per"), ("page=0", "page"), ("kind=box", "kind"),
            ("number=123", "numberType"),
        ])
        func invalidInputIsExplained(_ query: String, _ field: String) async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let response = try await app.get("/api/v1/lines?\(query)", token: jan)
                #expect(response.status == .unprocessableEntity)
                #expect(try response.problemFields().contains(field), "\(query): \(response.body.string)")
                // The page shows the same message inline, not an error page.
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/search?\(query)")
                #expect(page.status == .unprocessableEntity)
                #expect(page.body.string.contains("id=\"\(field)-error\""), "\(query)")
                #expect(page.body.string.contains("<form class=\"searchbar\""))
            }
        }

        @Test func aResellerSeesOnlyItsOwnCompany() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let bytewise = try await app.token("inkoop@bytewise.nl")
                let agent = try await app.token("rma@retour.example")
                let mine = try await Self.find(app, "numberType=serial&number=2119LZ90X2V9", token: jan)
                let id = try #require(mine.lines.first?["id"] as? Int)
                #expect(try await Self.find(app, "numberType=serial&number=2119LZ90X2V9", token: bytewise).total == 0)
                #expect(try await app.get("/api/v1/lines/\(id)", token: bytewise).status == .notFound)
                #expect(try await app.get("/api/v1/lines/\(id)", token: jan).status == .ok)
                #expect(try await app.get("/api/v1/lines/\(id)", token: agent).status == .ok)
                #expect(try await app.get("/api/v1/lines/999999", token: jan).status == .notFound)
                #expect(try await app.get("/api/v1/lines/abc", token: jan).status == .notFound)
                // Bytewise's own two months hold no line of PC Partner's invoices.
                let theirs = try await Self.find(app, "period=2m&per=500", token: bytewise)
                #expect(theirs.total > 0)
                #expect(
                    theirs.invoices.isDisjoint(with: try await Self.find(app, "period=2m&per=500", token: jan).invoices)
                )
                // The HTML side shows nothing of it either.
                let browser = Browser(app)
                try await browser.login("inkoop@bytewise.nl")
                let page = try await browser.get("/search?numberType=serial&number=2119LZ90X2V9")
                #expect(!page.body.string.contains("0962405087"))
                #expect(page.body.string.contains("id=\"no-results\""))
            }
        }

        @Test func theSearchPageShowsGroupsRowsAndDetails() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/search?numberType=serial&number=2119LZ90X2V9")
                let html = page.body.string
                #expect(page.status == .ok)
                let date = testDay.adding(days: -3)
                #expect(html.contains("Nummer: 0962405087 - Factuur van \(date.day)-\(date.month)-\(date.year)"))
                #expect(html.contains("LOGITECH HD Webcam C930e"))
                #expect(html.contains("71,50 EUR (Eenheidsprijs 71,50 EUR)"))
                #expect(html.contains("<li>2119LZ90X2V9</li>"))
                #expect(html.contains("Selecteer reden van retour"))
                // English on request, with English amounts.
                browser.cookies["lang"] = "en"
                let en = try await browser.get("/search?numberType=serial&number=2119LZ90X2V9").body.string
                #expect(en.contains("Number: 0962405087 - Invoice of"))
                #expect(en.contains("71.50 EUR (unit price 71.50 EUR)"))
            }
        }
    }
}

extension AppTests {
    @Suite struct ExplainTests {
        /// `retour explain` plans each search shape with the reseller's own numbers; on SQLite (which
        /// plans by rules at this size) no search by number or period walks the whole lines table.
        @Test func everySearchOfAResellerHasItsPlan() async throws {
            try await withRetour(fixtures: true) { app in
                let user = try #require(try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first())
                let companyID = try #require(user.companyID)
                let sql = app.db.sql
                let searches = try await SearchPlanQueries.searches(of: companyID, today: app.today, on: app.db)
                #expect(searches.contains { $0.0.hasPrefix("by serial") }, "\(searches.map(\.0))")
                #expect(searches.count >= 6)
                for (name, search) in searches {
                    let plan = try await SearchPlanQueries.plan(
                        LineQuery.statement(search, scope: .company(companyID)), on: app.db)
                    #expect(!plan.isEmpty, "\(name)")
                    if app.db.isSQLite {
                        #expect(!plan.contains { $0.hasPrefix("SCAN l") }, "\(name): \(plan)")
                    }
                }
            }
        }

        /// `make bench` hands pgbench Retour's own statements (`retour explain --pgbench`): for each
        /// search that runs prepared, the page's statement and the follow-ups' as Retour prepares
        /// them, a value for every placeholder, and — run with those values — the count Retour shows.
        @Test func everyPreparedSearchIsWrittenForPgbench() async throws {
            try await withRetour(fixtures: true) { app in
                let user = try #require(try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first())
                let companyID = try #require(user.companyID)
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgbench-\(UUID())").path
                defer { try? FileManager.default.removeItem(atPath: directory) }
                try await ExplainCommand.writeScripts(of: companyID, to: directory, on: app)
                let written = try FileManager.default.contentsOfDirectory(atPath: directory).filter {
                    $0.hasSuffix(".sql")
                }
                let searches = try await SearchPlanQueries.searches(of: companyID, today: app.today, on: app.db)
                // SQLite prepares nothing of its own here: nothing to hand pgbench.
                #expect(written.count == (app.db.isSQLite ? 0 : searches.count))
                for (index, (name, search)) in searches.enumerated() where !app.db.isSQLite {
                    let path = "\(directory)/\(index)"
                    #expect(try String(contentsOfFile: path + ".name", encoding: .utf8) == name)
                    let script = try String(contentsOfFile: path + ".sql", encoding: .utf8)
                    let values = try String(contentsOfFile: path + ".args", encoding: .utf8).split(separator: "\n")
                        .map { String($0.split(separator: "=", maxSplits: 1)[1]) }
                    let used = Set(script.matches(of: /:p(\d+)/).compactMap { Int($0.output.1) })
                    #expect(used == Set(1...values.count), "\(name)")
                    #expect(!script.contains("$"), "\(name)")
                    let page = try #require(script.components(separatedBy: ";\n").first)
                    let literal = page.replacing(/:p(\d+)/) { match in
                        "'" + values[Int(match.output.1)! - 1].replacingOccurrences(of: "'", with: "''") + "'"
                    }
                    struct Counted: Decodable { var total: Int }
                    let counted = try await app.db.sql.raw(SQLQueryString(literal)).first(decoding: Counted.self)
                    let shown = try await LineQuery.run(search, scope: .company(companyID), on: app.db).total
                    #expect(counted?.total == shown, "\(name)")
                    #expect(shown > 0, "\(name)")
                }
            }
        }

        /// On PostgreSQL the common searches run as prepared statements; whatever page is asked,
        /// they find the same lines in the same order, and the same count, as the statement every
        /// other search runs.
        @Test func preparedSearchesFindWhatTheStatementFinds() async throws {
            try await withRetour(fixtures: true) { app in
                let user = try #require(try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first())
                let companyID = try #require(user.companyID)
                let sql = app.db.sql
                struct Found: Decodable, Equatable {
                    var total: Int
                    var id: Int?
                }
                var prepared = 0
                let searches = try await SearchPlanQueries.searches(of: companyID, today: app.today, on: app.db)
                for (name, first) in searches {
                    for (page, per) in [(1, LineSearch.defaultPer), (1, 1), (2, 1), (400, 1)] {
                        var search = first
                        search.page = page
                        search.per = per
                        let statement = try await sql.raw(LineQuery.statement(search, scope: .company(companyID)))
                            .all(decoding: Found.self)
                        guard
                            let rows = try await PreparedSearch.run(search, scope: .company(companyID), on: app.db)
                        else { continue }
                        prepared += 1
                        #expect(
                            try rows.map { try $0.sql().decode(model: Found.self) } == statement,
                            "\(name) \(page)/\(per)")
                    }
                }
                // Week, two months and every kind of number, four pages each.
                #expect(searches.count == 10)
                #expect(prepared == (app.db.isSQLite ? 0 : searches.count * 4))
            }
        }
    }
}
