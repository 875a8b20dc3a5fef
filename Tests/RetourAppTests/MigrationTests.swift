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
            let databaseURL = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }
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
                let sql = apps[0].db as! any SQLDatabase
                try await sql.raw("DROP SCHEMA public CASCADE").run()
                try await sql.raw("CREATE SCHEMA public").run()
            }
            do {
                let first = apps[0]
                let second = apps[1]
                async let one: Void = migrateGuarded(first)
                async let two: Void = migrateGuarded(second)
                _ = try await (one, two)
                let sql = first.db as! any SQLDatabase
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
    }
}
