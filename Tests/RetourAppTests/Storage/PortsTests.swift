import Fluent
import Foundation
import NIOConcurrencyHelpers
import SQLKit
import ServiceLifecycle
import Testing
import Vapor
import VaporTesting

@testable import RetourApp

/// Keeps files in memory: proves that uploads and downloads go through the `FileStore` port.
final class MemoryFileStore: FileStore, @unchecked Sendable {
    private let lock = NIOLock()
    private var files: [String: Data] = [:]

    var digests: Set<String> { lock.withLock { Set(files.keys) } }

    func put(temporaryFile path: String, digest: String, now: Date, on db: any Database) async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        lock.withLock { files[digest] = data }
    }

    func content(of digest: String, now: Date, on db: any Database) async throws -> StoredContent {
        guard let data = lock.withLock({ files[digest] }) else { throw Abort(.notFound) }
        return .parts(
            size: data.count,
            AsyncThrowingStream {
                $0.yield(data)
                $0.finish()
            })
    }

    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String] { Array(digests) }

    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws {
        _ = lock.withLock { files.removeValue(forKey: digest) }
    }
}

extension AppTests {
    @Suite struct PortsTests {
        /// A stopping server waits for the requests it is still handling before the databases close
        /// (a handler that reached a closed pool used to stop the process).
        @Test func stoppingWaitsForRequestsInFlight() async throws {
            let counter = InFlightRequests()
            let finished = NIOLockedValueBox(false)
            counter.enter()
            let drain = Task {
                await counter.drain(seconds: 10)
                return finished.withLockedValue { $0 }
            }
            try await Task.sleep(for: .milliseconds(100))
            finished.withLockedValue { $0 = true }
            counter.leave()
            #expect(await drain.value, "the drain returned before the request finished")
        }

        @Test func theOutboxSendsThroughTheMailerPort() async throws {
            try await withRetour(fixtures: true) { app in
                let recorder = RecordingMailer()
                app.mailer = recorder
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await FollowUpTests.submitCommercialReturn(app, jan)
                #expect(try await MailWorker.runOnce(app) == 1)
                let sent = try #require(recorder.sent.first)
                #expect(sent.to == "jan@pcpartner.nl")
                #expect(sent.subject.hasPrefix("Retour: 1 "))
                #expect(sent.files.map(\.contentType) == ["application/pdf"], "the return form goes with it")
                #expect(try await OutboxMail.query(on: app.db).filter(\.$status == .sent).count() == 1)
            }
        }

        @Test func attachmentsGoThroughTheFileStorePort() async throws {
            try await withRetour(fixtures: true) { app in
                let store = MemoryFileStore()
                app.fileStore = store
                let jan = try await app.token("jan@pcpartner.nl")
                let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: 9, count: 64)
                let stored = try await RegistrationTests.upload(app, png, name: "foto.png", token: jan)
                #expect(stored.status == .created)
                #expect(store.digests.count == 1)
                let id = try #require(try stored.json()["id"] as? String)
                let read = try await app.get("/api/v1/attachments/\(id)", token: jan)
                #expect(Array(read.body.readableBytesView) == png)
            }
        }

