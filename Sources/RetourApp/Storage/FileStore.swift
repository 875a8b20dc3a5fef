import Fluent
import Foundation
import RetourCore
import SQLKit
import Vapor

/// Where attachments live, by the SHA-256 of their content: one copy per content, however often it
/// is uploaded. On local disk with the embedded SQLite; in PostgreSQL when `DATABASE_URL` is set, so
/// that every host of a cluster reaches every file.
protocol FileStore: Sendable {
    /// Takes a finished temporary file in under `digest`; a file already stored there is kept and
    /// counts as written `now` (so that the clean-up does not take it while a new upload names it).
    func put(temporaryFile path: String, digest: String, now: Date, on db: any Database) async throws
    /// The content stored under `digest`, read as it is sent; a file that is gone is noted
    /// (`MissingFiles`, as of `now`) and refused as not found.
    func content(of digest: String, now: Date, on db: any Database) async throws -> StoredContent
    /// The digests of files last written before `date`.
    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String]
    /// Removes the file under `digest` unless it was written again at or after `date`.
    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws
}

/// Files under `root/<first two hex digits>/<digest>`, moved in by a rename so that a crash never
/// leaves a half-written file under a content address. `root` is this installation's own directory
/// (`FileRoot`), and every file it writes is recorded in its database (`stored_files`, without
/// parts): the clean-up reads that record, never the directory, so it removes only files this
/// installation wrote.
struct LocalFileStore: FileStore {
    let root: String

    func path(_ digest: String) -> String { root + "/" + digest.prefix(2) + "/" + digest }

    func put(temporaryFile: String, digest: String, now: Date, on db: any Database) async throws {
        let target = path(digest)
        if FileManager.default.fileExists(atPath: target) {
            try? FileManager.default.setAttributes([.modificationDate: now], ofItemAtPath: target)
            try? FileManager.default.removeItem(atPath: temporaryFile)
        } else {
            try FileManager.default.createDirectory(
                atPath: root + "/" + digest.prefix(2), withIntermediateDirectories: true)
            if rename(temporaryFile, target) != 0 && !FileManager.default.fileExists(atPath: target) {
                throw Abort(.internalServerError, reason: "cannot store \(target)")
            }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
        try await Self.record(digest, size: size, at: now, on: db)
        try await MissingFiles.found(digest, on: db)
    }

    /// Notes in the database that this installation holds `digest` on its disk.
    static func record(_ digest: String, size: Int, at now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO stored_files (digest, size, written_at) VALUES (\(bind: digest), \(bind: size), \(bind: now))
            ON CONFLICT (digest) DO UPDATE SET written_at = excluded.written_at
            """
        ).run()
    }

    func content(of digest: String, now: Date, on db: any Database) async throws -> StoredContent {
        guard FileManager.default.fileExists(atPath: path(digest)) else {
            try await MissingFiles.missing(digest, at: now, on: db)
            throw MissingFiles.gone
        }
        return .file(path: path(digest))
    }

    func digests(writtenBefore date: Date, on db: any Database) async throws -> [String] {
        struct Row: Decodable { var digest: String }
        return try await db.sql.select().column("digest").from("stored_files")
            .where("written_at", .lessThan, date).all(decoding: Row.self).map(\.digest)
    }

    func remove(_ digest: String, writtenBefore date: Date, on db: any Database) async throws {
        let sql = db.sql
        struct Row: Decodable { var digest: String }
        let old = try await sql.select().column("digest").from("stored_files").where("digest", .equal, digest)
            .where("written_at", .lessThan, date).first(decoding: Row.self)
        guard old != nil, (modified(digest) ?? date) < date else { return }
        try await sql.delete(from: "stored_files").where("digest", .equal, digest).run()
        try? FileManager.default.removeItem(atPath: path(digest))
    }

    func modified(_ digest: String) -> Date? {
        try? FileManager.default.attributesOfItem(atPath: path(digest))[.modificationDate] as? Date
    }
}

/// A stored file's content: a file on this host's disk, or parts read one after the other (from the
/// database), each as it is sent.
enum StoredContent: Sendable {
    case file(path: String)
    case parts(size: Int, AsyncThrowingStream<Data, any Error>)

    /// All of it in memory, for a file packed into another (the vendor's evidence packet).
    func bytes() async throws -> Data {
        switch self {
        case .file(let path): return try Data(contentsOf: URL(fileURLWithPath: path))
        case .parts(_, let parts):
            var all = Data()
            for try await part in parts { all.append(part) }
            return all
        }
    }
}

extension Request {
    /// An answer that sends `content` as it is read.
    func response(sending content: StoredContent) async throws -> Response {
        switch content {
        case .file(let path): return try await fileio.asyncStreamFile(at: path)
        case .parts(let size, let parts):
            let body = Response.Body(
                asyncStream: { writer in
                    for try await part in parts { try await writer.write(.buffer(ByteBuffer(data: part))) }
                    try await writer.write(.end)
                }, count: size)
            return Response(status: .ok, body: body)
        }
    }
}

/// Files a request names that the store cannot find (a disk lost, a restore without its files):
/// answered 404 — a page saying the file is no longer available — never 500, and kept in a list
/// that `/readyz` and `/metrics` report, until the file is stored again.
enum MissingFiles {
    static var gone: Refusal { Refusal(.notFound, detail: Message("files.gone")) }

    static func missing(_ digest: String, at now: Date, on db: any Database) async throws {
        try await db.sql.raw(
            """
            INSERT INTO missing_files (digest, first_seen) VALUES (\(bind: digest), \(bind: now))
            ON CONFLICT (digest) DO NOTHING
            """
        ).run()
    }

    static func found(_ digest: String, on db: any Database) async throws {
        try await db.sql.delete(from: "missing_files").where("digest", .equal, digest).run()
    }

    static func count(on db: any Database) async throws -> Int {
        struct Row: Decodable { var total: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS total FROM missing_files").first(
            decoding: Row.self)?.total ?? 0
    }
}

extension Application {
    private struct FileStoreKey: StorageKey {
        typealias Value = any FileStore
    }

    /// The attachment store: PostgreSQL when the application runs on it (every `serve` process of a
    /// cluster reaches the same files), local disk under `RETOUR_FILES` with SQLite; a test may set one.
    var fileStore: any FileStore {
        get {
            if let chosen = storage[FileStoreKey.self] { return chosen }
            return config.databaseURL != nil ? DatabaseFileStore() : LocalFileStore(root: config.filesDirectory)
        }
        set { storage[FileStoreKey.self] = newValue }
    }
}
