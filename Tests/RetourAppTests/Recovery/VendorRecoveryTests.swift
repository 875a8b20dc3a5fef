import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Vendor recovery through the API: the manufacturer's terms from the import, a defective
    /// webcam marked for its vendor, the claim sent, credited in two parts and reported.
    @Suite struct VendorRecoveryTests {
        static let logitechTerms = #"""
            {"brands": [{"name": "LOGITECH", "doaDays": 14, "warrantyMonths": 24,
              "vendorReturns": {"accepts": true, "withinDays": 365, "creditBasis": "purchase_price",
                "handlingFeePercent": 2.5,
                "address": {"company": "Logitech Europe SA", "street": "EPFL Quartier de l'Innovation",
                  "postcode": "1015", "city": "Lausanne", "country": "CH"}}}],
             "articles": [{"number": "1948782", "description": "LOGITECH HD Webcam C930e", "brand": "LOGITECH",
               "ean": "5099206045200", "manufacturerModel": "960-000972", "serialised": true, "price": "71.50",
               "purchasePrice": "60.00"}]}
            """#

        /// Jan's defective webcam, received by the agent; returns its number.
        static func receivedDefect(_ app: Application, jan: String, agent: String) async throws -> String {
            let line = try await RegistrationTests.webcam(app, jan)
            let number = try await RegistrationTests.submitOne(
                app,
                #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "no_response", "description": "Geen beeld meer"}}"#,
                token: jan)
            let received = try await FollowUpTests.post(
                app, "/api/v1/requests/\(number)/receipt",
                #"{"quantity": 1, "serials": ["2119LZ90X2V9"], "condition": "as_expected"}"#, token: agent)
            #expect(received.status == .ok, "\(received.body.string)")
            return number
        }

        /// Jan's webcam of request `number` marked for its vendor; returns the claim it joined.
        static func markedForTheVendor(_ app: Application, _ number: String, agent: String) async throws -> String {
            let marked = try await FollowUpTests.post(
                app, "/api/v1/requests/\(number)/disposition",
                #"{"units": [{"serial": "2119LZ90X2V9", "disposition": "return_to_vendor"}]}"#, token: agent)
            return try #require(
                (try marked.json()["dispositions"] as? [[String: Any]])?.first?["vendorClaim"] as? String)
        }

        @Test func aDefectGoesBackToItsVendorAndTheVendorPaysInTwoParts() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                let imported = try await app.postJSON("/api/v1/import", Self.logitechTerms, token: admin)
                #expect(imported.status == .ok, "\(imported.body.string)")
                let number = try await Self.receivedDefect(app, jan: jan, agent: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)

                // Resellers see none of it.
                let path = "/api/v1/requests/\(number)/disposition"
                let unit =
                    #"{"units": [{"serial": "2119LZ90X2V9", "quantity": 1, "disposition": "return_to_vendor", "grade": "defective", "note": "Geen beeld"}]}"#
                #expect(try await FollowUpTests.post(app, path, unit, token: jan).status == .forbidden)
                #expect(try await app.get("/api/v1/vendor-claims", token: jan).status == .forbidden)
                #expect(try await app.get("/api/v1/vendor-recovery", token: jan).status == .forbidden)
                // An API client that names a date gives one; text no database keeps is refused on SQLite too.
                #expect(try await app.get("/api/v1/vendor-recovery?to=", token: agent).status == .unprocessableEntity)
                #expect(try await app.get("/api/v1/vendor-claims?state=", token: agent).status == .unprocessableEntity)
                let nul = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/disposition",
                    #"{"units": [{"serial": "2119LZ90X2V9", "disposition": "scrap", "note": "a\u0000b"}]}"#,
                    token: agent)
                #expect(nul.status == .badRequest)

                let unknown = try await FollowUpTests.post(
                    app, path, #"{"units": [{"serial": "2119LZ90X2V9", "quantity": 1, "disposition": "landfill"}]}"#,
                    token: agent)
                #expect(unknown.status == .unprocessableEntity)
                #expect(try unknown.problemFields() == ["units/0/disposition"])

                let marked = try await FollowUpTests.post(app, path, unit, token: agent)
                #expect(marked.status == .ok, "\(marked.body.string)")
                #expect(try marked.json()["number"] as? String == number)
                let units = try #require(try marked.json()["dispositions"] as? [[String: Any]])
                // 60.00 purchase price less 2.5 %.
                #expect(units.first?["expectedCredit"] as? String == "58.50")
                let claimNumber = try #require(units.first?["vendorClaim"] as? String)
                #expect(claimNumber.hasPrefix("VC-"))

                let open = try await app.get("/api/v1/vendor-claims?state=open", token: agent).json()
                #expect(open["total"] as? Int == 1)
                let claim = try #require((open["claims"] as? [[String: Any]])?.first)
                #expect(claim["brand"] as? String == "LOGITECH")
                #expect(claim["status"] as? String == "open")
                #expect(claim["vendorRmaNumber"] is NSNull)
                #expect(claim["sentOn"] is NSNull)
                #expect(claim["expectedCredit"] as? String == "58.50")
                #expect(claim["ageDays"] as? Int == 0)
                let claimUnit = try #require((claim["units"] as? [[String: Any]])?.first)
                #expect(claimUnit["request"] as? String == number)
                #expect(claimUnit["serial"] as? String == "2119LZ90X2V9")
                #expect(claimUnit["disposition"] as? String == "return_to_vendor")

                // The packet: the packing list and the unit's evidence.
                let packet = try await app.get("/api/v1/vendor-claims/\(claimNumber)/packet.zip", token: agent)
                #expect(packet.status == .ok)
                #expect(packet.headers.contentType?.subType == "zip")
                let bytes = Data(buffer: packet.body)
                #expect(bytes.prefix(2) == Data("PK".utf8))
                let listing = String(decoding: bytes, as: UTF8.self)
                #expect(listing.contains("\(claimNumber)-packing-list.pdf"))
                #expect(listing.contains("units/1-2119LZ90X2V9/unit.txt"))
                #expect(listing.contains("Geen beeld meer"))

                let claimPath = "/api/v1/vendor-claims/\(claimNumber)"
                #expect(
                    try await FollowUpTests.post(app, claimPath + "/credit", #"{"amount": "10.00"}"#, token: agent)
                        .status
                        == .conflict)
                let sent = try await FollowUpTests.post(
                    app, claimPath + "/send", #"{"vendorRmaNumber": "LOGI-55120"}"#, token: agent)
                #expect(sent.status == .ok, "\(sent.body.string)")
                #expect(try sent.json()["status"] as? String == "sent")
                #expect(try sent.json()["vendorRmaNumber"] as? String == "LOGI-55120")
                #expect(try sent.json()["sentOn"] as? String == app.today.iso)
                #expect(
                    try await FollowUpTests.post(app, claimPath + "/send", #"{"vendorRmaNumber": "X"}"#, token: agent)
                        .status == .conflict)
                // The unit is with the vendor now: its disposition is history.
                #expect(try await FollowUpTests.post(app, path, unit, token: agent).status == .conflict)

                let part = try await FollowUpTests.post(
                    app, claimPath + "/credit", #"{"amount": "20.00", "reference": "LOGI-CN-1"}"#, token: agent)
                #expect(try part.json()["status"] as? String == "partially_credited")
                #expect(try part.json()["receivedCredit"] as? String == "20.00")
                let rest = try await FollowUpTests.post(
                    app, claimPath + "/credit", #"{"amount": "38.50", "reference": "LOGI-CN-2"}"#, token: agent)
                #expect(try rest.json()["status"] as? String == "settled")
                #expect(
                    try await app.get("/api/v1/vendor-claims?state=settled", token: agent).json()["total"] as? Int == 1)
                #expect(
                    try await app.get("/api/v1/vendor-claims?state=open", token: agent).json()["total"] as? Int == 0)

                let report = try await app.get(
                    "/api/v1/vendor-recovery?from=2026-01-01&to=2026-12-31", token: agent
                ).json()
                let logitech = try #require(
                    (report["brands"] as? [[String: Any]])?.first { $0["brand"] as? String == "LOGITECH" })
                #expect(logitech["expectedFromVendor"] as? String == "58.50")
                #expect(logitech["receivedFromVendor"] as? String == "58.50")
                #expect(logitech["recoveryRate"] as? String == "1.0000")
                #expect((logitech["openExposure"] as? [String: Any])?["days0to30"] as? String == "0.00")
                let credited = try await app.get("/api/v1/requests/\(number)", token: agent).json()
                let creditNote = try #require(credited["creditNote"] as? [String: Any])
                #expect(logitech["creditedToResellers"] as? String == creditNote["amount"] as? String)

                // The distributor's systems hear of each step; the reseller's feed shows none.
                let types = try await IntegrationEvent.query(on: app.db).sort(\.$sequence).all().map(\.type.rawValue)
                #expect(
                    types.filter { $0.hasPrefix("vendor_claim.") } == [
                        "vendor_claim.sent", "vendor_claim.credited", "vendor_claim.credited", "vendor_claim.settled",
                    ])
                let feed = try await app.get("/api/v1/events?limit=500", token: jan).body.string
                #expect(!feed.contains("vendor_claim"))
                let staffFeed = try await app.get("/api/v1/events?limit=500", token: admin).body.string
                #expect(staffFeed.contains("vendor_claim.settled"))
                let audit = try await AuditEvent.query(on: app.db).all().map(\.action)
                #expect(audit.contains("disposition.record"))
                #expect(audit.filter { $0 == "vendor_claim.credit" }.count == 2)
            }
        }

        @Test func aBrandWithoutReturnRightsIsRefusedForTheVendorNamingTheRule() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                let number = try await Self.receivedDefect(app, jan: jan, agent: agent)
                let path = "/api/v1/requests/\(number)/disposition"
                let refused = try await FollowUpTests.post(
                    app, path, #"{"units": [{"serial": "2119LZ90X2V9", "disposition": "return_to_vendor"}]}"#,
                    token: agent)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("LOGITECH takes no returns"), "\(refused.body.string)")
                let scrapped = try await FollowUpTests.post(
                    app, path,
                    #"{"units": [{"serial": "2119LZ90X2V9", "disposition": "scrap", "grade": "defective"}]}"#,
                    token: agent)
                #expect(scrapped.status == .ok)
                #expect(try await app.get("/api/v1/vendor-claims", token: agent).json()["total"] as? Int == 0)
            }
        }

        @Test func vendorTermsAreCheckedAtTheImport() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let wrong = try await app.postJSON(
                    "/api/v1/import",
                    #"{"brands": [{"name": "LOGITECH", "vendorReturns": {"accepts": true, "handlingFeePercent": 150, "creditBasis": "list"}}]}"#,
                    token: admin)
                #expect(wrong.status == .unprocessableEntity)
                let body = wrong.body.string
                #expect(body.contains("/brands/0/vendorReturns/handlingFeePercent"), "\(body)")
                #expect(body.contains("/brands/0/vendorReturns/creditBasis"), "\(body)")
            }
        }

        /// The agent's pages: the request page proposes the vendor and shows what it leaves uncovered;
        /// the claim is sent and credited from its page; the dashboard and its CSV show the brand.
        @Test func theAgentWorksTheClaimFromThePages() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let agentToken = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", Self.logitechTerms, token: admin).status == .ok)
                let number = try await Self.receivedDefect(app, jan: jan, agent: agentToken)
                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                let page = try await agent.get("/requests/\(number)").body.string
                #expect(page.contains("id=\"recovery\""))
                #expect(page.contains("LOGITECH neemt artikelen terug tot en met"), "\(page)")
                #expect(page.contains("58,50"))
                #expect(page.contains("id=\"recovery-exposure\""))
                // The rules propose the vendor for a defect the vendor takes.
                #expect(page.contains("<option value=\"return_to_vendor\" selected>"))

                let form = [
                    "rows": "1", "serial.0": "2119LZ90X2V9", "quantity.0": "1", "disposition.0": "landfill",
                    "grade.0": "defective", "note.0": "Beeld zwart",
                ]
                let refused = try await agent.post("/requests/\(number)/disposition", form)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("id=\"action-error\""))
                #expect(refused.body.string.contains("value=\"Beeld zwart\""), "what was typed stays")
                var good = form
                good["disposition.0"] = "return_to_vendor"
                #expect(try await agent.post("/requests/\(number)/disposition", good).status == .seeOther)
                let claimNumber = try #require(
                    try await app.get("/api/v1/vendor-claims", token: agentToken).json()["claims"]
                        .flatMap { ($0 as? [[String: Any]])?.first?["number"] as? String })

                let list = try await agent.get("/backoffice/vendor-claims").body.string
                #expect(list.contains("data-number=\"\(claimNumber)\""))
                let path = "/backoffice/vendor-claims/\(claimNumber)"
                let empty = try await agent.post(path + "/send", ["vendorRmaNumber": " "])
                #expect(empty.status == .unprocessableEntity)
                #expect(empty.body.string.contains("id=\"action-error\""))
                #expect(try await agent.post(path + "/send", ["vendorRmaNumber": "LOGI-9"]).status == .seeOther)
                #expect(
                    try await agent.post(path + "/credit", ["amount": "20,00", "reference": "CN-1"]).status == .seeOther
                )
                let detail = try await agent.get(path).body.string
                #expect(detail.contains("data-status=\"partially_credited\""))
                #expect(detail.contains("id=\"claim-outstanding\">38,50"), "\(detail)")
                #expect(detail.contains("id=\"write-off-form\""))
                let pdf = try await agent.get(path + "/packing-list.pdf")
                #expect(try pdfText(Data(buffer: pdf.body)).contains("2119LZ90X2V9"))

                // The report counts by the day the reseller was credited.
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agentToken).status
                        == .ok)
                let dashboard = try await agent.get("/backoffice/recovery?from=2026-01-01&to=2026-12-31").body.string
                #expect(dashboard.contains("data-brand=\"LOGITECH\""))
                #expect(dashboard.contains("<svg"))
                #expect(dashboard.contains(claimNumber), "the open claim is among the oldest")
                let csv = try await agent.get("/backoffice/recovery.csv?from=2026-01-01&to=2026-12-31").body.string
                #expect(csv.hasPrefix("\u{FEFF}brand;month;"))
                #expect(csv.contains("LOGITECH;\(app.today.iso.prefix(7));"), "\(csv)")
                #expect(csv.contains(";58.50;20.00;"), "expected and received: \(csv)")

                let reseller = Browser(app)
                try await reseller.login("jan@pcpartner.nl")
                #expect(try await reseller.get("/backoffice/vendor-claims").status == .forbidden)
                #expect(try await reseller.get("/backoffice/recovery").status == .forbidden)
                #expect(!(try await reseller.get("/requests/\(number)").body.string.contains("id=\"recovery\"")))
            }
        }

        /// The demo shows a claim paid in full, one paid in part and one open for 35 days, made by the
        /// use cases on past days; loading the demo again adds nothing.
        @Test func theDemoShowsClaimsInEveryState() async throws {
            try await withRetour { app in
                _ = try await loadDemoData(app)
                _ = try await loadDemoData(app)
                let agent = try await app.token("rma@retour.example")
                let all = try await app.get("/api/v1/vendor-claims", token: agent).json()
                let claims = try #require(all["claims"] as? [[String: Any]])
                let byBrand = Dictionary(uniqueKeysWithValues: claims.map { ($0["brand"] as? String ?? "", $0) })
                #expect(claims.count == 3)
                #expect(byBrand["HP"]?["status"] as? String == "settled")
                #expect(byBrand["SEAGATE"]?["status"] as? String == "partially_credited")
                #expect(byBrand["LOGITECH"]?["status"] as? String == "open")
                #expect(byBrand["LOGITECH"]?["ageDays"] as? Int == 35)
                let report = try await app.get("/api/v1/vendor-recovery", token: agent).json()
                let brands = try #require(report["brands"] as? [[String: Any]])
                #expect(brands.count == 3)
                let seagate = try #require(brands.first { $0["brand"] as? String == "SEAGATE" })
                #expect(seagate["receivedFromVendor"] as? String == "30.00")
                // 52.00 expected, 30.00 paid: 22.00 open on a claim opened 46 days ago.
                #expect((seagate["openExposure"] as? [String: Any])?["days31to60"] as? String == "22.00")
            }
        }

        /// The administrator keeps a manufacturer's terms on a page; each change is a version, and a
        /// unit marked afterwards is judged by the new terms.
        @Test func theAdministratorKeepsTheTermsAsVersions() async throws {
            try await withRetour(fixtures: true) { app in
                let brand = try #require(try await Brand.query(on: app.db).filter(\.$name == "LOGITECH").first())
                let path = "/admin/brands/\(try brand.requireID())/vendor-returns"
                let admin = Browser(app)
                try await admin.login("admin@retour.example")
                #expect(try await admin.get("/admin/policies").body.string.contains(path))
                #expect(try await admin.get(path).body.string.contains("id=\"vendor-terms-form\""))
                let form = [
                    "accepts": "1", "withinDays": "180", "creditBasis": "purchase_price", "handlingFeePercent": "150",
                    "company": "Logitech Europe SA", "street": "Rue du Centre 12", "postcode": "1015",
                    "city": "Lausanne", "country": "ch",
                ]
                let refused = try await admin.post(path, form)
                #expect(refused.status == .unprocessableEntity)
                #expect(refused.body.string.contains("id=\"fee-error\""))
                #expect(refused.body.string.contains("value=\"Logitech Europe SA\""), "what was typed stays")
                var good = form
                good["handlingFeePercent"] = "2,5"
                #expect(try await admin.post(path, good).status == .seeOther)
                let saved = try await admin.get(path + "?saved=1").body.string
                #expect(saved.contains("id=\"terms-saved\""))
                #expect(saved.contains("id=\"terms-versions\""))
                #expect(saved.contains("value=\"2,5\""))
                #expect(try await admin.post(path, good).status == .seeOther)
                #expect(try await AuditEvent.query(on: app.db).filter(\.$action == "brand.vendor_returns").count() == 1)

                let agent = Browser(app)
                try await agent.login("rma@retour.example")
                #expect(try await agent.get(path).status == .forbidden)
                let agentToken = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                let number = try await Self.receivedDefect(app, jan: jan, agent: agentToken)
                let marked = try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/disposition",
                    #"{"units": [{"serial": "2119LZ90X2V9", "disposition": "return_to_vendor"}]}"#, token: agentToken)
                // No purchase price: the invoiced 71.50 less 2.5 %.
                #expect(
                    (try marked.json()["dispositions"] as? [[String: Any]])?.first?["expectedCredit"] as? String
                        == "69.71")
            }
        }

        /// `retour demo --lines N` adds credited defects and vendor claims in every state, so the
        /// benchmark measures the recovery report on data of that size; loading again adds nothing.
        @Test func generatedDataCarriesVendorRecovery() async throws {
            try await withRetour { app in
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-gen-\(UUID())")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let path = directory.appendingPathComponent("data.json").path
                try GeneratedData(lines: 5_000, companies: 50, today: testDay).write(to: path)
                let importer = Importer(
                    database: app.db, hashPassword: { [password = app.password.async] in try await password.hash($0) })
                _ = try await importer.run(.file(path))
                let made = try await GeneratedRecovery.load(
                    on: app.db, today: app.today, now: app.clock.now, userEmail: GeneratedData.bigResellerLogin)
                #expect(made.requests > 50)
                #expect(made.claims > 10)
                let again = try await GeneratedRecovery.load(
                    on: app.db, today: app.today, now: app.clock.now, userEmail: GeneratedData.bigResellerLogin)
                #expect(again == (0, 0))
                let admin = try await app.token(GeneratedData.logins[2], password: GeneratedData.password)
                for state in ["open", "sent", "settled"] {
                    let listed = try await app.get("/api/v1/vendor-claims?state=\(state)", token: admin).json()
                    #expect(listed["total"] as? Int ?? 0 > 0, "claims in state \(state)")
                }
                let report = try await app.get(
                    "/api/v1/vendor-recovery?from=\(testDay.adding(days: -730).iso)&to=\(testDay.iso)", token: admin
                ).json()
                let brands = try #require(report["brands"] as? [[String: Any]])
                #expect(brands.count > 10)
                func cents(_ key: String) -> Int64 {
                    brands.reduce(0) { $0 + (Money(decimal: $1[key] as? String ?? "") ?? .zero).cents }
                }
                #expect(cents("creditedToResellers") > cents("expectedFromVendor"))
                #expect(cents("expectedFromVendor") > cents("receivedFromVendor"))
                #expect(cents("receivedFromVendor") > 0)
            }
        }

        /// The distributor's webhooks hear each step of a claim, signed and in order; a purchasing
        /// department cannot listen to vendor claims at all.
        @Test func theDistributorsWebhooksHearEveryStepOfAClaim() async throws {
            try await withRetour(fixtures: true) { app in
                app.config.webhookAllowPrivate = true
                let receiver = WebhookReceiver()
                try await receiver.start()
                let admin = try await app.token("admin@retour.example")
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                let claimEvents = #"["vendor_claim.sent","vendor_claim.credited","vendor_claim.settled"]"#
                let refused = try await app.postJSON(
                    "/api/v1/webhooks", #"{"url":"\#(receiver.url)","events":\#(claimEvents)}"#, token: jan)
                #expect(refused.status == .unprocessableEntity)
                let (_, secret) = try await WebhookTests.subscribe(app, admin, url: receiver.url, events: claimEvents)
                #expect(try await app.postJSON("/api/v1/import", Self.logitechTerms, token: admin).status == .ok)
                let number = try await Self.receivedDefect(app, jan: jan, agent: agent)
                let claim = try await Self.markedForTheVendor(app, number, agent: agent)
                let path = "/api/v1/vendor-claims/\(claim)"
                #expect(
                    try await FollowUpTests.post(app, path + "/send", #"{"vendorRmaNumber":"L-1"}"#, token: agent)
                        .status
                        == .ok)
                #expect(
                    try await FollowUpTests.post(app, path + "/credit", #"{"amount":"58.50"}"#, token: agent).status
                        == .ok)
                #expect(try await WebhookWorker.runOnce(app) == 3)
                let got = receiver.signed(with: secret)
                #expect(
                    got.map { $0.json["type"] as? String } == [
                        "vendor_claim.sent", "vendor_claim.credited", "vendor_claim.settled",
                    ])
                #expect(got.allSatisfy { ($0.json["data"] as? [String: Any])?["number"] as? String == claim })
                #expect(
                    ((got.last?.json["data"] as? [String: Any])?["status"] as? String) == "settled")
                try await receiver.stop()
            }
        }

        /// Seven years after closing a request goes with what became of its unit, and a settled claim
        /// with its last unit; nothing stops the retention.
        @Test func retentionTakesTheUnitsAndTheSettledClaimWithTheRequest() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                #expect(try await app.postJSON("/api/v1/import", Self.logitechTerms, token: admin).status == .ok)
                let number = try await Self.receivedDefect(app, jan: jan, agent: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)
                let claim = try await Self.markedForTheVendor(app, number, agent: agent)
                let path = "/api/v1/vendor-claims/\(claim)"
                _ = try await FollowUpTests.post(app, path + "/send", #"{"vendorRmaNumber":"L-1"}"#, token: agent)
                _ = try await FollowUpTests.post(app, path + "/credit", #"{"amount":"58.50"}"#, token: agent)
                #expect(
                    try await FollowUpTests.post(app, "/api/v1/requests/\(number)/close", token: agent).status == .ok)
                let later = app.today.adding(months: 12 * app.config.keepRequestsYears + 1)
                _ = try await DatabaseHousekeepingStore(database: app.db).applyRetention(
                    config: app.config, now: app.clock.now.addingTimeInterval(86_400 * 365 * 8), today: later)
                #expect(try await ReturnRequest.query(on: app.db).filter(\.$number == number).count() == 0)
                let sql = app.db.sql
                struct Count: Decodable { var total: Int }
                for table in ["unit_dispositions", "vendor_claims", "vendor_claim_credits"] {
                    let left = try await sql.raw("SELECT COUNT(*) AS total FROM \(ident: table)").first(
                        decoding: Count.self)
                    #expect(left?.total == 0, "\(table) keeps rows of a request that is gone")
                }
            }
        }
    }
}
