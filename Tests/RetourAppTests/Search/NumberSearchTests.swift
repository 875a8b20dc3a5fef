import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Finding lines and requests by any of their numbers.
    @Suite struct NumberSearchTests {
        @Test func numbersMatchWhateverTheirCaseAndSpaces() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let found = try await app.get("/api/v1/lines?numberType=serial&number=2119lz90x2v9%20", token: jan)
                    .json()
                let documents = try #require(found["documents"] as? [[String: Any]])
                #expect(documents.first?["number"] as? String == "0962405087")
            }
        }

        @Test func aNumberSearchOnThePageIgnoresTheDefaultWeek() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                // 0962277446 is nine days old: outside the week the search bar starts with.
                let page = try await browser.get("/search?period=1w&numberType=invoice&number=0962277446")
                #expect(page.body.string.contains("0962277446 - Factuur"), "the number search found the invoice")
                let chosen = try await browser.get(
                    "/search?period=1w&periodChosen=1&numberType=invoice&number=0962277446")
                #expect(!chosen.body.string.contains("0962277446 - Factuur"), "a chosen week still applies")
            }
        }

        /// After a number search the period says what was applied — no period — even though the
        /// form sends its empty date fields along (not "Vrije datumbereik" with two empty dates).
        @Test func aNumberSearchShowsThatNoPeriodApplied() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let html = try await browser.get(
                    "/search?period=1w&from=&to=&numberType=invoice&number=0962277446&kind=invoice"
                ).body.string
                #expect(html.contains("0962277446 - Factuur"))
                #expect(html.contains("<option value=\"\" selected>Geen periode</option>"))
                #expect(!html.contains("<option value=\"custom\" selected>"))
                let typed = try await browser.get("/search?from=2026-03-01&to=2026-03-16").body.string
                #expect(typed.contains("<option value=\"custom\" selected>"), "typed dates are a free range")
            }
        }

        @Test func theOverviewFindsARequestByEveryNumberItHas() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let (number, rma) = try await Journeys.submitWebcamDefect(app, jan)
                for query in [number.lowercased(), rma, "0962405087", "2119lz90x2v9"] {
                    let list = try await app.get("/api/v1/requests?number=\(query)", token: jan).json()
                    let numbers = (list["requests"] as? [[String: Any]] ?? []).compactMap { $0["number"] as? String }
                    #expect(numbers == [number], "searching for \(query)")
                }
                let none = try await app.get("/api/v1/requests?number=0962350553", token: jan).json()
                #expect((none["requests"] as? [[String: Any]])?.isEmpty == true)
            }
        }
    }
}
