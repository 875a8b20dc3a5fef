import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// An installation that lives for years: its files are its own, a nightly import changes only
    /// what changed, and an upgrade keeps the rules whole (issue 21).
    @Suite struct InstallationTests {
        /// An application on `config`, migrated, with the test world loaded.
        static func started(_ config: AppConfig) async throws -> Application {
            let app = try await Application.make(.testing)
            do {
                try await configure(app, config: config)
                app.clock = FixedClock(day: testDay, timeZone: config.timeZone)
                try await migrateGuarded(app)
                _ = try await loadFixtures(app)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            return app
        }

        static func upload(_ app: Application, _ bytes: [UInt8], token: String) async throws -> String {
            var headers: HTTPHeaders = ["Content-Type": "multipart/form-data; boundary=b"]
            headers.bearerAuthorization = BearerAuthorization(token: token)
            let answer = try await app.testing().sendRequest(
                .POST, "/api/v1/attachments", headers: headers,
                body: TestUploads.multipart([(name: "file", filename: "foto.jpg", bytes: bytes)]))
            #expect(answer.status == .created, "\(answer.body.string)")
            return try answer.json()["id"] as? String ?? ""
        }

        /// Two installations in one files directory — an SQLite one and a PostgreSQL one (or a
        /// second SQLite one) — each migrating, serving and cleaning up, lose none of each other's
        /// files: a migrate against another database used to move the first one's files away.
        @Test func twoInstallationsInOneDirectoryKeepTheirOwnFiles() async throws {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-two-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            var first = AppConfig(
                databaseURL: nil, sqlitePath: directory.appendingPathComponent("first.sqlite").path, bcryptCost: 4)
            first.filesDirectory = directory.appendingPathComponent("files").path
            first.workerInterval = 0
            let secondURL = try await TestDatabase.make()
            defer { Task { await TestDatabase.drop(secondURL) } }
            var second = first
            second.databaseURL = secondURL
            second.sqlitePath = directory.appendingPathComponent("second.sqlite").path

            let a = try await Self.started(first)
            let ours = TestUploads.jpeg + [1, 1, 1]
            let theirs = TestUploads.jpeg + [2, 2, 2]
            let aToken = try await a.token("jan@pcpartner.nl")
            let aFile = try await Self.upload(a, ours, token: aToken)
            try await a.asyncShutdown()

            // The second installation starts in the same directory, stores its own file, cleans up
            // hours later; then the first one starts again and cleans up too.
            let b = try await Self.started(second)
            let bToken = try await b.token("jan@pcpartner.nl")
            let bFile = try await Self.upload(b, theirs, token: bToken)
            b.clock = FixedClock(b.clock.now.addingTimeInterval(6 * 3_600))
            try await Housekeeping.runOnce(b)
            let again = try await Self.started(first)
            again.clock = FixedClock(again.clock.now.addingTimeInterval(6 * 3_600))
            try await Housekeeping.runOnce(again)

            let aAnswer = try await again.get(
                "/api/v1/attachments/\(aFile)", token: try await again.token("jan@pcpartner.nl"))
            #expect(aAnswer.status == .ok)
            #expect(Array(aAnswer.body.readableBytesView) == ours)
            let bAnswer = try await b.get("/api/v1/attachments/\(bFile)", token: bToken)
            #expect(bAnswer.status == .ok)
            #expect(Array(bAnswer.body.readableBytesView) == theirs)
            // Each keeps to a directory marked as its own.
            #expect(again.config.filesDirectory != b.config.filesDirectory)
            try await again.asyncShutdown()
            try await b.asyncShutdown()
        }

        /// A file a request names that the store has lost answers 404 — a page saying it is no
        /// longer available — never 500, and `/readyz` and `/metrics` report it until it is back.
        @Test func aLostFileIsSaidToBeGoneAndReported() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let bytes = TestUploads.jpeg + [9, 9]
                let id = try await Self.upload(app, bytes, token: jan)
                let attachment = try #require(try await Attachment.find(id, on: app.db))
                if app.db.isSQLite {
                    try FileManager.default.removeItem(
                        atPath: LocalFileStore(root: app.config.filesDirectory).path(attachment.sha256))
                } else {
                    try await app.db.sql.delete(from: "stored_file_parts")
                        .where("digest", .equal, attachment.sha256).run()
                }
                let api = try await app.get("/api/v1/attachments/\(id)", token: jan)
                #expect(api.status == .notFound)
                #expect(api.headers.contentType?.subType == "problem+json")
                let browser = Browser(app)
                try await browser.login("jan@pcpartner.nl")
                let page = try await browser.get("/attachments/\(id)")
                #expect(page.status == .notFound)
                #expect(page.body.string.contains("Dit bestand is niet meer beschikbaar"))
                let ready = try await app.get("/readyz", token: nil)
                #expect(try ready.json()["missingFiles"] as? Int == 1)
                let admin = try await app.token("admin@retour.example")
                let metrics = try await app.get("/metrics", token: admin).body.string
                #expect(WebhookTests.gauge(metrics, "retour_files_missing") == 1)
                // Stored again (the same content uploaded anew), it is found and no longer reported.
                _ = try await Self.upload(app, bytes, token: jan)
                #expect(try await app.get("/api/v1/attachments/\(id)", token: jan).status == .ok)
                #expect(try await app.get("/readyz", token: nil).json()["missingFiles"] as? Int == 0)
            }
        }

        /// An ERP that sends every user every night, passwords included: nobody's session, token or
        /// key ends, and no password is hashed again. A changed password, role or `active` ends
        /// that user's sessions only; a login its company switched off stays off when the document
        /// does not mention `active`.
        @Test func aNightlyImportChangesOnlyWhatChanged() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let piet = try await app.token("piet@pcpartner.nl")
                let browser = Browser(app)
                try await browser.login("piet@pcpartner.nl")
                let (_, key) = try await APIKeyTests.makeKey(app, jan, #"{"name":"ERP","scopes":["read"]}"#)
                let admin = try await app.token("admin@retour.example")
                let hashed = HashCounter()
                var importer = Importer(
                    database: app.db,
                    hashPassword: { [password = app.password.async] in
                        hashed.add()
                        return try await password.hash($0)
                    })
                importer.resellerUsersOnly = false
                let document = try Data(contentsOf: Fixtures.worldURL)
                _ = try await importer.run(json: document)
                _ = try await importer.run(json: document)
                #expect(hashed.count == 0, "passwords sent again unchanged were hashed again")
                for token in [jan, piet, admin] {
                    #expect(try await app.get("/api/v1/requests", token: token).status == .ok)
                }
                #expect(try await APIKeyTests.send(app, .GET, "/api/v1/requests", key: key).status == .ok)
                #expect(try await browser.get("/search").status == .ok)

                // Piet's password changes: his sessions end, Jan's do not; the new one works.
                let changed =
                    #"{"users":[{"email":"piet@pcpartner.nl","name":"Piet Jansen","role":"reseller_user","company":"100200","password":"een nieuw wachtwoord"}]}"#
                #expect(try await app.postJSON("/api/v1/import", changed, token: admin).status == .ok)
                #expect(hashed.count == 0)
                #expect(try await app.get("/api/v1/requests", token: piet).status == .unauthorized)
                #expect(try await browser.get("/search").status == .seeOther)
                #expect(try await app.get("/api/v1/requests", token: jan).status == .ok)
                _ = try await app.token("piet@pcpartner.nl", password: "een nieuw wachtwoord")

                // Switched off by the document: refused; a document without `active` leaves it off.
                let off =
                    #"{"users":[{"email":"piet@pcpartner.nl","name":"Piet Jansen","role":"reseller_user","company":"100200","active":false}]}"#
                #expect(try await app.postJSON("/api/v1/import", off, token: admin).status == .ok)
                let refused = try await app.postJSON(
                    "/api/v1/auth/token", #"{"email":"piet@pcpartner.nl","password":"een nieuw wachtwoord"}"#,
                    token: nil)
                #expect(refused.status == .unauthorized)
                _ = try await importer.run(json: document)
                let pietNow = try await User.query(on: app.db).filter(\.$email == "piet@pcpartner.nl").first()
                #expect(pietNow?.active == false)
                #expect(try await app.get("/api/v1/requests", token: jan).status == .ok)
            }
        }

        /// `:memory:` is SQLite's name for a database in memory, in every environment: a test that
        /// ran outside `.testing` used to leave a file of that name in the working directory.
        @Test func anInMemoryDatabaseLeavesNoFileBehind() async throws {
            let stray = FileManager.default.currentDirectoryPath + "/:memory:"
            try? FileManager.default.removeItem(atPath: stray)
            let app = try await Application.make(.development)
            do {
                var config = AppConfig(databaseURL: nil, sqlitePath: ":memory:", bcryptCost: 4)
                config.workerInterval = 0
                config.filesDirectory =
                    FileManager.default.temporaryDirectory.appendingPathComponent("retour-mem-\(UUID())").path
                try await configure(app, config: config)
                try await migrateGuarded(app)
                #expect(try await Company.query(on: app.db).count() == 0)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
            #expect(!FileManager.default.fileExists(atPath: stray))
        }

        /// A policy version published before a reason existed: after the upgrade that reason is open
        /// with its defaults, not closed by a window of 0 days.
        @Test func aReasonNewerThanThePublishedPolicyIsOpen() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let line = try await RegistrationTests.webcam(app, jan)
                let before = try await ReasonsTests.reasons(app, line: line, token: jan)
                #expect(before["commercial_return"]?["enabled"] as? Bool == true)
                // The stored version as an older release wrote it: without commercial_return.
                let versions = try await PolicyVersion.query(on: app.db).all()
                #expect(!versions.isEmpty)
                for version in versions {
                    var policy = try #require(
                        try JSONSerialization.jsonObject(with: Data(version.document.utf8)) as? [String: Any])
                    var reasons = policy["reasons"] as? [String: Any] ?? [:]
                    reasons["commercial_return"] = nil
                    policy["reasons"] = reasons
                    version.document = String(
                        decoding: try JSONSerialization.data(withJSONObject: policy), as: UTF8.self)
                    try await version.save(on: app.db)
                }
                let after = try await ReasonsTests.reasons(app, line: line, token: jan)
                #expect(after["commercial_return"]?["enabled"] as? Bool == true)
                #expect(
                    after["commercial_return"]?["deadline"] as? String == before["commercial_return"]?["deadline"]
                        as? String)
            }
        }
    }
}

/// Counts calls from concurrent code.
final class HashCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var calls = 0

    func add() { lock.withLock { calls += 1 } }
    var count: Int { lock.withLock { calls } }
}