        /// What a cluster needs: a file stored by one process is read by any other from the database,
        /// in parts, never whole in memory; the same content twice is one file; the clean-up takes what
        /// nothing names.
        @Test func attachmentsInTheDatabaseAreSharedInParts() async throws {
            try await withRetour(fixtures: true) { app in
                app.fileStore = DatabaseFileStore()
                let jan = try await app.token("jan@pcpartner.nl")
                let size = DatabaseFileStore.partBytes * 5 / 2
                let png =
                    [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
                    + (8..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
                let first = try await RegistrationTests.upload(app, png, name: "foto.png", token: jan)
                #expect(first.status == .created, "\(first.body.string)")
                let again = try await RegistrationTests.upload(app, png, name: "nog-eens.png", token: jan)
                #expect(again.status == .created)
                let sql = app.db.sql
                struct Count: Decodable { var count: Int }
                func count(_ table: String) async throws -> Int {
                    try await sql.raw("SELECT COUNT(*) AS count FROM \(ident: table)").first(decoding: Count.self)?
                        .count ?? -1
                }
                #expect(try await count("stored_files") == 1, "one copy per content")
                #expect(try await count("stored_file_parts") == 3, "2.5 MB in parts of 1 MB")
                for answer in [first, again] {
                    let id = try #require(try answer.json()["id"] as? String)
                    let read = try await app.get("/api/v1/attachments/\(id)", token: jan)
                    #expect(read.status == .ok)
                    #expect(read.headers.first(name: .contentLength) == String(size))
                    #expect(Array(read.body.readableBytesView) == png)
                }
                // A file nothing names, stored long ago, goes; the used one stays.
                let leftover = app.config.filesDirectory + "/leftover"
                try FileManager.default.createDirectory(
                    atPath: app.config.filesDirectory, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3]))
                try await DatabaseFileStore().put(
                    temporaryFile: leftover, digest: String(repeating: "b", count: 64),
                    now: app.clock.now.addingTimeInterval(-7_200), on: app.db)
                #expect(try await count("stored_files") == 2)
                _ = try await Housekeeping.runOnce(app)
                #expect(try await count("stored_files") == 1)
                #expect(try await count("stored_file_parts") == 3)
            }
        }

        /// Files kept on one host's disk that the database names but lacks are copied into it when
        /// it is brought up to date — copied, not moved, and only those it names: the directory may
        /// be another installation's (issue 21). None is copied twice.
        @Test func filesOnTheDiskTheDatabaseNamesAreCopiedIntoIt() async throws {
            try await withRetour(fixtures: true) { app in
                let local = LocalFileStore(root: app.config.filesDirectory + "/old-host")
                let content = Data("%PDF-1.4 an old return form".utf8)
                let named = String(repeating: "c", count: 64)
                let foreign = String(repeating: "d", count: 64)
                for digest in [named, foreign] {
                    try FileManager.default.createDirectory(
                        atPath: local.root + "/" + digest.prefix(2), withIntermediateDirectories: true)
                    FileManager.default.createFile(atPath: local.path(digest), contents: content)
                }
                let jan = try #require(try await User.query(on: app.db).filter(\.$email == "jan@pcpartner.nl").first())
                let attachment = Attachment()
                attachment.id = UUID().uuidString.lowercased()
                attachment.companyID = jan.companyID
                attachment.userID = try jan.requireID()
                attachment.sha256 = named
                attachment.filename = "retourformulier.pdf"
                attachment.size = content.count
                attachment.contentType = "application/pdf"
                attachment.isImage = false
                attachment.createdAt = app.clock.now
                try await attachment.create(on: app.db)

                let store = DatabaseFileStore()
                #expect(try await DatabaseFileStore.takeOver(local, on: app.db) == 1)
                #expect(FileManager.default.fileExists(atPath: local.path(named)), "copied, not moved")
                #expect(FileManager.default.fileExists(atPath: local.path(foreign)), "a file it does not name stays")
                #expect(try await DatabaseFileStore.takeOver(local, on: app.db) == 0)
                let sql = app.db.sql
                struct Part: Decodable { var bytes: Data }
                let parts = try await sql.select().column("bytes").from("stored_file_parts")
                    .where("digest", .equal, named).all(decoding: Part.self)
                #expect(parts.map(\.bytes) == [content])
                #expect(try await store.digests(writtenBefore: .distantFuture, on: app.db).contains(foreign) == false)
            }
        }

