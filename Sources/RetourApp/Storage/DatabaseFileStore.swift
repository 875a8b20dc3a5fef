import Fluent
import Foundation
import SQLKit
import Vapor

/// Attachments kept in the database, in parts of 1 MB: every host of a cluster reads what any of
/// them stored, backups hold the files with the requests that name them, and neither storing nor
/// sending a 20 MB photo holds more than one part in memory. A file and its parts are written in one
/// transaction, so a crash never leaves a half-written file under a content address.
struct DatabaseFileStore: FileStore {
    static let partBytes = 1 << 20

    func put(temporaryFile path: String, digest: String, now: Date, on db: any Database) async throws {
        try await db.writeTransaction { db in
            let sql = db as! any SQLDatabase
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            // Two uploads of the same content at once: the second waits for the first to commit and
            // then finds its row.
            let inserted = try await sql.raw(
                """
                INSERT INTO stored_files (digest, size, written_at) VALUES (\(bind: digest), \(bind: size), \(bind: now))
                ON CONFLICT (digest) DO NOTHING RETURNING digest
                """
            ).first()
            guard inserted != nil else {
                try await sql.update("stored_files").set("written_at", to: now).where("digest", .equal, digest).run()
                return
            }
            let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            var part = 0
            while let bytes = try handle.read(upToCount: Self.partBytes), !bytes.isEmpty {
                try await sql.insert(into: "stored_file_parts").columns("digest", "part", "bytes")
                    .values(SQLBind(digest), SQLBind(part), SQLBind(bytes)).run()
                part += 1
            }
        }
        try? FileManager.default.removeItem(atPath: path)
    }

    func stream(_ digest: String, for request: Request) async throws -> Response {
        struct Stored: Decodable { var size: Int }
        let sql = request.db as! any SQLDatabase
        guard
            let file = try await sql.select().column("size").from("stored_files").where("digest", .equal, digest)
                .first(decoding: Stored.self)
        else { throw Abort(.notFound) }
        // Every part but the last is full: the size says how many there are.
        let parts = (file.size + Self.partBytes - 1) / Self.partBytes
        let body = Response.Body(
            asyncStream: { writer in
                struct Part: Decodable { var bytes: Data }
                for part in 0..<parts {
                    guard
                        let row = try await sql.select().column("bytes").from("stored_file_parts")
                            .where("digest", .equal, digest).where("part", .equal, part).first(decoding: Part.self)
                    else { throw Abort(.internalServerError, reason: "part \(part) of \(digest) is missing") }
                    try await writer.write(.buffer(ByteBuffer(data: row.bytes)))
                }
                try await writer.write(.end)
            }, count: file.size)
        return Response(status: .ok, body: body)
    }

    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String] {
        struct Row: Decodable { var digest: String }
        return try await (db as! any SQLDatabase).select().column("digest").from("stored_files")
            .where("written_at", .lessThan, date).all(decoding: Row.self).map(\.digest)
    }

    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws {
        try await db.writeTransaction { db in
            let sql = db as! any SQLDatabase
            // The file's row is locked first: an upload of the same content waits, then stores it anew.
            let lock = db.isSQLite ? "" : " FOR UPDATE"
            let old = try await sql.raw(
                """
                SELECT digest FROM stored_files WHERE digest = \(bind: digest) AND written_at < \(bind: date)\(unsafeRaw: lock)
                """
            ).first()
            guard old != nil else { return }
            try await sql.delete(from: "stored_file_parts").where("digest", .equal, digest).run()
            try await sql.delete(from: "stored_files").where("digest", .equal, digest).run()
        }
    }
}

extension DatabaseFileStore {
    /// Files a host kept on its own disk before it ran on PostgreSQL move into the database when the
    /// schema is brought up to date, so that an upgrade loses none. Each leaves the disk only once its
    /// copy is committed; a second run finds nothing left to move.
    @discardableResult
    static func takeOver(_ local: LocalFileStore, on db: any Database) async throws -> Int {
        var moved = 0
        for digest in try await local.digests(writtenBefore: .distantFuture, on: db) {
            let written = local.modified(digest) ?? Date(timeIntervalSince1970: 0)
            try await DatabaseFileStore().put(temporaryFile: local.path(digest), digest: digest, now: written, on: db)
            moved += 1
        }
        return moved
    }
}

/// Migration 016 — the tables of `DatabaseFileStore` (created on SQLite too, where the disk is used,
/// so that both databases have one schema).
struct CreateStoredFiles: AsyncMigration {
    var name: String { "RetourApp.CreateStoredFiles" }

    func prepare(on database: any Database) async throws {
        let sql = database as! any SQLDatabase
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
        let sql = database as! any SQLDatabase
        try await sql.drop(table: "stored_file_parts").run()
        try await sql.drop(table: "stored_files").run()
    }
}
