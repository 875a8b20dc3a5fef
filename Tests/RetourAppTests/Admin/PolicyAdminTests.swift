import Fluent
import Foundation
import RetourApplication
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct PolicyAdminTests {
        static func policyJSON(_ change: (inout Policy) -> Void) throws -> String {
            var policy = Policy.standard
            change(&policy)
            return try PolicyStore.encode(policy)
        }

        /// Publishing is one use case for the API and the page; two administrators publishing at the
        /// same moment get two versions, numbered one after the other, each audited.
        @Test func twoVersionsPublishedAtOnceGetTheirOwnNumbers() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try #require(
                    try await User.query(on: app.db).filter(\.$email == "admin@retour.example").first())
                let publish = PublishPolicy(
                    store: DatabaseRulesStore(database: app.db), actorID: try admin.requireID(), now: app.clock.now,
                    today: testDay)
                async let first = publish.run(.standard, effectiveFrom: nil, note: "een")
                async let second = publish.run(.standard, effectiveFrom: nil, note: "twee")
                let versions = try await [first.version, second.version].sorted()
                let before = versions[0] - 1
                #expect(versions == [before + 1, before + 2])
                let audited = try await AuditEvent.query(on: app.db).filter(\.$action == "policy.create").count()
                #expect(audited >= 2)
                // A day in the past is refused, by the same rule as on the page.
                await #expect(throws: Refusal.self) {
                    try await publish.run(.standard, effectiveFrom: "2020-01-01", note: nil)
                }
            }
        }

        @Test func aNewVersionChangesTheDecisionsAndIsAudited() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await ReasonsTests.lineID(app, invoice: "0962277401", token: jan)
                #expect(
                    try await ReasonsTests.reasons(app, line: line, token: jan)["commercial_return"]?["enabled"]
                        as? Bool == false)

                // What-if first: widening the window to 25 days opens the 20-day-old lines.
                let draft = try Self.policyJSON { $0.reasons[.commercialReturn]?.window = .days(25) }
                let whatIf = try await app.postJSON(
                    "/api/v1/policies/what-if", #"{"days": 60, "policy": \#(draft)}"#, token: admin)
                #expect(whatIf.status == .ok, "\(whatIf.body.string)")
                let changes = try whatIf.json()["changes"] as? [[String: Any]] ?? []
                let commercial = changes.first { $0["reason"] as? String == "commercial_return" }
                #expect((commercial?["refusedToAllowed"] as? Int ?? 0) > 0)
                #expect(commercial?["allowedToRefused"] as? Int == 0)
                #expect(changes.first { $0["reason"] as? String == "defect" }?["refusedToAllowed"] as? Int == 0)

                let created = try await app.postJSON(
                    "/api/v1/policies", #"{"policy": \#(draft), "note": "25 days for the holidays"}"#, token: admin)
                #expect(created.status == .created, "\(created.body.string)")
                #expect(try created.json()["version"] as? Int == 2)
                let after = try await ReasonsTests.reasons(app, line: line, token: jan)
                #expect(after["commercial_return"]?["enabled"] as? Bool == true)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "policy.create").count() == 1)
                let listed = try await app.get("/api/v1/policies", token: admin).json()
                #expect(listed["current"] as? Int == 2)
                #expect((listed["versions"] as? [[String: Any]])?.count == 2)
            }
        }

        @Test func aFutureVersionWaitsForItsDay() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let draft = try Self.policyJSON { $0.reasons[.transportDamage]?.window = .days(7) }
                let tomorrow = testDay.adding(days: 1).iso
                let created = try await app.postJSON(
                    "/api/v1/policies", #"{"policy": \#(draft), "effectiveFrom": "\#(tomorrow)"}"#, token: admin)
                #expect(created.status == .created)
                #expect(try await PolicyStore.current(on: app.db, day: testDay).version == 1)
                #expect(try await PolicyStore.current(on: app.db, day: testDay.adding(days: 1)).version == 2)
            }
        }

        @Test func invalidPoliciesAreRefusedAndNothingChanges() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let bad = try Self.policyJSON {
                    $0.reasons[.commercialReturn]?.minimumValue = Money(cents: 300_000)
                    $0.reasons[.transportDamage]?.keepDiscountBasisPoints = 20_000
                    $0.defaultWarrantyMonths = 0
                }
                let response = try await app.postJSON("/api/v1/policies", #"{"policy": \#(bad)}"#, token: admin)
                #expect(response.status == .unprocessableEntity)
                #expect(
                    Set(try response.problemFields()).isSuperset(of: [
                        "reasons.commercial_return.maximumValue", "reasons.transport_damage.keepDiscountBasisPoints",
                        "defaultWarrantyMonths",
                    ]))
                let past = try await app.postJSON(
                    "/api/v1/policies", #"{"policy": \#(try Self.policyJSON { _ in }), "effectiveFrom": "2000-01-01"}"#,
                    token: admin)
                #expect(past.status == .unprocessableEntity)
                #expect(
                    try await app.postJSON("/api/v1/policies", #"{"policy": 5}"#, token: admin).status == .badRequest)
                #expect(try await PolicyVersion.query(on: app.db).count() == 1)
                let jan = try await app.token("jan@pcpartner.nl")
                #expect(
                    try await app.postJSON("/api/v1/policies", #"{"policy": \#(bad)}"#, token: jan).status == .forbidden
                )
                #expect(try await app.get("/api/v1/policies", token: jan).status == .forbidden)
            }
        }

        @Test func theAdminPageShowsEditsAndSimulates() async throws {
            try await withRetour(fixtures: true) { app in
                let browser = Browser(app)
                try await browser.login("admin@retour.example")
                let page = try await browser.get("/admin/policies")
                #expect(page.status == .ok)
                let html = page.body.string
                #expect(html.contains("name=\"window_commercial_return\" value=\"15\""))
                #expect(
                    html.contains("name=\"min_commercial_return\" value=\"25,00\""),
                    "a Dutch reader sees a decimal comma")
                #expect(html.contains("name=\"keep_transport_damage\" value=\"10,00\""))
                #expect(html.contains("NETGEAR"))

                var fields = PolicyForm.fields(of: .standard)
                fields["window_commercial_return"] = "25"
                fields["days"] = "60"
                let simulated = try await browser.post("/admin/policies/what-if", fields)
                #expect(simulated.status == .ok)
                #expect(simulated.body.string.contains("id=\"what-if-result\""))
                #expect(try await PolicyVersion.query(on: app.db).count() == 1)

                fields["min_commercial_return"] = "abc"
                let invalid = try await browser.post("/admin/policies", fields)
                #expect(invalid.status == .unprocessableEntity)
                #expect(invalid.body.string.contains("Vul een bedrag in, zoals 25,00."))
                #expect(try await PolicyVersion.query(on: app.db).count() == 1)

                fields["min_commercial_return"] = "30,00"
                fields["note"] = "Dertig euro"
                // Activating asks first, with what the version changes and example lines on top.
                let asked = try await browser.post("/admin/policies", fields)
                #expect(asked.status == .ok)
                let question = asked.body.string
                #expect(question.contains("Versie 2 activeren, geldig vanaf 16-3-2026?"))
                let top = try #require(question.range(of: "id=\"confirm-activation\""))
                let form = try #require(question.range(of: "id=\"policy-form\""))
                let whatIf = try #require(question.range(of: "id=\"what-if-result\""))
                #expect(top.lowerBound < whatIf.lowerBound && whatIf.lowerBound < form.lowerBound)
                #expect(question.contains("<ul class=\"examples\"><li>Factuur "), "example lines name their invoice")
                #expect(try await PolicyVersion.query(on: app.db).count() == 1, "nothing is saved before the yes")
                fields["confirm"] = "1"
                let saved = try await browser.post("/admin/policies", fields)
                #expect(saved.status == .ok)
                #expect(saved.body.string.contains("Versie 2 is opgeslagen"))
                let (version, policy) = try await PolicyStore.current(on: app.db, day: testDay)
                #expect(version == 2)
                #expect(policy[.commercialReturn].window == .days(25))
                #expect(policy[.commercialReturn].minimumValue == Money(cents: 3_000))
                #expect(policy[.buyback] == Policy.standard[.buyback])

                // Brand policy: NETGEAR gets 10 DOA days, with an audit entry.
                let netgear = try #require(try await Brand.query(on: app.db).filter(\.$name == "NETGEAR").first())
                let brandSaved = try await browser.post(
                    "/admin/brands/\(try netgear.requireID())",
                    ["doaDays": "10", "warrantyMonths": "", "warrantyHandling": "credit", "doaHandling": "credit"])
                #expect(brandSaved.status == .ok)
                #expect(try await Brand.find(netgear.id, on: app.db)?.doaDays == 10)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "brand.update").count() == 1)
                let refused = try await browser.post(
                    "/admin/brands/\(try netgear.requireID())",
                    [
                        "doaDays": "-4", "warrantyMonths": "", "warrantyHandling": "direct_service",
                        "doaHandling": "credit",
                    ])
                #expect(refused.status == .unprocessableEntity)
                #expect(try await Brand.find(netgear.id, on: app.db)?.doaDays == 10)

                // Resellers and agents do not see the page.
                let jan = Browser(app)
                try await jan.login("jan@pcpartner.nl")
                #expect(try await jan.get("/admin/policies").status == .forbidden)
            }
        }
    }
}
