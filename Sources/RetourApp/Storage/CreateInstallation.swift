import Fluent
import Foundation
import SQLKit
import Vapor

/// Migration 022 — the installation's id and secret; the files its database names but cannot find.
struct CreateInstallation: AsyncMigration {
    var name: String { "RetourApp.CreateInstallation" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(table: "installation")
            .column("id", type: .text, .primaryKey(autoIncrement: false))
            .column("secret", type: .text, .notNull)
            .run()
        try await sql.raw(
            """
            INSERT INTO installation (id, secret)
            VALUES (\(bind: UUID().uuidString.lowercased()), \(bind: randomToken(bytes: 32)))
            """
        ).run()
        try await sql.create(table: "missing_files")
            .column("digest", type: .text, .primaryKey(autoIncrement: false))
            .column("first_seen", type: .timestamp, .notNull)
            .run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(table: "missing_files").run()
        try await sql.drop(table: "installation").run()
    }
}
