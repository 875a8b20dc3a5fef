import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct ReasonsTests {
        /// The id of the demo line of `invoice` (its first position).
        static func lineID(_ app: Application, invoice: String, token: String) async throws -> Int {
            let found = try await app.get("/api/v1/lines?numberType=invoice&number=\(invoice)", token: token).json()
            let documents = found["documents"] as? [[String: Any]] ?? []
            let lines = documents.first?["lines"] as? [[String: Any]] ?? []
            return try #require(lines.first?["id"] as? Int, "no line on invoice \(invoice)")
        }

        static func reasons(_ app: Application, line: Int, token: String, language: String = "nl") async throws
            -> [String: [String: Any]]
        {
            var headers = HTTPHeaders()
            headers.bearerAuthorization = BearerAuthorization(token: token)
            headers.replaceOrAdd(name: .acceptLanguage, value: language)
            let response = try await app.testing().sendRequest(.GET, "/api/v1/lines/\(line)/reasons", headers: headers)
            #expect(response.status == .ok, "\(response.body.string)")
            let list = try response.json()["reasons"] as? [[String: Any]] ?? []
            #expect(list.count == ReasonID.allCases.count)
            return Dictionary(uniqueKeysWithValues: list.map { ($0["id"] as? String ?? "", $0) })
        }

        @Test func commercialReturnIsOpenAtTenDaysAndClosedAtTwenty() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let tenDays = try await Self.reasons(
                    app, line: try await Self.lineID(app, invoice: "0962350553", token: jan), token: jan)
                #expect(tenDays["commercial_return"]?["enabled"] as? Bool == true)
                #expect(tenDays["commercial_return"]?["deadline"] as? String == testDay.adding(days: 5).iso)
                #expect(tenDays["commercial_return"]?["outcome"] as? String == "ship_directly")
                #expect(tenDays["commercial_return"]?.keys.contains("explanation") == true, "null fields are written")
                #expect(tenDays["commercial_return"]?["explanation"] is NSNull)

                let twentyDays = try await Self.reasons(
                    app, line: try await Self.lineID(app, invoice: "0962277401", token: jan), token: jan)
                let refused = try #require(twentyDays["commercial_return"])
                #expect(refused["enabled"] as? Bool == false)
                let ended = testDay.adding(days: -20 + 15)
                let explanation = refused["explanation"] as? String ?? ""
                #expect(explanation.contains("verlopen op \(ended.day)-\(ended.month)-\(ended.year)"), "\(explanation)")
                #expect(explanation.contains("Buy back"))
                #expect(twentyDays["buyback"]?["enabled"] as? Bool == true)
                #expect(twentyDays["buyback"]?["outcome"] as? String == "in_review")
                // The keep offer of the manual: 63.21 → 62.89.
                let offer = twentyDays["wrong_delivery"]?["keepOffer"] as? [String: String]
                #expect(offer == ["normalPrice": "63.21", "unitPrice": "62.89"])
            }
        }

        @Test func brandsAndArticlesDecide() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                // NETGEAR has no DOA: refused, pointing to Defect.
                let netgear = try await Self.reasons(
                    app, line: try await Self.lineID(app, invoice: "0962405090", token: jan), token: jan, language: "en"
                )
                #expect(netgear["doa"]?["enabled"] as? Bool == false)
                #expect((netgear["doa"]?["explanation"] as? String)?.contains("NETGEAR has no DOA arrangement") == true)
                #expect(netgear["doa"]?["alternative"] as? String == "defect")
                #expect(netgear["doa"]?["label"] as? String == "DOA (dead on arrival) request")

                // Invoice 0962411120 holds the licence (line 100) and the ACER laptop (line 200).
                let found = try await app.get("/api/v1/lines?numberType=invoice&number=0962411120", token: jan).json()
                let lines = ((found["documents"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]]) ?? []
                let licenceID = try #require(lines.first { $0["article"] as? String == "47281" }?["id"] as? Int)
                let acerID = try #require(lines.first { $0["article"] as? String == "4301177" }?["id"] as? Int)
                let licence = try await Self.reasons(app, line: licenceID, token: jan)
                #expect(
                    Set(licence.filter { $0.value["enabled"] as? Bool == true }.keys) == [
                        "license_return", "wrong_invoicing",
                    ])
                let acer = try await Self.reasons(app, line: acerID, token: jan)
                #expect(acer["defect"]?["enabled"] as? Bool == true)
                #expect(acer["defect"]?["handling"] as? String == "direct_service")
                #expect(
                    (acer["defect"]?["serviceCentre"] as? [String: Any])?["company"] as? String == "ACER COMPUTER BV")
                #expect(acer["license_return"]?["enabled"] as? Bool == false)

                // The 3D printer, software and special-order article may not be returned commercially.
                let excluded = try await app.get("/api/v1/lines?numberType=invoice&number=0962300917", token: jan)
                    .json()
                let excludedLines =
                    ((excluded["documents"] as? [[String: Any]])?.first?["lines"] as? [[String: Any]]) ?? []
                #expect(excludedLines.count == 3)
                for line in excludedLines {
                    let verdicts = try await Self.reasons(app, line: line["id"] as? Int ?? 0, token: jan)
                    #expect(verdicts["commercial_return"]?["enabled"] as? Bool == false)
                    #expect(verdicts["defect"]?["enabled"] as? Bool == true)
                }
            }
        }

        @Test func anotherCompanysLineIs404() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let bytewise = try await app.token("inkoop@bytewise.nl")
                let id = try await Self.lineID(app, invoice: "0962405087", token: jan)
                #expect(try await app.get("/api/v1/lines/\(id)/reasons", token: bytewise).status == .notFound)
                #expect(try await app.get("/api/v1/lines/\(id)/reasons", token: nil).status == .unauthorized)
                let browser = Browser(app)
                try await browser.login("inkoop@bytewise.nl")
                #expect(try await browser.get("/search/lines/\(id)/reasons").status == .notFound)
            }
        }

        @Test func theSearchRowLoadsItsReasonsAsAFragment() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let id = try await Self.lineID(app, invoice: "0962277401", token: jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let search = try await browser.get("/search?numberType=invoice&number=0962277401").body.string
                #expect(search.contains("data-src=\"/search/lines/\(id)/reasons\""))
                let html = try await browser.get("/search/lines/\(id)/reasons").body.string
                #expect(html.components(separatedBy: "<li class=\"reason").count - 1 == ReasonID.allCases.count)
                #expect(html.contains("data-reason=\"commercial_return\" data-enabled=\"false\""))
                #expect(html.contains("data-reason=\"buyback\" data-enabled=\"true\""))
                #expect(html.contains("href=\"/register/\(id)?reason=buyback\""))
                #expect(!html.contains("href=\"/register/\(id)?reason=commercial_return\""))
                let until = testDay.adding(days: -20 + 30)
                #expect(html.contains("Aan te vragen tot en met \(until.day)-\(until.month)-\(until.year)."))
            }
        }
    }
}
