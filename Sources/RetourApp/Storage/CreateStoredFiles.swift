import Fluent
import Foundation
import SQLKit
import Vapor

/// Migration 016 — the tables of `DatabaseFileStore` (created on SQLite too, where the disk is used,
/// so that both databases have one schema).
struct CreateStoredFiles: AsyncMigration {
    var name: String { "RetourApp.CreateStoredFiles" }

    func prepare(on database: any Database) async throws {
        let sql = database.sql
        try await sql.create(table: "stored_files")
            .column("digest", type: .text, .primaryKey(autoIncrement: false))
            .column("size", type: .bigint, .notNull)
            .column("written_at", type: database.isSQLite ? .timestamp : .custom(SQLRaw("TIMESTAMPTZ")), .notNull)
            .run()
        try await sql.create(table: "stored_file_parts")
            .column("digest", type: .text, .notNull, .references("stored_files", "digest"))
            .column("part", type: .int, .notNull)
            .column("bytes", type: .blob, .notNull)
            .primaryKey("digest", "part")
            .run()
        try await sql.create(index: "stored_files_written_at").on("stored_files").column("written_at").run()
    }

    func revert(on database: any Database) async throws {
        let sql = database.sql
        try await sql.drop(table: "stored_file_parts").run()
        try await sql.drop(table: "stored_files").run()
    }
}
