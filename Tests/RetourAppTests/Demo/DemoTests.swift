import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The demo data.
    @Suite struct DemoTests {
        @Test func theDemoFollowsTheManualOnTheDayItRuns() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                func line(_ invoice: String) async throws -> [String: Any] {
                    let found = try await app.get("/api/v1/lines?numberType=invoice&number=\(invoice)", token: jan)
                        .json()
                    let documents = try #require(found["documents"] as? [[String: Any]])
                    return try #require((documents.first?["lines"] as? [[String: Any]])?.first)
                }
                func reasons(_ invoice: String) async throws -> [String: [String: Any]] {
                    try await ReasonsTests.reasons(
                        app, line: try #require(try await line(invoice)["id"] as? Int), token: jan)
                }
                // Wrong delivery and product complaint are open on the manual's 0962277446.
                let seagate = try await reasons("0962277446")
                #expect(seagate["wrong_delivery"]?["enabled"] as? Bool == true)
                #expect(seagate["product_complaint"]?["enabled"] as? Bool == true)
                // 0962405086 holds the webcam, like 0962405087.
                #expect(try await line("0962405086")["article"] as? String == "1948782")
                // The manual's serials where it shows them.
                let serials = { (invoice: String) async throws -> [String] in
                    try await line(invoice)["serials"] as? [String] ?? []
                }
                #expect(
                    try await serials("0962350553").prefix(3) == ["S4EVNM0R820837", "S4EVNM0R820839", "S4EVNM0R820841"])
                #expect(try await serials("0962277446").prefix(3) == ["ZTT2YCBT", "ZTT2YCR2", "ZTT2YJZN"])
                #expect(try await serials("0962405251").contains("SYL01BPY7"))
                // The LENOVO keep offers can be tried: 332,30 for too much delivered, 300,57 for transport damage.
                let lenovo = try await reasons("0962405251")
                #expect(lenovo["too_much_delivered"]?["enabled"] as? Bool == true)
                #expect((lenovo["too_much_delivered"]?["keepOffer"] as? [String: String])?["unitPrice"] == "332.30")
                #expect(lenovo["transport_damage"]?["enabled"] as? Bool == true)
                #expect((lenovo["transport_damage"]?["keepOffer"] as? [String: String])?["unitPrice"] == "300.57")
            }
        }
    }
}
