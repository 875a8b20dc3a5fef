import Fluent
import Foundation
import NIOConcurrencyHelpers
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
            let sql = db.sql
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            // Two uploads of the same content at once: the second waits for the first to commit and
            // then finds its row.
            let inserted = try await sql.raw(
                """
                INSERT INTO stored_files (digest, size, written_at) VALUES (\(bind: digest), \(bind: size), \(bind: now))
                ON CONFLICT (digest) DO NOTHING RETURNING digest
                """
            ).first()
            try await MissingFiles.found(digest, on: db)
            if inserted == nil {
                try await sql.update("stored_files").set("written_at", to: now).where("digest", .equal, digest).run()
                // Its parts whole: nothing to write. Parts lost (a damaged restore) are written anew.
                struct Count: Decodable { var total: Int }
                let parts = try await sql.raw(
                    "SELECT COUNT(*) AS total FROM stored_file_parts WHERE digest = \(bind: digest)"
                ).first(decoding: Count.self)?.total
                if parts == (size + Self.partBytes - 1) / Self.partBytes { return }
                try await sql.delete(from: "stored_file_parts").where("digest", .equal, digest).run()
                try await sql.update("stored_files").set("size", to: size).where("digest", .equal, digest).run()
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

    func content(of digest: String, now: Date, on db: any Database) async throws -> StoredContent {
        struct Stored: Decodable { var size: Int }
        let sql = db.sql
        struct Count: Decodable { var total: Int }
        let file = try await sql.select().column("size").from("stored_files").where("digest", .equal, digest)
            .first(decoding: Stored.self)
        // Every part but the last is full: the size says how many there are.
        let parts = ((file?.size ?? 0) + Self.partBytes - 1) / Self.partBytes
        let found = try await sql.raw(
            "SELECT COUNT(*) AS total FROM stored_file_parts WHERE digest = \(bind: digest)"
        ).first(decoding: Count.self)
        guard let file, found?.total == parts else {
            try await MissingFiles.missing(digest, at: now, on: db)
            throw MissingFiles.gone
        }
        // The stream asks for one part at a time, never ahead of the reader.
        let cursor = NIOLockedValueBox(0)
        let reader = AsyncThrowingStream<Data, any Error> {
            struct Part: Decodable { var bytes: Data }
            let next = cursor.withLockedValue { value in
                defer { value += 1 }
                return value
            }
            guard next < parts else { return nil }
            guard
                let row = try await sql.select().column("bytes").from("stored_file_parts")
                    .where("digest", .equal, digest).where("part", .equal, next).first(decoding: Part.self)
            else { throw Abort(.internalServerError, reason: "part \(next) of \(digest) is missing") }
            return row.bytes
        }
        return .parts(size: file.size, reader)
    }

    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String] {
        struct Row: Decodable { var digest: String }
        return try await db.sql.select().column("digest").from("stored_files")
            .where("written_at", .lessThan, date).all(decoding: Row.self).map(\.digest)
    }

    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws {
        try await db.writeTransaction { db in
            let sql = db.sql
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
    /// Files this database names but does not hold, found on a local disk (`retour migrate
    /// --take-files-from DIR`, or the installation's own files directory from before files moved
    /// into PostgreSQL): copied in, each in its own transaction. Nothing on the disk is moved,
    /// changed or deleted, and a file the database does not name is not even read — the directory
    /// may be another installation's.
    @discardableResult
    static func takeOver(_ local: LocalFileStore, on db: any Database) async throws -> Int {
        let onDisk = FileRoot.storedDigests(in: local.root)
        guard !onDisk.isEmpty else { return 0 }
        struct Row: Decodable { var sha256: String }
        var copied = 0
        for chunk in onDisk.chunked(500) {
            let wanted = try await db.sql.raw(
                """
                SELECT DISTINCT a.sha256 FROM attachments a
                WHERE a.sha256 IN (\(binds: Array(chunk)))
                  AND NOT EXISTS (SELECT 1 FROM stored_files f WHERE f.digest = a.sha256)
                """
            ).all(decoding: Row.self).map(\.sha256)
            for digest in wanted {
                let copy = NSTemporaryDirectory() + "retour-takeover-" + digest
                try? FileManager.default.removeItem(atPath: copy)
                try FileManager.default.copyItem(atPath: local.path(digest), toPath: copy)
                let written = local.modified(digest) ?? Date(timeIntervalSince1970: 0)
                try await DatabaseFileStore().put(temporaryFile: copy, digest: digest, now: written, on: db)
                copied += 1
            }
        }
        return copied
    }
}
