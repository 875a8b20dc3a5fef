import Fluent
import Foundation
import RetourCore
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Issue 11: the manual, round 2.
    @Suite struct ManualRoundTwoTests {
        @Test func concealedDamageShowsItsOwnPhotoTextNotTheTransportChecklist() async throws {
            try await withRetour(demo: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let concealed = try await browser.get("/register/\(line)?reason=concealed_damage").body.string
                #expect(concealed.contains("id=\"reason-concealed_damage\""))
                #expect(!concealed.contains("id=\"photo-checklist\""))
                #expect(!concealed.contains("Foto van de verzenddoos of pallet van Also"))
                let transport = try await browser.get("/register/\(line)?reason=transport_damage").body.string
                #expect(transport.contains("id=\"photo-checklist\""))
            }
        }

        @Test func aDefectRequestNumberIsNotAnRMANumber() async throws {
            try await withRetour(demo: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let defect =
                    #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
                #expect(try await RegistrationTests.add(app, defect, token: jan).status == .created)
                let answer = try await RegistrationTests.submit(app, token: jan).json()
                let request = try #require((answer["requests"] as? [[String: Any]])?.first)
                let number = try #require(request["number"] as? String)
                let rma = try #require(request["rmaNumber"] as? String)
                #expect(number.hasPrefix("DEF-"))
                #expect(rma.hasPrefix("RMA"))
            }
        }
    }
}
