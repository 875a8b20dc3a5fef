import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// The worker's reminders and clean-up.
    @Suite struct BackgroundJobTests {
        @Test func aReminderWhoseUserIsDisabledIsMarkedAndHoldsUpNoOther() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let first = try await FollowUpTests.submitCommercialReturn(app, jan)
                let user = try #require(try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first())
                let record = try #require(try await ReturnRequest.query(on: app.db).filter(\.$number == first).first())
                // A request cannot name a login that does not exist: the database refuses it.
                record.userID += 10_000
                await #expect(throws: (any Error).self) { try await record.save(on: app.db) }
                // The login that submitted it has been disabled since: its reminder cannot be sent.
                let former = User(
                    email: "vertrokken@pcpartner.nl", name: "Vertrokken", passwordHash: "-", role: .resellerUser,
                    companyID: user.companyID)
                former.active = false
                try await former.create(on: app.db)
                record.userID = try former.requireID()
                try await record.save(on: app.db)
                let second = try await FollowUpTests.submitCommercialReturnOfAnotherLine(app, jan)
                app.clock = FixedClock(day: testDay.adding(days: 4), timeZone: app.config.timeZone)
                #expect(try await ExpiryWorker.runOnce(app).reminded == 1)
                #expect(try await ExpiryWorker.runOnce(app).reminded == 0, "the marked reminder is not picked again")
                let reminders = try await OutboxMail.query(on: app.db).filter(\.$subject ~~ "verloopt morgen").all()
                #expect(reminders.map(\.recipient) == [user.email])
                #expect(reminders.first?.subject.contains(second) == false)
                let marked = try await ReturnRequest.query(on: app.db).filter(\.$number == first).first()
                #expect(marked?.reminderSent == true)
            }
        }

        @Test func housekeepingRemovesLeftoversAndKeepsWhatIsUsed() async throws {
            try await withRetour(fixtures: true) { app in
                app.fileStore = LocalFileStore(root: app.config.filesDirectory)
                let manager = FileManager.default
                let temporary = AttachmentStore.temporaryDirectory(app.config)
                try manager.createDirectory(atPath: temporary, withIntermediateDirectories: true)
                let crashed = temporary + "/upload-crashed"
                manager.createFile(atPath: crashed, contents: Data([1, 2, 3]))
                let orphanDigest = String(repeating: "a", count: 64)
                try manager.createDirectory(
                    atPath: app.config.filesDirectory + "/aa", withIntermediateDirectories: true)
                let orphan = app.config.filesDirectory + "/aa/" + orphanDigest
                manager.createFile(atPath: orphan, contents: Data([4]))
                // A file this installation did not write (another's, in the same directory) is never
                // touched, however old and unnamed.
                let foreign = app.config.filesDirectory + "/aa/" + String(repeating: "a", count: 63) + "b"
                manager.createFile(atPath: foreign, contents: Data([6]))
                let old = app.clock.now.addingTimeInterval(-2 * 3600)
                for path in [crashed, orphan, foreign] {
                    try manager.setAttributes([.modificationDate: old], ofItemAtPath: path)
                }
                try await LocalFileStore.record(orphanDigest, size: 1, at: old, on: app.db)
                let fresh = temporary + "/upload-in-progress"
                manager.createFile(atPath: fresh, contents: Data([5]))
                try manager.setAttributes([.modificationDate: app.clock.now], ofItemAtPath: fresh)
                let result = try await Housekeeping.runOnce(app)
                #expect(result.files == 2)
                #expect(!manager.fileExists(atPath: crashed))
                #expect(!manager.fileExists(atPath: orphan))
                #expect(manager.fileExists(atPath: fresh), "an upload still being stored is left alone")
                #expect(manager.fileExists(atPath: foreign), "a file this installation did not write is left alone")
            }
        }
    }
}
