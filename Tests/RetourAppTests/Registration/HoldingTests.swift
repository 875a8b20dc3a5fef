import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Rulebook §4.6 (issue 11, item 1): only requests about the goods hold a line.
    @Suite struct HoldingTests {
        static func enabled(_ app: Application, line: Int, token: String) async throws -> Set<String> {
            Set(
                try await ReasonsTests.reasons(app, line: line, token: token).filter {
                    $0.value["enabled"] as? Bool == true
                }
                .keys)
        }

        @Test func claimsThatSendNothingBackDoNotBlockTheGoods() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                // An invoice claim on the whole line: quantity and serials sent along are ignored.
                let invoice =
                    #"{"line": \#(line), "reason": "wrong_invoicing", "quantity": 5, "serials": ["2119LZ90X2V9"], "fields": {"subReason": "price", "comment": "Prijs te hoog"}}"#
                let added = try await RegistrationTests.add(app, invoice, token: jan)
                #expect(added.status == .created, "\(added.body.string)")
                #expect(try added.json()["quantity"] as? Int == 1)
                #expect((try added.json()["serials"] as? [String])?.isEmpty == true)
                let accessory =
                    #"{"line": \#(line), "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "Kabel mist"}}"#
                #expect(try await RegistrationTests.add(app, accessory, token: jan).status == .created)
                #expect(try await RegistrationTests.submit(app, token: jan).status == .created)
                // Neither holds the webcam: its warranty reasons stay open.
                let open = try await Self.enabled(app, line: line, token: jan)
                #expect(open.contains("defect"))
                #expect(try await app.get("/api/v1/lines/\(line)", token: jan).json()["claimableQuantity"] as? Int == 1)

                // A defect holds the one piece: the goods reasons close and name it, the others stay open.
                let defect =
                    #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
                #expect(try await RegistrationTests.add(app, defect, token: jan).status == .created)
                let submitted = try await RegistrationTests.submit(app, token: jan).json()
                let holder = try #require((submitted["requests"] as? [[String: Any]])?.first?["number"] as? String)
                let reasons = try await ReasonsTests.reasons(app, line: line, token: jan)
                #expect(reasons["defect"]?["enabled"] as? Bool == false)
                #expect((reasons["defect"]?["explanation"] as? String)?.contains(holder) == true)
                let stillOpen = try await Self.enabled(app, line: line, token: jan)
                #expect(stillOpen.isSuperset(of: ["wrong_invoicing", "missing_accessories"]))
                #expect(try await app.get("/api/v1/lines/\(line)", token: jan).json()["claimableQuantity"] as? Int == 0)

                // One open invoice claim per line and sub-reason; another sub-reason may be filed.
                let again = try await RegistrationTests.add(app, invoice, token: jan)
                #expect(again.status == .conflict, "\(again.body.string)")
                let other =
                    #"{"line": \#(line), "reason": "wrong_invoicing", "fields": {"subReason": "payment_term", "comment": "Termijn"}}"#
                #expect(try await RegistrationTests.add(app, other, token: jan).status == .created)
                #expect(try await RegistrationTests.submit(app, token: jan).status == .created)
            }
        }

        @Test func tooMuchDeliveredHoldsNothingButIsOpenOncePerLine() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let excess =
                    #"{"line": \#(line), "reason": "too_much_delivered", "serials": ["EXTRA1"], "fields": {"totalDelivered": 2, "keep": false}}"#
                let added = try await RegistrationTests.add(app, excess, token: jan)
                #expect(added.status == .created, "\(added.body.string)")
                #expect(try await RegistrationTests.submit(app, token: jan).status == .created)
                // The extra unit was never invoiced: the invoiced one can still be returned.
                #expect(try await app.get("/api/v1/lines/\(line)", token: jan).json()["claimableQuantity"] as? Int == 1)
                #expect(try await Self.enabled(app, line: line, token: jan).contains("defect"))
                #expect(try await RegistrationTests.add(app, excess, token: jan).status == .conflict)
            }
        }

        @Test func theInvoiceClaimFormAsksNoQuantityAndNoSerials() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let html = try await browser.get("/register/\(line)?reason=wrong_invoicing").body.string
                #expect(html.contains("id=\"reason-wrong_invoicing\""))
                #expect(!html.contains("name=\"quantity\""))
                #expect(!html.contains("name=\"serials[]\""))
                let defect = try await browser.get("/register/\(line)?reason=defect").body.string
                #expect(defect.contains("name=\"serials[]\""), "the goods reasons still pick serials")
            }
        }

        @Test func twoClicksAtOnceCannotBothPutTheLastPieceInTheCart() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)  // one piece, one serial
                let position =
                    #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<6 {
                        group.addTask { try await RegistrationTests.add(app, position, token: jan).status }
                    }
                    return try await group.reduce(into: [HTTPStatus]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .created }.count == 1, "\(statuses)")
                #expect(statuses.allSatisfy { $0 == .created || $0 == .conflict }, "\(statuses)")
                #expect(try await CartPosition.query(on: app.db).count() == 1)
            }
        }
    }
}
