import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Steps many tests begin with, as a reseller and an agent take them.
    enum Journeys {
        /// A received commercial return of two SSDs, ready for its credit; returns its number.
        static func receivedReturn(_ app: Application, agent: String) async throws -> String {
            let jan = try await app.token("jan@pcpartner.nl")
            let number = try await FollowUpTests.submitCommercialReturn(app, jan)
            let received = try await FollowUpTests.post(
                app, "/api/v1/requests/\(number)/receipt",
                #"{"quantity":2,"serials":["S4EVNM0R820837","S4EVNM0R820839"],"condition":"as_expected"}"#, token: agent
            )
            #expect(received.status == .ok, "\(received.body.string)")
            return number
        }

        /// Jan submits a defect of the webcam (it ships directly); returns its request and RMA numbers.
        static func submitWebcamDefect(_ app: Application, _ jan: String) async throws -> (String, String) {
            let line = try await RegistrationTests.webcam(app, jan)
            let defect =
                #"{"line": \#(line), "reason": "defect", "serials": ["2119LZ90X2V9"], "fields": {"fault": "noise", "description": "Kraakt"}}"#
            #expect(try await RegistrationTests.add(app, defect, token: jan).status == .created)
            let answer = try await RegistrationTests.submit(app, token: jan).json()
            let request = try #require((answer["requests"] as? [[String: Any]])?.first)
            return (try #require(request["number"] as? String), try #require(request["rmaNumber"] as? String))
        }
    }
}