        @Test func theJobsStopGracefullyAfterTheRoundInProgress() async throws {
            try await withRetour(fixtures: true) { app in
                let recorder = RecordingMailer()
                app.mailer = recorder
                let jan = try await app.token("jan@pcpartner.nl")
                _ = try await FollowUpTests.submitCommercialReturn(app, jan)
                let group = ServiceGroup(
                    services: [BackgroundJobs(app: app, interval: 3_600)], gracefulShutdownSignals: [],
                    logger: app.logger)
                let running = Task { try await group.run() }
                // The first round delivers the pending mail; the jobs then wait an hour for the next.
                while recorder.sent.isEmpty { try await Task.sleep(for: .milliseconds(20)) }
                await group.triggerGracefulShutdown()
                // Shutting down does not wait out the hour: the wait ends, the loops return.
                let stopped = await withTaskGroup(of: Bool.self) { race in
                    race.addTask { (try? await running.value) != nil }
                    race.addTask {
                        try? await Task.sleep(for: .seconds(60))
                        return false
                    }
                    let first = await race.next() ?? false
                    race.cancelAll()
                    return first
                }
                #expect(stopped, "the jobs ended on a graceful shutdown")
                #expect(recorder.sent.count == 1)
            }
        }
    }
}

extension AppTests {
    @Suite struct RoleGroupTests {
        /// One guard per group: each role reaches its own routes and is refused the others' before
        /// anything is read or looked up.
        @Test func eachRoleReachesItsOwnGroupOnly() async throws {
            try await withRetour(fixtures: true) { app in
                let reseller = try await app.token("piet@pcpartner.nl")
                let agent = try await app.token("rma@retour.example")
                let admin = try await app.token("admin@retour.example")
                // (method, path, token, expected)
                let cases: [(HTTPMethod, String, String?, HTTPStatus)] = [
                    (.GET, "/api/v1/lines", nil, .unauthorized),
                    (.GET, "/api/v1/cart", agent, .forbidden),
                    (.GET, "/api/v1/cart", reseller, .ok),
                    (.POST, "/api/v1/requests/RET-0000001/decision", reseller, .forbidden),
                    (.POST, "/api/v1/requests/RET-0000001/decision", agent, .notFound),
                    (.GET, "/api/v1/policies", agent, .forbidden),
                    (.GET, "/api/v1/policies", admin, .ok),
                    (.POST, "/api/v1/import", agent, .forbidden),
                    (.GET, "/api/v1/requests", agent, .ok),
                ]
                for (method, path, token, expected) in cases {
                    var headers: HTTPHeaders = ["Content-Type": "application/json"]
                    if let token { headers.bearerAuthorization = BearerAuthorization(token: token) }
                    let body = ByteBuffer(string: method == .POST ? #"{"decision":"approve"}"# : "")
                    let response = try await app.testing().sendRequest(method, path, headers: headers, body: body)
                    #expect(response.status == expected, "\(method) \(path)")
                }
                // Pages: a reseller user is not the purchasing department, nor the back office.
                let piet = Browser(app)
                try await piet.login("piet@pcpartner.nl")
                #expect(try await piet.get("/users").status == .forbidden)
                #expect(try await piet.get("/backoffice").status == .forbidden)
                #expect(try await piet.get("/admin/policies").status == .forbidden)
                let jan = Browser(app)
                try await jan.login("jan@pcpartner.nl")
                #expect(try await jan.get("/users").status == .ok)
                let rita = Browser(app)
                try await rita.login("rma@retour.example")
                #expect(try await rita.get("/backoffice").status == .ok)
                #expect(try await rita.get("/cart").status == .forbidden)
            }
        }
    }
}

extension AppTests {
    @Suite struct SitePathTests {
        @Test func addressesKeepTheirNamesAndEscapeWhatTheyMust() {
            #expect(SitePath.request("RET-0000001").path == "/requests/RET-0000001")
            #expect(SitePath.request("a/b?c").path == "/requests/a%2Fb%3Fc")
            #expect(SitePath.login(next: "/search?number=1").path == "/login?next=%2Fsearch%3Fnumber%3D1")
            #expect(SitePath.cartAddress(position: 7, updated: true).path == "/cart/positions/7/address?updated=1")
            #expect(SitePath.phoneUpload(token: "abc", language: .en).path == "/m/abc?lang=en")
            #expect(SitePath.users(page: 2).path == "/users?page=2")
        }
    }
}
