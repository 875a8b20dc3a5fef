import Crypto
import Fluent
import Foundation
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    @Suite struct MigrationTests {
        /// Two processes starting at once on one database both come up, and the schema exists once.
        @Test func twoStartsAtOnceDoNotCollide() async throws {
            let databaseURL = try await TestDatabase.make()
            defer { Task { await TestDatabase.drop(databaseURL) } }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-migrate-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = AppConfig(
                databaseURL: databaseURL, sqlitePath: directory.appendingPathComponent("retour.sqlite").path,
                bcryptCost: 4)

            var apps: [Application] = []
            for _ in 0..<2 {
                let app = try await Application.make(.testing)
                try await configure(app, config: config)
                apps.append(app)
            }
            if databaseURL != nil {
                let sql = apps[0].db.sql
                try await sql.raw("DROP SCHEMA public CASCADE").run()
                try await sql.raw("CREATE SCHEMA public").run()
            }
            do {
                let first = apps[0]
                let second = apps[1]
                async let one: Void = migrateGuarded(first)
                async let two: Void = migrateGuarded(second)
                _ = try await (one, two)
                let sql = first.db.sql
                struct Count: Decodable { var total: Int }
                let applied = try await sql.raw("SELECT COUNT(*) AS total FROM _fluent_migrations").first(
                    decoding: Count.self)
                #expect(applied?.total == retourMigrations.count)
                #expect(try await Company.query(on: second.db).count() == 0)
            } catch {
                for app in apps { try? await app.asyncShutdown() }
                throw error
            }
            for app in apps { try await app.asyncShutdown() }
        }

        /// The embedded database done right: WAL, writers at once on two connection pools all succeed
        /// with distinct numbers (an immediate write transaction waits instead of failing with
        /// "database is locked"), and a second `serve` on the same file is refused with a pointer to
        /// PostgreSQL.
        @Test func sqliteWritersWaitForEachOtherAndOneServerOwnsTheFile() async throws {
            guard ProcessInfo.processInfo.environment["DATABASE_URL"]?.isEmpty ?? true else { return }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-sqlite-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var config = AppConfig(sqlitePath: directory.appendingPathComponent("retour.sqlite").path, bcryptCost: 4)
            config.workerInterval = 0
            var apps: [Application] = []
            for _ in 0..<2 {
                let app = try await Application.make(.testing)
                try await configure(app, config: config)
                apps.append(app)
            }
            do {
                try await migrateGuarded(apps[0])
                struct Mode: Decodable { var journal_mode: String }
                let mode = try await (apps[0].db.sql).raw("PRAGMA journal_mode").first(
                    decoding: Mode.self)
                #expect(mode?.journal_mode == "wal")
                // Forty writers on two connection pools.
                let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
                    for index in 0..<40 {
                        let app = apps[index % 2]
                        group.addTask {
                            try await app.db.writeTransaction { db in try await NumberSequence.next("rma", db) }
                        }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(numbers.sorted() == Array(1...40))

                try SQLiteServer.claimServeLock(apps[0])
                #expect(throws: ConfigError.self) { try SQLiteServer.claimServeLock(apps[1]) }
                do {
                    try SQLiteServer.claimServeLock(apps[1])
                } catch {
                    #expect("\(error)".contains("DATABASE_URL"), "the refusal points to PostgreSQL")
                }
            } catch {
                for app in apps { try? await app.asyncShutdown() }
                throw error
            }
            for app in apps { try await app.asyncShutdown() }
        }

        /// The migrations of the last release (commit 9363287), whose databases are out there.
        static let released = 6

        /// `retour migrate`, `retour migrate --revert` and again: the schema comes and goes cleanly.
        /// And a database made by the released schema (its six migrations), full of the test
        /// data, is brought up to date without losing a row; reverting the newer ones keeps them too.
        @Test func migrateRevertMigrateAndUpgradeKeepEveryRow() async throws {
            let databaseURL = try await TestDatabase.make()
            defer { Task { await TestDatabase.drop(databaseURL) } }
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-upgrade-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            var config = AppConfig(
                databaseURL: databaseURL, sqlitePath: directory.appendingPathComponent("retour.sqlite").path,
                bcryptCost: 4)
            config.workerInterval = 0
            config.filesDirectory = directory.appendingPathComponent("files").path

            func rowCounts(_ app: Application) async throws -> [String: Int] {
                struct Count: Decodable { var total: Int }
                var counts: [String: Int] = [:]
                for table in [
                    "companies", "users", "invoices", "invoice_lines", "serial_numbers", "policy_versions",
                    "cart_positions", "requests", "request_events", "claimed_serials", "audit_events",
                ] {
                    counts[table] = try await app.db.sql.raw(
                        "SELECT COUNT(*) AS total FROM \(ident: table)"
                    ).first(decoding: Count.self)?.total
                }
                return counts
            }

            let yesterday = try await Application.make(.testing)
            do {
                try await configure(
                    yesterday, config: config, migrations: Array(retourMigrations.prefix(Self.released)))
                if databaseURL != nil {
                    let sql = yesterday.db.sql
                    try await sql.raw("DROP SCHEMA public CASCADE").run()
                    try await sql.raw("CREATE SCHEMA public").run()
                }
                try await migrateGuarded(yesterday)
                try await loadFixtures(yesterday)
                // A cart position as yesterday's code wrote it: its JSON documents as text.
                let sql = yesterday.db.sql
                struct ID: Decodable { var id: Int }
                let user = try await sql.raw("SELECT id FROM users WHERE email = 'jan@pcpartner.nl'").first(
                    decoding: ID.self)
                let line = try await sql.raw("SELECT id FROM invoice_lines ORDER BY id LIMIT 1").first(
                    decoding: ID.self)
                try await sql.raw(
                    """
                    INSERT INTO cart_positions (user_id, company_id, line_id, reason, quantity, serials, fields,
                      attachments, return_address, created_at)
                    VALUES (\(bind: user?.id ?? 0), 1, \(bind: line?.id ?? 0), 'defect', 1, '["S4EVNM0R820837"]',
                      '{"fault":"noise","description":"Kraakt"}', '[]',
                      '{"street":"Magazijnweg 7","postcode":"3542 AB","city":"Utrecht","country":"NL"}', \(bind: Date()))
                    """
                ).run()
                // A receipt as the released code wrote it: the differences as a sentence.
                try await sql.raw(
                    """
                    INSERT INTO requests (number, status, outcome, reason, line_id, company_id, user_id, quantity,
                      serials, fields, attachments, return_address, policy_version, submitted_at, submitted_on,
                      received_quantity, received_condition, discrepancy)
                    VALUES ('RET-0000001', 'received', 'ship_directly', 'commercial_return', \(bind: line?.id ?? 0), 1,
                      \(bind: user?.id ?? 0), 1, '[]', '{"sealedDeclaration":true}', '[]',
                      '{"street":"Magazijnweg 7","postcode":"3542 AB","city":"Utrecht","country":"NL"}', 1,
                      \(bind: Date()), '2026-11-20', 1, 'opened', 'Doos geopend')
                    """
                ).run()
            } catch {
                try? await yesterday.asyncShutdown()
                throw error
            }
            let before = try await rowCounts(yesterday)
            try await yesterday.asyncShutdown()
            #expect(before["invoice_lines"] ?? 0 > 0)

            let today = try await Application.make(.testing)
            do {
                try await configure(today, config: config)
                try await migrateGuarded(today)
                #expect(try await rowCounts(today) == before, "the upgrade lost rows")
                // Its documents read back typed, on PostgreSQL from the JSONB the upgrade made of them.
                let position = try #require(try await CartPosition.query(on: today.db).first())
                #expect(position.serials == ["S4EVNM0R820837"])
                #expect(position.fields["description"] == .string("Kraakt"))
                #expect(position.returnAddress.city == "Utrecht")
                let received = try #require(try await ReturnRequest.query(on: today.db).sort(\.$id).first())
                #expect(received.discrepancy?.value == .written("Doos geopend"))
                #expect(
                    RequestSettlements.discrepancyText(received.discrepancy, texts: today.translationCatalog[.nl])
                        == "Doos geopend")
                // Every reference is a foreign key now: a position of a company that does not exist is refused.
                let orphan = CartPosition()
                orphan.userID = position.userID
                orphan.companyID = 999_999
                orphan.lineID = position.lineID
                orphan.reason = .defect
                orphan.quantity = 1
                orphan.serials = []
                orphan.fields = [:]
                orphan.attachments = []
                orphan.returnAddress = position.returnAddress
                orphan.createdAt = Date()
                await #expect(throws: (any Error).self) { try await orphan.create(on: today.db) }
                let newer = Set(retourMigrations.dropFirst(Self.released).map(\.name))
                #expect(Set(try await revertGuarded(today)) == newer)
                #expect(try await rowCounts(today) == before, "reverting the newest migration lost rows")
                try await migrateGuarded(today)
                #expect(try await rowCounts(today) == before)

                // All the way down and up again.
                try await today.autoRevert()
                struct Count: Decodable { var total: Int }
                let tables = try await today.db.sql.raw(
                    databaseURL == nil
                        ? "SELECT COUNT(*) AS total FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_fluent_migrations'"
                        : "SELECT COUNT(*) AS total FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> '_fluent_migrations'"
                ).first(decoding: Count.self)
                #expect(tables?.total == 0, "a revert left tables behind")
                try await migrateGuarded(today)
                #expect(try await Company.query(on: today.db).count() == 0)
            } catch {
                try? await today.asyncShutdown()
                throw error
            }
            try await today.asyncShutdown()
        }

        /// A database written by the last release (commit 7142146) through its API — a credited
        /// defect with a photo, a request awaiting goods, an API key, a webhook, a new policy
        /// version (`scripts/make-release-fixture.py`) — upgrades and answers as before: the logins
        /// work, the requests read back, the photo downloads with its digest from the directory the
        /// release wrote it to, the key still reads, and a backup of it restores.
        /// A SQLite database made from SQL text (the fixture is kept as text, not as a database file),
        /// by Python's sqlite3, which runs a whole script at once.
        static func sqliteDatabase(from script: URL, at database: URL) throws {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
            process.arguments = [
                "-c", "import sqlite3, sys; sqlite3.connect(sys.argv[2]).executescript(open(sys.argv[1]).read())",
                script.path, database.path,
            ]
            try process.run()
            process.waitUntilExit()
            guard process.terminationStatus == 0 else {
                throw Abort(.internalServerError, reason: "could not build \(database.path) from \(script.path)")
            }
        }

        @Test func aDatabaseOfTheLastReleaseUpgradesAndAnswersAsBefore() async throws {
            let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Fixtures/release")
            let facts = try #require(
                try JSONSerialization.jsonObject(with: Data(contentsOf: fixture.appendingPathComponent("facts.json")))
                    as? [String: String])
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-release-\(UUID())")
            defer { try? FileManager.default.removeItem(at: directory) }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try Self.sqliteDatabase(
                from: fixture.appendingPathComponent("retour.sql"),
                at: directory.appendingPathComponent("retour.sqlite"))
            try FileManager.default.copyItem(
                at: fixture.appendingPathComponent("files"), to: directory.appendingPathComponent("files"))
            var config = AppConfig(
                databaseURL: nil, sqlitePath: directory.appendingPathComponent("retour.sqlite").path, bcryptCost: 4)
            config.filesDirectory = directory.appendingPathComponent("files").path
            config.workerInterval = 0
            let app = try await Application.make(.testing)
            do {
                try await configure(app, config: config)
                app.clock = FixedClock(day: testDay, timeZone: config.timeZone)
                // A language the portal does not speak, as an older database might hold one.
                try await app.db.sql.raw("UPDATE users SET language = 'de' WHERE email = 'piet@pcpartner.nl'").run()
                try await app.db.sql.raw("UPDATE users SET language = 'en' WHERE email = 'jan@pcpartner.nl'").run()
                try await migrateGuarded(app)
                let languages = try await User.query(on: app.db).filter(
                    \.$email ~~ ["jan@pcpartner.nl", "piet@pcpartner.nl"]
                )
                .sort(\.$email).all().map(\.language)
                #expect(languages == [.en, nil], "a known language stays, an unknown one is forgotten")
                let jan = try await app.token("jan@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let credited = try await app.get("/api/v1/requests/\(facts["credited"] ?? "")", token: jan).json()
                #expect(credited["status"] as? String == "credited")
                #expect((credited["creditNote"] as? [String: Any])?["number"] is String)
                let waiting = try await app.get("/api/v1/requests/\(facts["awaitingGoods"] ?? "")", token: agent).json()
                #expect(waiting["status"] as? String == "awaiting_goods")
                let photo = try await app.get("/api/v1/attachments/\(facts["attachment"] ?? "")", token: jan)
                #expect(photo.status == .ok)
                let digest = SHA256.hash(data: Data(buffer: photo.body)).map { String(format: "%02x", $0) }.joined()
                #expect(digest == facts["photoSha256"])
                // The release's files directory is this installation's: marked as its own, nothing moved.
                #expect(app.config.filesDirectory == config.filesDirectory)
                // The key made by the release still reads its company's requests, and only them.
                let key = try await APIKeyTests.send(app, .GET, "/api/v1/requests", key: facts["key"] ?? "")
                #expect(key.status == .ok)
                #expect(key.body.string.contains(facts["credited"] ?? "-"))
                // Every reason is open where it was; the policy versions read back.
                let line = try await RegistrationTests.webcam(app, jan)
                let reasons = try await ReasonsTests.reasons(app, line: line, token: jan)
                #expect(reasons.count == ReasonID.allCases.count)
                let policies = try await app.get("/api/v1/policies", token: try await app.token("admin@retour.example"))
                #expect(policies.status == .ok)
                // The worker rounds run on the old rows: the pending webhook delivery is tried.
                try await WebhookWorker.runOnce(app)
                try await MailWorker.runOnce(app)
                try await Housekeeping.runOnce(app)
                #expect(try await app.get("/api/v1/attachments/\(facts["attachment"] ?? "")", token: jan).status == .ok)
                // And a backup of it restores into an empty installation that answers the same.
                let archive = directory.appendingPathComponent("release.tar").path
                try await Backup.create(app, to: archive)
                var target = config
                target.sqlitePath = directory.appendingPathComponent("restored.sqlite").path
                target.filesDirectory = directory.appendingPathComponent("restored-files").path
                let restored = try await Application.make(.testing)
                do {
                    try await configure(restored, config: target)
                    restored.clock = app.clock
                    _ = try await Backup.restore(restored, from: archive)
                    let again = try await restored.get("/api/v1/requests/\(facts["credited"] ?? "")", token: jan).json()
                    #expect(NSDictionary(dictionary: again) == NSDictionary(dictionary: credited))
                    let file = try await restored.get("/api/v1/attachments/\(facts["attachment"] ?? "")", token: jan)
                    #expect(Array(file.body.readableBytesView) == Array(photo.body.readableBytesView))
                } catch {
                    try? await restored.asyncShutdown()
                    throw error
                }
                try await restored.asyncShutdown()
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }
    }
}
