import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The administrator's exclusions page: per reason and one article at a time, each change a new
    /// version of the rules that the reasons of a line follow at once.
    @Suite struct ExclusionsPageTests {
        @Test func anArticleExcludedOnThePageIsRefusedToTheResellerAndCanBeLetBackIn() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                let line = try #require(try await InvoiceLine.query(on: app.db).with(\.$article).first())
                let article = line.article.number
                let jan = Browser(app)
                try await jan.login("jan@pcpartner.nl")
                func refusedForCommercialReturn() async throws -> Bool {
                    let reasons = try await jan.get("/search/lines/\(try line.requireID())/reasons").body.string
                    let item = try #require(reasons.range(of: "data-reason=\"commercial_return\""))
                    let rest = reasons[item.lowerBound...].prefix(2_000)
                    return rest.contains("Dit artikel is uitgesloten")
                }
                #expect(try await !refusedForCommercialReturn())

                let unknown = try await admin.post("/admin/exclusions/articles", ["article": "GEEN-ARTIKEL"])
                #expect(unknown.status == .unprocessableEntity)
                #expect(unknown.body.string.contains("Artikel GEEN-ARTIKEL is niet bekend."))
                #expect(unknown.body.string.contains("value=\"GEEN-ARTIKEL\""), "what was typed stays")

                let excluded = try await admin.post("/admin/exclusions/articles", ["article": " \(article) "])
                #expect(excluded.status == .seeOther)
                let location = try #require(excluded.headers.first(name: .location))
                let page = try await admin.get(location).body.string
                #expect(page.contains("Opgeslagen als versie 2"))
                #expect(page.contains("id=\"excluded-\(article)\""))
                #expect(try await refusedForCommercialReturn())
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "policy.create").count() == 1)

                let back = try await admin.post("/admin/exclusions/articles/remove", ["article": article])
                #expect(back.status == .seeOther)
                #expect(try await !refusedForCommercialReturn())

                // Resellers do not reach the page.
                #expect(try await jan.get("/admin/exclusions").status == .forbidden)
            }
        }

        @Test func theReasonsFormSavesEveryBoxAndRefusesAValueThatIsNotABox() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                let page = try await admin.get("/admin/exclusions").body.string
                // Every box is named by its column and its reason.
                #expect(
                    page.contains(
                        "name=\"kind_software.commercial_return\" value=\"1\" id=\"kind_software.commercial_return\" aria-labelledby=\"excl-col-kind_software excl-reason-commercial_return\" checked"
                    ))
                var fields: [String: String] = [:]
                for reason in ReasonID.allCases {
                    let rules = Policy.standard[reason]
                    for kind in rules.excludedKinds { fields["kind_\(kind.rawValue).\(reason.rawValue)"] = "1" }
                    if rules.excludeSpecialOrders { fields["specialOrders.\(reason.rawValue)"] = "1" }
                    if rules.excludeNonReturnable { fields["nonReturnable.\(reason.rawValue)"] = "1" }
                }
                fields["kind_software.commercial_return"] = nil
                fields["kind_licence.buyback"] = "1"
                let wrong = fields.merging(["kind_hardware.defect": "ja"]) { $1 }
                #expect(try await admin.post("/admin/exclusions", wrong).status == .unprocessableEntity)
                #expect(try await PolicyVersion.query(on: app.db).count() == 1)

                #expect(try await admin.post("/admin/exclusions", fields).status == .seeOther)
                let (version, policy) = try await PolicyStore.current(on: app.db, day: testDay)
                #expect(version == 2)
                #expect(!policy[.commercialReturn].excludedKinds.contains(.software))
                #expect(policy[.buyback].excludedKinds.contains(.licence))
                #expect(policy[.defect] == Policy.standard[.defect])
            }
        }
    }
}
