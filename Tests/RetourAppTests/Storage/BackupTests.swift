import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// `retour backup` and `retour restore` (issue 21), on SQLite and on PostgreSQL.
    @Suite struct BackupTests {
        static func json(_ response: TestingHTTPResponse) throws -> NSDictionary {
            try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? NSDictionary ?? [:]
        }

        /// A populated installation — requests with a photo, a credit note, policy versions,
        /// events — backed up while a reseller submits, restored into an empty one, answers the
        /// API exactly as before, file digests included; restoring over data is refused, and so is
        /// an archive with a damaged file, naming it.
        @Test func aBackupUnderLoadRestoresToTheSameAnswers() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-backup-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            var source = AppConfig(
                databaseURL: try await TestDatabase.make(),
                sqlitePath: directory.appendingPathComponent("source.sqlite").path, bcryptCost: 4)
            source.filesDirectory = directory.appendingPathComponent("source-files").path
            source.workerInterval = 0
            let app = try await InstallationTests.started(source)
            let jan = try await app.token("jan@pcpartner.nl")
            let agent = try await app.token("rma@retour.example")
            let number = try await FollowUpTests.submitCommercialReturn(app, jan)
            let photo = TestUploads.jpeg + Array("backup-photo-marker".utf8)
            let attachment = try await InstallationTests.upload(app, photo, token: jan)
            #expect(
                try await FollowUpTests.post(
                    app, "/api/v1/requests/\(number)/messages", #"{"message":"Foto","attachments":["\#(attachment)"]}"#,
                    token: jan
                ).status == .ok)
            _ = try await FollowUpTests.post(
                app, "/api/v1/requests/\(number)/receipt", #"{"quantity":2,"condition":"as_expected"}"#, token: agent)
            #expect(try await FollowUpTests.post(app, "/api/v1/requests/\(number)/credit", token: agent).status == .ok)
            let before = try Self.json(try await app.get("/api/v1/requests/\(number)", token: agent))
            let list = try Self.json(try await app.get("/api/v1/requests?per=500", token: agent))

            // The backup runs while another reseller submits.
            let sanne = try await app.token("inkoop@bytewise.nl")
            let archive = directory.appendingPathComponent("retour.tar").path
            async let load: Void = {
                for _ in 0..<3 {
                    _ = try? await RegistrationTests.submit(app, token: sanne)
                }
            }()
            let manifest = try await Backup.create(app, to: archive)
            await load
            #expect(manifest.rows["requests"] ?? 0 >= 1)
            #expect(manifest.files.contains { $0.path.hasPrefix("files/") })
            try await app.asyncShutdown()

            var target = source
            target.databaseURL = try await TestDatabase.makeEmpty()
            target.sqlitePath = directory.appendingPathComponent("target.sqlite").path
            target.filesDirectory = directory.appendingPathComponent("target-files").path
            let restored = try await Application.make(.testing)
            do {
                try await configure(restored, config: target)
                restored.clock = FixedClock(day: testDay, timeZone: target.timeZone)
                let again = try await Backup.restore(restored, from: archive)
                #expect(again == manifest)
                #expect(try Self.json(try await restored.get("/api/v1/requests/\(number)", token: agent)) == before)
                let restoredList = try Self.json(try await restored.get("/api/v1/requests?per=500", token: agent))
                #expect(restoredList == list || (restoredList["total"] as? Int ?? 0) >= (list["total"] as? Int ?? 0))
                let file = try await restored.get("/api/v1/attachments/\(attachment)", token: jan)
                #expect(file.status == .ok)
                #expect(Array(file.body.readableBytesView) == photo)
                // A second restore over it is refused: it is no longer empty.
                await #expect(throws: Backup.Failure.self) { try await Backup.restore(restored, from: archive) }
            } catch {
                try? await restored.asyncShutdown()
                throw error
            }
            try await restored.asyncShutdown()

            // A damaged photo in the archive: refused, naming the file, before anything is written.
            var bytes = try Data(contentsOf: URL(fileURLWithPath: archive))
            let marker = Data("backup-photo-marker".utf8)
            let at = try #require(bytes.range(of: marker))
            bytes[at.lowerBound] ^= 0xFF
            let damaged = directory.appendingPathComponent("damaged.tar").path
            try bytes.write(to: URL(fileURLWithPath: damaged))
            var empty = target
            empty.databaseURL = try await TestDatabase.makeEmpty()
            empty.sqlitePath = directory.appendingPathComponent("empty.sqlite").path
            empty.filesDirectory = directory.appendingPathComponent("empty-files").path
            let third = try await Application.make(.testing)
            do {
                try await configure(third, config: empty)
                let digest = try #require(
                    manifest.files.first { $0.path.hasPrefix("files/") && $0.bytes == photo.count })
                do {
                    _ = try await Backup.restore(third, from: damaged)
                    Issue.record("a damaged archive was restored")
                } catch let failure as Backup.Failure {
                    #expect(failure.description.contains(digest.path), "\(failure)")
                }
                #expect(!FileManager.default.fileExists(atPath: empty.sqlitePath))
            } catch {
                try? await third.asyncShutdown()
                throw error
            }
            try await third.asyncShutdown()
            for url in [source.databaseURL, target.databaseURL, empty.databaseURL] { await TestDatabase.drop(url) }
        }
    }
}
