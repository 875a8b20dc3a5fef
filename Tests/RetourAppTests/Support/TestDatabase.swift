import FluentPostgresDriver
import Foundation
import SQLKit
import Vapor

@testable import RetourApp

/// One database per test, so that app tests run side by side. SQLite tests each have their own
/// in-memory database already. On PostgreSQL (`DATABASE_URL` set) the database of that address is
/// migrated once per test process and serves as the template: each test gets a copy of it
/// (`CREATE DATABASE … TEMPLATE`, a file copy, much faster than migrating) and drops it afterwards.
actor TestDatabase {
    static let shared = TestDatabase()

    /// The PostgreSQL server's address from the environment; nil runs on SQLite.
    static let baseURL = ProcessInfo.processInfo.environment["DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 }

    private var admin: Application?
    private var templateName: String?
    /// Creating and dropping databases one at a time: PostgreSQL refuses to copy a template that
    /// another `CREATE DATABASE` is reading.
    private let gate = AsyncGate()

    /// The address of a fresh, migrated database of its own; nil on SQLite.
    static func make() async throws -> String? {
        guard baseURL != nil else { return nil }
        return try await shared.copy()
    }

    /// The address of a fresh database with nothing in it (a restore's target); nil on SQLite.
    static func makeEmpty() async throws -> String? {
        guard baseURL != nil else { return nil }
        return try await shared.empty()
    }

    /// Drops a database that `make` handed out.
    static func drop(_ url: String?) async {
        guard let url, let name = URLComponents(string: url)?.path.dropFirst() else { return }
        try? await shared.dropDatabase(String(name))
    }

    private func copy() async throws -> String {
        await gate.enter()
        do {
            let template = try await preparedTemplate()
            let name = "retour_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await adminSQL().raw("CREATE DATABASE \(ident: name) TEMPLATE \(ident: template)").run()
            await gate.leave()
            return Self.url(database: name)
        } catch {
            await gate.leave()
            throw error
        }
    }

    private func empty() async throws -> String {
        await gate.enter()
        do {
            let name = "retour_e_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
            try await adminSQL().raw("CREATE DATABASE \(ident: name)").run()
            await gate.leave()
            return Self.url(database: name)
        } catch {
            await gate.leave()
            throw error
        }
    }

    private func dropDatabase(_ name: String) async throws {
        await gate.enter()
        defer { Task { await gate.leave() } }
        try await adminSQL().raw("DROP DATABASE IF EXISTS \(ident: name) WITH (FORCE)").run()
    }

    /// The template: the environment's database, emptied and migrated by today's schema.
    private func preparedTemplate() async throws -> String {
        if let templateName { return templateName }
        guard let baseURL = Self.baseURL, let name = URLComponents(string: baseURL)?.path.dropFirst() else {
            throw Abort(.internalServerError, reason: "DATABASE_URL has no database name")
        }
        let app = try await Application.make(.testing)
        do {
            var config = AppConfig(databaseURL: baseURL, sqlitePath: ":memory:", bcryptCost: 4)
            config.workerInterval = 0
            try await configure(app, config: config)
            let sql = app.db.sql
            try await sql.raw("DROP SCHEMA public CASCADE").run()
            try await sql.raw("CREATE SCHEMA public").run()
            try await migrateGuarded(app)
        } catch {
            try? await app.asyncShutdown()
            throw error
        }
        // No connection may stay open on a template while it is copied.
        try await app.asyncShutdown()
        templateName = String(name)
        return String(name)
    }

    /// A connection to the server's maintenance database, kept for the whole test process.
    private func adminSQL() async throws -> any SQLDatabase {
        if let admin { return admin.db.sql }
        let app = try await Application.make(.testing)
        app.databases.use(
            .postgres(configuration: try SQLPostgresConfiguration(url: Self.url(database: "postgres"))), as: .psql)
        admin = app
        return app.db.sql
    }

    private static func url(database: String) -> String {
        var components = URLComponents(string: baseURL ?? "")!
        components.path = "/" + database
        return components.string!
    }
}

/// At most `limit` app tests at a time: each one holds an application, its event loops' work and,
/// on PostgreSQL, connections of its own; two cores gain nothing from more.
actor TestSlots {
    static let shared = TestSlots(limit: 4)

    private let limit: Int
    private var running = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func enter() async {
        if running < limit {
            running += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    func leave() {
        if waiting.isEmpty {
            running -= 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
