import Fluent
import Foundation
import Logging
import RetourCore
import SQLKit
import Testing
import VaporTesting

@testable import RetourApp

extension AppTests {
    /// What operators rely on: health, readiness, metrics, settings, logs and proxies.
    @Suite struct OperationsTests {
        @Test func healthAndReadiness() async throws {
            try await withRetour { app in
                let health = try await app.testing().sendRequest(.GET, "/healthz")
                #expect(health.status == .ok)
                let ready = try await app.testing().sendRequest(.GET, "/readyz")
                #expect(ready.status == .ok)
                try await app.autoRevert()
                let notMigrated = try await app.testing().sendRequest(.GET, "/readyz")
                #expect(notMigrated.status == .serviceUnavailable)
                #expect(notMigrated.headers.contentType?.subType == "problem+json")
            }
        }

        @Test func productionRefusesTheDemoPasswordAWeakCostAndAMissingAddress() async throws {
            let app = try await Application.make(.production)
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("retour-prod-\(UUID())")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            do {
                var config = AppConfig(
                    sqlitePath: directory.appendingPathComponent("retour.sqlite").path, bcryptCost: 4)
                config.workerInterval = 0
                try await configure(app, config: config)
                try await migrateGuarded(app)
                _ = try await loadDemoData(app)
                do {
                    try await ProductionSafety.check(app)
                    Issue.record("production started with the demo logins")
                } catch {
                    let text = "\(error)"
                    #expect(text.contains("RETOUR_BCRYPT_COST"))
                    #expect(text.contains("RETOUR_PUBLIC_URL"))
                    #expect(text.contains("jan@pcpartner.nl"))
                }
                app.config.bcryptCost = 12
                app.config.publicURL = "https://rma.example.com"
                app.config.allowDemo = true
                try await ProductionSafety.check(app)
            } catch {
                try? await app.asyncShutdown()
                throw error
            }
            try await app.asyncShutdown()
        }

        @Test func metricsAreForAdministratorsAndCountWhatOperatorsWatch() async throws {
            try await withRetour(fixtures: true) { app in
                let jan = try await app.token("jan@pcpartner.nl")
                let admin = try await app.token("admin@retour.example")
                #expect(try await app.get("/metrics", token: nil).status == .unauthorized)
                #expect(try await app.get("/metrics", token: jan).status == .forbidden)
                let line = try await RegistrationTests.webcam(app, jan)
                let position =
                    #"{"line": \#(line), "reason": "missing_accessories", "quantity": 1, "fields": {"comment": "Kabel"}}"#
                #expect(try await RegistrationTests.add(app, position, token: jan).status == .created)
                #expect(try await RegistrationTests.submit(app, token: jan).status == .created)
                let metrics = try await app.get("/metrics", token: admin)
                #expect(metrics.status == .ok)
                #expect(metrics.headers.contentType?.description.hasPrefix("text/plain") == true)
                let text = metrics.body.string
                for name in [
                    "http_requests_total", "retour_submissions_total", "retour_outbox_pending",
                    "retour_outbox_oldest_pending_seconds", "retour_requests_in_review",
                ] {
                    #expect(text.contains(name), "\(name) is missing from /metrics")
                }
                #expect(
                    text.contains(#"retour_outbox_pending 1"#) || text.contains(#"retour_outbox_pending 1.0"#),
                    "the confirmation waits in the outbox")
                // The pool: its size always; on PostgreSQL also the server's connections by state.
                #expect(text.contains("retour_db_pool_size"))
                if !app.db.isSQLite {
                    for state in ["active", "idle", "idle in transaction"] {
                        #expect(text.contains(#"retour_db_connections{state="\#(state)"}"#), "\(state)")
                    }
                }
            }
        }

        @Test func everyBadSettingIsReportedAtOnce() {
            let bad = ["RETOUR_BCRYPT_COST": "99", "RETOUR_SMTP_PORT": "0", "RETOUR_TIMEZONE": "Mars/Base"]
            do {
                _ = try AppConfig.fromEnvironment(bad)
                Issue.record("bad settings were accepted")
            } catch {
                for name in bad.keys { #expect("\(error)".contains(name), "\(name) is not reported") }
            }
        }

        @Test func jsonLogsCarryTheRequestID() throws {
            let lines = LockedLines()
            var logger = Logger(label: "retour.test") { JSONLogHandler(label: $0, write: { lines.append($0) }) }
            logger[metadataKey: "request-id"] = "abc-123"
            logger.info("GET /status")
            let line = try #require(lines.all.first)
            let object = try #require(try JSONSerialization.jsonObject(with: line) as? [String: String])
            #expect(object["request-id"] == "abc-123")
            #expect(object["message"] == "GET /status")
            #expect(object["level"] == "info")
        }

        @Test func forwardedAddressesAreBelievedOnlyFromTrustedProxies() {
            let trusted: Set<String> = ["127.0.0.1"]
            #expect(
                ClientAddress.resolve(peer: "203.0.113.9", realIP: "1.2.3.4", forwardedFor: [], trusted: trusted)
                    == "203.0.113.9")
            #expect(
                ClientAddress.resolve(peer: "127.0.0.1", realIP: "198.51.100.7", forwardedFor: [], trusted: trusted)
                    == "198.51.100.7")
            #expect(
                ClientAddress.resolve(
                    peer: "127.0.0.1", realIP: nil, forwardedFor: ["6.6.6.6, 198.51.100.7"], trusted: trusted)
                    == "198.51.100.7")
        }
    }
}

/// What a log handler wrote, one entry per line.
final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [Data] = []

    func append(_ line: Data) { lock.withLock { lines.append(line) } }
    var all: [Data] { lock.withLock { lines } }
}
