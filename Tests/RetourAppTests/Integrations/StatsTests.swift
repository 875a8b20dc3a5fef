import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct StatsTests {
        static func later(_ app: Application, days: Int) {
            app.clock = FixedClock(app.clock.now.addingTimeInterval(Double(days) * 86_400))
        }

        /// Monday 16 March: a commercial return ships at once and is credited the next Monday; a
        /// missing accessory waits for its approval until Thursday; the webcam's defect makes Logitech show
        /// among the brands. The numbers come out per reason and week, in working days.
        @Test func theDashboardCountsPerReasonAndWeekInWorkingDays() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let returned = try await FollowUpTests.submitCommercialReturn(app, jan)
                let line = try await ReasonsTests.lineID(app, invoice: "0962277446", token: jan)
                let reviewed = try await RegistrationTests.submitOne(
                    app,
                    #"{"line": \#(line), "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "Kabel"}}"#,
                    token: jan)
                Self.later(app, days: 3)  // Thursday
                let decided = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(reviewed)/decision", #"{"decision":"approve"}"#, token: agent)
                #expect(decided.status == .ok, "\(decided.body.string)")
                Self.later(app, days: 4)  // the next Monday
                _ = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(returned)/receipt", #"{"quantity":2,"condition":"as_expected"}"#,
                    token: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(returned)/credit", token: agent).status == .ok
                )
                let agentNow = try await app.token("rma@retour.example")

                let answer = try await app.get("/api/v1/stats?from=2026-03-01&to=2026-03-31", token: agentNow)
                #expect(answer.status == .ok, "\(answer.body.string)")
                let json = try answer.json()
                #expect(json["clamped"] as? Bool == false)
                let weeks = json["weeks"] as? [[String: Any]] ?? []
                let commercial = try #require(weeks.first { $0["reason"] as? String == "commercial_return" })
                #expect(commercial["week"] as? String == "2026-W12")
                #expect(commercial["requests"] as? Int == 1)
                #expect((commercial["decision"] as? [String: Any])?["median"] as? Double == 0)
                let credit = try #require(commercial["credit"] as? [String: Any])
                #expect(credit["median"] as? Double == 5)
                #expect(credit["withinTarget"] as? Double == 1)
                #expect(commercial["creditedAmount"] as? String == "98.91")
                let review = try #require(weeks.first { $0["reason"] as? String == "missing_accessories" })
                let decision = try #require(review["decision"] as? [String: Any])
                #expect(decision["median"] as? Double == 3)
                #expect(decision["targetDays"] as? Int == 2)
                #expect(decision["withinTarget"] as? Double == 0)

                // Resellers do not see it; an ERP key with read_all does.
                #expect(try await app.get("/api/v1/stats", token: jan).status == .forbidden)
                let admin = try await app.token("admin@retour.example")
                let (_, key) = try await APIKeyTests.makeKey(app, admin, #"{"name":"BI","scopes":["read_all"]}"#)
                #expect(try await app.get("/api/v1/stats", token: key).status == .ok)

                // Longer than five years: clamped, not refused; bad dates are.
                let long = try await app.get("/api/v1/stats?from=2001-01-01&to=2026-03-31", token: agentNow).json()
                #expect(long["clamped"] as? Bool == true)
                #expect(long["from"] as? String == "2021-03-31")
                #expect(
                    try await app.get("/api/v1/stats?from=2026-13-01", token: agentNow).status == .unprocessableEntity)
                #expect(
                    try await app.get("/api/v1/stats?from=2026-03-31&to=2026-03-01", token: agentNow).status
                        == .unprocessableEntity)
            }
        }

        @Test func defectsPer100LinesSoldByBrand() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await Journeys.submitWebcamDefect(app, jan)
                let agent = try await app.token("rma@retour.example")
                let json = try await app.get("/api/v1/stats?from=2026-01-01&to=2026-03-31", token: agent).json()
                let brands = json["brands"] as? [[String: Any]] ?? []
                let logitech = try #require(brands.first { $0["brand"] as? String == "LOGITECH" }, "\(brands)")
                #expect(logitech["defectRequests"] as? Int == 1)
                let sold = try #require(logitech["linesSold"] as? Int)
                #expect(sold >= 1)
                #expect(logitech["per100Lines"] as? Double == Double(10_000 / sold) / 100)
            }
        }

        /// The page draws the weeks as SVG and offers the same numbers as CSV.
        @Test func thePageHasAChartAndACSV() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await FollowUpTests.submitCommercialReturn(app, jan)
                let browser = Browser(app)
                try await browser.login("rma@retour.example")
                let page = try await browser.get("/backoffice/stats?from=2026-03-01&to=2026-03-31")
                #expect(page.status == .ok)
                let html = page.body.string
                #expect(html.contains("<svg"))
                #expect(html.contains(#"class="bar""#))
                #expect(html.contains("2026-W12"))
                #expect(html.contains("Commerciële retour") || html.contains("ommercie"))
                // Numbers as a Dutch reader writes them; the CSV keeps the machine's.
                #expect(html.contains("<td>0,00 EUR</td>"), "\(html)")
                #expect(!html.contains("<td>0.00</td>") && !html.contains("<td>0.0</td>"))
                let csv = try await browser.get("/backoffice/stats.csv?from=2026-03-01&to=2026-03-31")
                #expect(csv.headers.contentType?.subType == "csv")
                let lines = csv.body.string.split(whereSeparator: \.isNewline)
                #expect(lines.first?.contains("week;reason;requests") == true)
                #expect(lines.contains { $0.hasPrefix("2026-W12;commercial_return;1;1;0.0") })
                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                #expect(try await reseller.get("/backoffice/stats").status == .forbidden)
            }
        }
    }
}
