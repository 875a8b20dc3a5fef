import Fluent
import Foundation
import Logging
import RetourApplication
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// Two people click at once: every state change happens once.
    @Suite struct ConcurrentActionsTests {
        @Test func twentyCreditsAtOnceMakeOneCreditNote() async throws {
            try await withRetour(fixtures: true) { app in
                let agent = try await app.token("rma@retour.example")
                let number = try await Journeys.receivedReturn(app, agent: agent)
                let mailsBefore = try await OutboxMail.query(on: app.db).count()
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                #expect(statuses.filter { $0 == .conflict }.count == 19, "\(statuses)")
                let notes = try await ReturnRequest.query(on: app.db).filter(\.$creditNoteNumber != nil).all()
                #expect(notes.map(\.creditNoteNumber) == ["CN\(testDay.year)-000001"])
                struct Row: Decodable { var value: Int }
                let sequence = try await app.db.sql.raw(
                    "SELECT value FROM number_sequences WHERE name = 'credit_note'"
                ).first(decoding: Row.self)
                #expect(sequence?.value == 1, "no number was drawn and thrown away")
                #expect(try await OutboxMail.query(on: app.db).count() == mailsBefore + 1)
            }
        }

        @Test func twentyApprovalsAtOnceMakeOneRMANumber() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let line = try await RegistrationTests.webcam(app, jan)
                let buyback =
                    #"{"line": \#(line), "reason": "buyback", "serials": ["2119LZ90X2V9"], "fields": {"condition": "unopened", "comment": "Over"}}"#
                let number = try await RegistrationTests.submitOne(app, buyback, token: jan)
                let mailsBefore = try await OutboxMail.query(on: app.db).count()
                let statuses = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<20 {
                        group.addTask {
                            try await FollowUpTests.post(
                                app, "/api/v1/requests/\(number)/decision", #"{"decision":"approve"}"#, token: agent
                            ).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1, "\(statuses)")
                let events = try await RequestEvent.query(on: app.db).filter(\.$action == "approve").count()
                #expect(events == 1)
                #expect(try await OutboxMail.query(on: app.db).count() == mailsBefore + 1)
                struct Row: Decodable { var value: Int }
                let before = try await ReturnRequest.query(on: app.db).filter(\.$rmaNumber != nil).count()
                let sequence = try await app.db.sql.raw(
                    "SELECT value FROM number_sequences WHERE name = 'rma'"
                ).first(decoding: Row.self)
                #expect(sequence?.value == before, "one RMA number per request that has one, no gaps")
            }
        }

        @Test func twoSubmissionsWithOneKeyAtOnceGetTheSameAnswer() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let position =
                    #"{"line": \#(line), "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "Kabel"}}"#
                #expect(try await RegistrationTests.add(app, position, token: jan).status == .created)
                let answers = try await withThrowingTaskGroup(of: TestingHTTPResponse.self) { group in
                    for _ in 0..<8 {
                        group.addTask { try await RegistrationTests.submit(app, token: jan, key: "double-click") }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(answers.map(\.status) == Array(repeating: .created, count: 8), "never 422 \"cart empty\"")
                #expect(Set(answers.map(\.body.string)).count == 1, "every click gets the first answer")
                #expect(try await ReturnRequest.query(on: app.db).count() == 1)
            }
        }

        /// Twenty agents send the same vendor claim at once and ten book the same credit: it is sent
        /// once, and the credits add up to exactly what was booked, settling the claim once.
        @Test func twentySendsAndTenCreditsOfOneClaimAtOnce() async throws {
            try await withRetour(fixtures: true) { app in
                let admin = try await app.token("admin@retour.example")
                let agent = try await app.token("rma@retour.example")
                let jan = try await app.token("jan@pcpartner.nl")
                #expect(
                    try await app.postJSON("/api/v1/import", VendorRecoveryTests.logitechTerms, token: admin).status
                        == .ok)
                let number = try await VendorRecoveryTests.receivedDefect(app, jan: jan, agent: agent)
                let claim = try await VendorRecoveryTests.markedForTheVendor(app, number, agent: agent)
                let path = "/api/v1/vendor-claims/\(claim)"
                let sends = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for index in 0..<20 {
                        group.addTask {
                            try await FollowUpTests.post(
                                app, path + "/send", #"{"vendorRmaNumber":"LOGI-\#(index)"}"#, token: agent
                            ).status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(sends.filter { $0 == .ok }.count == 1)
                #expect(sends.filter { $0 == .conflict }.count == 19)
                // 58.50 expected: ten credits of 10.00 — the sixth settles it, the rest are refused.
                let credits = try await withThrowingTaskGroup(of: HTTPStatus.self) { group in
                    for _ in 0..<10 {
                        group.addTask {
                            try await FollowUpTests.post(app, path + "/credit", #"{"amount":"10.00"}"#, token: agent)
                                .status
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(credits.filter { $0 == .ok }.count == 6)
                let stored = try await app.get(path, token: agent).json()
                #expect(stored["receivedCredit"] as? String == "60.00")
                #expect(stored["status"] as? String == "settled")
                let settled = try await IntegrationEvent.query(on: app.db).filter(\.$type == .vendorClaim(.settled))
                    .count()
                #expect(settled == 1)
            }
        }
    }
}
